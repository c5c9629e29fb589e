public import LedgerCore

/// EPCIS events, as the element trees of their XML form, written as an EPCIS 2.0 JSON-LD document: the inverse of
/// ``EPCISJSONEvent``, so that the importer reads back the same trees. Lists become arrays (`epcList`, typed items
/// with `type`, sensor elements with their metadata and reports), other elements objects or text, and names in
/// other namespaces `prefix:local` with the prefixes defined in the document's `@context` (``EPCISExport/namespace``
/// as `prov`).
public struct EPCISJSONLDWriter {
    private var prefixes = [String: String]()

    public init() {}

    /// The document holding `events`, created at `creationDate`: an `EPCISDocument`, or with `queryResults` the
    /// `EPCISQueryDocument` that answers a simple event query.
    public static func document(_ events: [XMLTree], creationDate: Timestamp, queryResults: Bool = false) -> JSONValue {
        var writer = EPCISJSONLDWriter()
        let list = events.map { writer.event($0) }
        var context = [String: JSONValue]()
        for (namespace, prefix) in writer.prefixes {
            // A URN namespace is written with a trailing colon, as JSON-LD forms IRIs from it.
            context[prefix] = .string(namespace.hasPrefix("urn:") ? namespace + ":" : namespace)
        }
        var contexts: [JSONValue] = [.string("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")]
        if !context.isEmpty { contexts.append(.object(context)) }
        return .object([
            "@context": .array(contexts), "type": queryResults ? "EPCISQueryDocument" : "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": .string(creationDate.utc),
            "epcisBody": queryResults
                ? [
                    "queryResults": [
                        "queryName": "SimpleEventQuery", "resultsBody": .object(["eventList": .array(list)]),
                    ]
                ]
                : .object(["eventList": .array(list)]),
        ])
    }

    /// One event as a JSON object.
    mutating func event(_ tree: XMLTree) -> JSONValue {
        var members = object(of: tree.children)
        members["type"] = .string(key(tree.name))
        for attribute in tree.attributes { members[key(attribute.name)] = .string(attribute.value) }
        return .object(members)
    }

    /// The members for `children`: one per name, repeated names as arrays (list fields always).
    private mutating func object(of children: [XMLTree]) -> [String: JSONValue] {
        var members = [String: JSONValue]()
        var order = [String]()
        var grouped = [String: [XMLTree]]()
        for child in children {
            let name = key(child.name)
            if grouped[name] == nil { order.append(name) }
            grouped[name, default: []].append(child)
        }
        for name in order {
            guard let elements = grouped[name], let first = elements.first else { continue }
            if first.name.namespaceURI.isEmpty, EPCISJSONEvent.listItems[name] != nil {
                members[name] = .array(elements.flatMap { $0.children.map { item($0) } })
            } else if first.name.namespaceURI.isEmpty, name == "persistentDisposition" {
                var terms = [String: [JSONValue]]()
                for child in elements.flatMap(\.children) {
                    terms[child.name.localName, default: []].append(
                        .string(Self.bare(child.trimmedText, urn: "disp", web: "Disp")))
                }
                members[name] = .object(terms.mapValues(JSONValue.array))
            } else if first.name.namespaceURI.isEmpty, let (urn, web) = Self.vocabularies[name],
                elements.count == 1, first.children.isEmpty
            {
                members[name] = .string(Self.bare(first.trimmedText, urn: urn, web: web))
            } else if Self.numbers.contains(name), elements.allSatisfy(\.isNil) {
                // A number given as xsi:nil in XML (a quantity not known): JSON leaves it out.
                continue
            } else {
                let values = elements.map { value($0) }
                members[name] = values.count == 1 ? values[0] : .array(values)
            }
        }
        return members
    }

    /// An item of a list field.
    private mutating func item(_ element: XMLTree) -> JSONValue {
        let name = element.name.localName
        if EPCISJSONEvent.typedItems.contains(name) {
            var members: [String: JSONValue] = [name: .string(element.trimmedText)]
            if let type = element.attribute("type") {
                members["type"] = .string(
                    name == "bizTransaction"
                        ? Self.bare(type, urn: "btt", web: "BTT") : Self.bare(type, urn: "sdt", web: "SDT"))
            }
            return .object(members)
        }
        if name == "sensorElement" {
            var members = [String: JSONValue]()
            var reports = [JSONValue]()
            var rest = [XMLTree]()
            for child in element.children {
                switch child.name.localName {
                case "sensorMetadata": members["sensorMetadata"] = attributes(child)
                case "sensorReport": reports.append(attributes(child))
                default: rest.append(child)
                }
            }
            if !reports.isEmpty { members["sensorReport"] = .array(reports) }
            members.merge(object(of: rest)) { mine, _ in mine }
            return .object(members)
        }
        return value(element)
    }

    private mutating func attributes(_ element: XMLTree) -> JSONValue {
        var members = [String: JSONValue]()
        for attribute in element.attributes {
            let name = key(attribute.name)
            members[name] = Self.typed(attribute.value, member: name)
        }
        return .object(members)
    }

    /// The fields whose values are CBV terms, which JSON-LD writes as bare words (`shipping`), by the vocabulary's
    /// URN and web URI parts.
    static let vocabularies: [String: (String, String)] = [
        "bizStep": ("bizstep", "BizStep"), "disposition": ("disp", "Disp"), "reason": ("er", "ER"),
    ]

    /// A CBV term as JSON-LD's bare word (`urn:epcglobal:cbv:bizstep:shipping` → `shipping`); another vocabulary's
    /// URI as it is.
    static func bare(_ value: String, urn: String, web: String) -> String {
        CBV.term(value, urn: urn, web: web) ?? value
    }

    /// Members the JSON schema types as numbers (a quantity, a sensor report's values) or as a boolean.
    static let numbers: Set<String> = [
        "quantity", "value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue",
    ]

    /// `text` as the member `member` holds it: a number or boolean where the schema wants one and the text is one.
    static func typed(_ text: String, member: String) -> JSONValue {
        if member == "booleanValue", text == "true" || text == "false" { return .bool(text == "true") }
        if numbers.contains(member), isJSONNumber(text) { return .number(text) }
        return .string(text)
    }

    /// Whether `text` is a number as JSON writes one (`-12.5e3`, not `+1` or `.5`).
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix { (0x30...0x39).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let first = bytes.first else { return false }
        if first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// An element's value: `null` for `xsi:nil`, its text when it has nothing else, else an object of its children
    /// and attributes.
    private mutating func value(_ element: XMLTree) -> JSONValue {
        if element.isNil { return .null }
        if element.children.isEmpty && element.attributes.isEmpty {
            return Self.typed(element.trimmedText, member: key(element.name))
        }
        var members = object(of: element.children)
        for attribute in element.attributes { members[key(attribute.name)] = .string(attribute.value) }
        if !element.trimmedText.isEmpty { members["@value"] = .string(element.trimmedText) }
        return .object(members)
    }

    /// The member name of `name`: its local name in no namespace, else `prefix:local`.
    private mutating func key(_ name: XMLName) -> String {
        guard !name.namespaceURI.isEmpty else { return name.localName }
        if let prefix = prefixes[name.namespaceURI] { return "\(prefix):\(name.localName)" }
        let prefix = EPCISExport.prefixes[name.namespaceURI] ?? "ext\(prefixes.count + 1)"
        prefixes[name.namespaceURI] = prefix
        return "\(prefix):\(name.localName)"
    }
}
