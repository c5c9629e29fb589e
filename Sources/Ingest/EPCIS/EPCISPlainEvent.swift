internal import LedgerCore

/// One quantity element of an EPCIS event (`quantityList`, `inputQuantityList`…): its values trimmed, `nil` for a
/// member left out, empty or `xsi:nil`.
struct EPCISQuantity: Equatable, Sendable {
    var epcClass: String?
    var quantity: String?
    var uom: String?
}

/// One entry of a business transaction, source or destination list: its `type` and its value, trimmed.
struct EPCISTypedEntry: Equatable, Sendable {
    var type: String
    var value: String
}

/// A JSON-LD `ObjectEvent` made only of standard fields in their plain forms, read straight from its JSON object
/// without the element tree of its XML form (``EPCISJSONEvent``), which most events of a large capture are and which
/// the tree would make the costliest part of reading them.
///
/// Plain means: the members `type` (`ObjectEvent`), `eventTime`, `eventTimeZoneOffset`, `recordTime`, `eventID`,
/// `certificationInfo`, `action`, `bizStep` and `disposition` as strings; `readPoint` and `bizLocation` as objects
/// with only an `id`; `epcList` as strings; `quantityList` as objects of `epcClass` with an optional `quantity` (a
/// number or a string) and `uom`; `bizTransactionList`, `sourceList` and `destinationList` as non-empty lists whose
/// every item has a `type` and its value. Every string is non-empty and without leading or trailing whitespace, and
/// `eventTime` is there. Any other member (an extension, `ilmd`, a context, `errorDeclaration`…) or form makes the
/// event general: ``init(json:)`` returns `nil` and the event is read through its tree, as before. The event hash
/// (``EPCISEventHash/hash(ofPlain:)``) and the mapping (``EPCISMapping/contents(ofPlain:hash:)``) of a plain event
/// are those of its tree; the tests compare the two on every event they read.
struct EPCISPlainEvent: Equatable, Sendable {
    /// The event type; always `ObjectEvent`.
    let type = "ObjectEvent"
    var eventID: String?
    var eventTime = ""
    var eventTimeZoneOffset: String?
    var recordTime: String?
    var certificationInfo: String?
    var action: String?
    var bizStep: String?
    var disposition: String?
    var readPoint: String?
    var bizLocation: String?
    var epcList = [String]()
    var quantityList = [EPCISQuantity]()
    var bizTransactionList: [EPCISTypedEntry]?
    var sourceList: [EPCISTypedEntry]?
    var destinationList: [EPCISTypedEntry]?

    /// The plain event of a JSON event object, or `nil` for an event that is not plain.
    init?(json object: [String: JSONValue]) {
        guard case .string("ObjectEvent")? = object["type"] else { return nil }
        var hasTime = false
        for (key, value) in object {
            switch key {
            case "type":
                continue
            case "eventTime":
                guard let text = Self.text(value) else { return nil }
                eventTime = text
                hasTime = true
            case "eventID": guard Self.set(&eventID, value) else { return nil }
            case "eventTimeZoneOffset": guard Self.set(&eventTimeZoneOffset, value) else { return nil }
            case "recordTime": guard Self.set(&recordTime, value) else { return nil }
            case "certificationInfo": guard Self.set(&certificationInfo, value) else { return nil }
            case "action": guard Self.set(&action, value) else { return nil }
            case "bizStep": guard Self.set(&bizStep, value) else { return nil }
            case "disposition": guard Self.set(&disposition, value) else { return nil }
            case "readPoint": guard let id = Self.location(value) else { return nil }; readPoint = id
            case "bizLocation": guard let id = Self.location(value) else { return nil }; bizLocation = id
            case "epcList":
                guard case .array(let items) = value else { return nil }
                epcList.reserveCapacity(items.count)
                for item in items {
                    guard let epc = Self.text(item) else { return nil }
                    epcList.append(epc)
                }
            case "quantityList":
                guard case .array(let items) = value else { return nil }
                quantityList.reserveCapacity(items.count)
                for item in items {
                    guard let quantity = Self.quantity(item) else { return nil }
                    quantityList.append(quantity)
                }
            case "bizTransactionList":
                guard let entries = Self.entries(value, item: "bizTransaction") else { return nil }
                bizTransactionList = entries
            case "sourceList":
                guard let entries = Self.entries(value, item: "source") else { return nil }
                sourceList = entries
            case "destinationList":
                guard let entries = Self.entries(value, item: "destination") else { return nil }
                destinationList = entries
            default:
                return nil
            }
        }
        guard hasTime else { return nil }
    }

    /// A string that is its own trimmed text and not empty.
    private static func text(_ value: JSONValue) -> String? {
        guard case .string(let text) = value, let first = text.utf8.first, let last = text.utf8.last,
            !isSpace(first), !isSpace(last)
        else { return nil }
        return text
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Sets `field` to the text of `value`; false if it is no plain text.
    private static func set(_ field: inout String?, _ value: JSONValue) -> Bool {
        field = text(value)
        return field != nil
    }

    /// The `id` of a `readPoint` or `bizLocation` that holds nothing else.
    private static func location(_ value: JSONValue) -> String? {
        guard case .object(let members) = value, members.count == 1, let id = members["id"] else { return nil }
        return text(id)
    }

    private static func quantity(_ value: JSONValue) -> EPCISQuantity? {
        guard case .object(let members) = value, let epcClass = members["epcClass"].flatMap(text) else { return nil }
        var quantity = EPCISQuantity(epcClass: epcClass)
        for (key, member) in members {
            switch key {
            case "epcClass":
                continue
            case "quantity":
                if case .number(let lexeme) = member {
                    quantity.quantity = lexeme
                } else {
                    guard let text = text(member) else { return nil }
                    quantity.quantity = text
                }
            case "uom":
                guard let uom = text(member) else { return nil }
                quantity.uom = uom
            default:
                return nil
            }
        }
        return quantity
    }

    /// The entries of a non-empty typed list whose items hold their `type` and their value under `item`.
    private static func entries(_ value: JSONValue, item: String) -> [EPCISTypedEntry]? {
        guard case .array(let items) = value, !items.isEmpty else { return nil }
        var entries = [EPCISTypedEntry]()
        entries.reserveCapacity(items.count)
        for entry in items {
            guard case .object(let members) = entry, members.count == 2, let type = members["type"].flatMap(text),
                let text = members[item].flatMap(text)
            else { return nil }
            entries.append(EPCISTypedEntry(type: type, value: text))
        }
        return entries
    }

    /// The members of `extensions` the event's fields give when the supply-chain mapping has consumed its time, its
    /// EPCs, its quantities and its certification, as ``EPCISEvent/extensions(consuming:replacing:)`` gives them for
    /// its tree: a text field as its text, a location as `{"id": …}`, a typed list as its items by their element
    /// name, each `{"@type": …, "#text": …}`, several as an array.
    var supplyChainExtensions: [String: JSONValue] {
        var members = [String: JSONValue]()
        func add(_ name: String, _ value: JSONValue?) {
            if let value { members[name] = value }
        }
        add("eventID", eventID.map(JSONValue.string))
        add("recordTime", recordTime.map(JSONValue.string))
        add("action", action.map(JSONValue.string))
        add("bizStep", bizStep.map(JSONValue.string))
        add("disposition", disposition.map(JSONValue.string))
        add("readPoint", readPoint.map { .object(["id": .string($0)]) })
        add("bizLocation", bizLocation.map { .object(["id": .string($0)]) })
        add("bizTransactionList", bizTransactionList.flatMap { Self.list($0, item: "bizTransaction") })
        add("sourceList", sourceList.flatMap { Self.list($0, item: "source") })
        add("destinationList", destinationList.flatMap { Self.list($0, item: "destination") })
        return members
    }

    /// A typed list's JSON as its tree's: `{item: entry}` or `{item: [entries]}`; `nil` for no entries (the list
    /// then leaves `extensions`).
    static func list(_ entries: [EPCISTypedEntry], item: String) -> JSONValue? {
        entries.isEmpty ? nil : .object([item: repeated(entries.map(\.json))])
    }

    /// One value as it is, several as an array: how a repeated element reads.
    private static func repeated(_ values: [JSONValue]) -> JSONValue {
        values.count == 1 ? values[0] : .array(values)
    }
}

extension EPCISTypedEntry {
    /// The entry as its element's JSON: its `type` attribute and its text.
    var json: JSONValue { .object(["@type": .string(type), "#text": .string(value)]) }
}
