extension EPCISPlainEvent {
    /// The plain event of a JSON event's bytes, read straight from them without building its JSON value: what
    /// ``init(json:)`` gives for the parsed bytes, for an event written in the simplest JSON (ASCII strings without
    /// escapes, each member once). `nil` for anything else, which the caller then parses whole: an event that is not
    /// plain, one that needs the general parser (an escape, a non-ASCII character), and malformed JSON, which the
    /// parser then reports with its place.
    init?(bytes: [UInt8]) {
        var scanner = PlainJSONScanner(bytes)
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        // The members read so far, a bit each, in the order of `members`.
        var seen: UInt32 = 0
        var isObjectEvent = false
        var hasTime = false
        repeat {
            guard let key = scanner.string(), let member = Member(rawValue: key), seen & member.bit == 0,
                scanner.take(UInt8(ascii: ":"))
            else { return nil }
            seen |= member.bit
            switch member {
            case .type:
                guard scanner.string() == "ObjectEvent" else { return nil }
                isObjectEvent = true
            case .eventTime:
                guard let text = scanner.text() else { return nil }
                eventTime = text
                hasTime = true
            case .eventID: guard scanner.text(into: &eventID) else { return nil }
            case .eventTimeZoneOffset: guard scanner.text(into: &eventTimeZoneOffset) else { return nil }
            case .recordTime: guard scanner.text(into: &recordTime) else { return nil }
            case .certificationInfo: guard scanner.text(into: &certificationInfo) else { return nil }
            case .action: guard scanner.text(into: &action) else { return nil }
            case .bizStep: guard scanner.text(into: &bizStep) else { return nil }
            case .disposition: guard scanner.text(into: &disposition) else { return nil }
            case .readPoint: guard let id = scanner.location() else { return nil }; readPoint = id
            case .bizLocation: guard let id = scanner.location() else { return nil }; bizLocation = id
            case .epcList:
                guard
                    scanner.list({ scanner in
                        guard let epc = scanner.text() else { return false }
                        epcList.append(epc)
                        return true
                    })
                else { return nil }
            case .quantityList:
                guard
                    scanner.list({ scanner in
                        guard let quantity = scanner.quantity() else { return false }
                        quantityList.append(quantity)
                        return true
                    })
                else { return nil }
            case .bizTransactionList:
                guard let entries = scanner.entries(item: "bizTransaction") else { return nil }
                bizTransactionList = entries
            case .sourceList:
                guard let entries = scanner.entries(item: "source") else { return nil }
                sourceList = entries
            case .destinationList:
                guard let entries = scanner.entries(item: "destination") else { return nil }
                destinationList = entries
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), scanner.atEnd, isObjectEvent, hasTime else { return nil }
    }

    /// The members a plain event may have.
    private enum Member: String, CaseIterable {
        case type, eventTime, eventID, eventTimeZoneOffset, recordTime, certificationInfo, action, bizStep
        case disposition, readPoint, bizLocation, epcList, quantityList, bizTransactionList, sourceList
        case destinationList

        private static let order = allCases

        /// The member's bit in the set of those read.
        var bit: UInt32 { 1 << (Self.order.firstIndex(of: self) ?? 0) }
    }
}

/// Reads the few JSON forms a plain event is written in, byte by byte; every method returns `nil` or false, having
/// read an unknown amount, for anything else.
private struct PlainJSONScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether only whitespace is left.
    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    private mutating func skipSpace() {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Reads `byte` after any whitespace; false, having read nothing but whitespace, if another byte comes.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string of printable ASCII without escapes.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            }
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// A string that is its own trimmed text and not empty, as ``EPCISPlainEvent/init(json:)`` takes them.
    mutating func text() -> String? {
        guard let text = string(), let first = text.utf8.first, let last = text.utf8.last,
            !Self.isSpace(first), !Self.isSpace(last)
        else { return nil }
        return text
    }

    /// Reads a text into `field`; false if there is none.
    mutating func text(into field: inout String?) -> Bool {
        field = text()
        return field != nil
    }

    /// A number's lexeme, checked against JSON's grammar.
    mutating func number() -> String? {
        skipSpace()
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard digits() > 0, bytes[integerStart] != UInt8(ascii: "0") || index == integerStart + 1 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return nil }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// An array whose every item `item` reads; an empty one is read too.
    mutating func list(_ item: (inout PlainJSONScanner) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            guard item(&self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    /// The members of an object, each read by `member` given its name, which refuses (returns false for) a member
    /// it has read already; false for an empty object.
    mutating func object(_ member: (String, inout PlainJSONScanner) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), member(key, &self) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// The `id` of an object that holds only it.
    mutating func location() -> String? {
        var id: String?
        guard object({ key, scanner in key == "id" && id == nil && scanner.text(into: &id) }) else { return nil }
        return id
    }

    /// A quantity element: `epcClass`, with an optional `quantity` (number or text) and `uom`.
    mutating func quantity() -> EPCISQuantity? {
        var quantity = EPCISQuantity()
        let read = object { key, scanner in
            switch key {
            case "epcClass": return quantity.epcClass == nil && scanner.text(into: &quantity.epcClass)
            case "uom": return quantity.uom == nil && scanner.text(into: &quantity.uom)
            case "quantity":
                guard quantity.quantity == nil else { return false }
                if scanner.startsString { return scanner.text(into: &quantity.quantity) }
                quantity.quantity = scanner.number()
                return quantity.quantity != nil
            default: return false
            }
        }
        return read && quantity.epcClass != nil ? quantity : nil
    }

    /// The entries of a non-empty typed list, each an object of exactly its `type` and its value under `item`.
    mutating func entries(item: String) -> [EPCISTypedEntry]? {
        var entries = [EPCISTypedEntry]()
        let read = list { scanner in
            var type: String?
            var value: String?
            let members = scanner.object { key, scanner in
                if key == "type" { return type == nil && scanner.text(into: &type) }
                return key == item && value == nil && scanner.text(into: &value)
            }
            guard members, let type, let value else { return false }
            entries.append(EPCISTypedEntry(type: type, value: value))
            return true
        }
        return read && !entries.isEmpty ? entries : nil
    }

    /// Whether a string starts here (after any whitespace).
    var startsString: Bool {
        mutating get {
            skipSpace()
            return index < bytes.count && bytes[index] == UInt8(ascii: "\"")
        }
    }
}
