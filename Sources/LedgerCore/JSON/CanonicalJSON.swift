/// The JSON Canonicalization Scheme (RFC 8785) for the values the ledger signs.
///
/// The ledger only ever signs strings, integers, booleans, arrays and objects, so the one part of
/// RFC 8785 that needs care, the serialisation of floating-point numbers, never arises: a number
/// must be a canonical integer lexeme of magnitude below 2^53, which RFC 8785 writes unchanged.
/// Members are sorted by their names' UTF-16 code units; strings are written as UTF-8 with only
/// `"`, `\` and control characters escaped.
public enum CanonicalJSON {
    /// Why a value has no canonical form.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The canonical bytes of `value`.
    public static func encode(_ value: JSONValue) throws(Failure) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        try write(value, into: &out)
        return out
    }

    /// Checks that `value` has a canonical form, as ``encode(_:)`` would, without writing it.
    ///
    /// - Throws: ``Failure`` for the first number that is no integer the canonical form can carry.
    public static func check(_ value: JSONValue) throws(Failure) {
        switch value {
        case .null, .bool, .string: return
        case .number(let lexeme): try check(number: lexeme)
        case .array(let elements): for element in elements { try check(element) }
        case .object(let members): for member in members.values { try check(member) }
        }
    }

    /// Appends the canonical bytes of `value` to `out`: what ``encode(_:)`` returns, for encoders
    /// that write a larger document into one buffer.
    public static func append(_ value: JSONValue, to out: inout [UInt8]) throws(Failure) {
        try write(value, into: &out)
    }

    /// Appends `text` as a canonical JSON string to `out`.
    public static func append(string text: String, to out: inout [UInt8]) {
        writeString(text, into: &out)
    }

    /// The members of an object in canonical order (see ``precedes(_:_:)``).
    public static func sortedMembers(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        members.sorted { precedes($0.key, $1.key) }
    }

    /// Appends the canonical object of `members`, which must already be in canonical order (as
    /// ``sortedMembers(_:)`` returns them) and have distinct names.
    public static func append(sortedMembers members: [(key: String, value: JSONValue)], to out: inout [UInt8])
        throws(Failure)
    {
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            try write(member.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Parses `bytes` and requires them to be exactly the canonical form of what they hold (checked
    /// while parsing, without encoding the value again).
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        let parsed: (value: JSONValue, departure: String?)
        do {
            parsed = try JSONParser.parseCheckingCanonicalForm(bytes)
        } catch {
            throw Failure(reason: "not JSON (\(error))")
        }
        if let departure = parsed.departure {
            throw Failure(reason: "JSON is not in canonical (RFC 8785) form: \(departure)")
        }
        return parsed.value
    }

    /// Parses `bytes` as JSON without checking that they are in canonical form.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw Failure(reason: "not JSON (\(error))")
        }
    }

    /// Largest integer magnitude RFC 8785 can carry exactly (2^53 - 1).
    public static let maximumInteger = 9_007_199_254_740_991

    static func isCanonicalInteger(_ lexeme: String) -> Bool {
        guard let value = Int(lexeme), abs(value) <= maximumInteger else { return false }
        return String(value) == lexeme
    }

    private static func check(number lexeme: String) throws(Failure) {
        guard isCanonicalInteger(lexeme) else {
            throw Failure(
                reason: "number \(lexeme) is not an integer the canonical form can carry; write decimals as strings")
        }
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) throws(Failure) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let lexeme):
            try check(number: lexeme)
            out.append(contentsOf: lexeme.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            try append(sortedMembers: sortedMembers(members), to: &out)
        }
    }

    /// RFC 8785's member order: by UTF-16 code units. Byte order of UTF-8 agrees with it except
    /// between a character in U+E000–U+FFFF and one beyond U+FFFF, which can only be told apart
    /// where the first differing bytes are lead bytes of 0xEE and above; only then are UTF-16 code
    /// units compared.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs
        var right = rhs
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                for (a, b) in zip(leftBytes, rightBytes) where a != b {
                    guard a < 0xEE && b < 0xEE else { return lhs.utf16.lexicographicallyPrecedes(rhs.utf16) }
                    return a < b
                }
                return leftBytes.count < rightBytes.count
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            // Most texts need no escape: copy them whole.
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                out.append(contentsOf: bytes)
                out.append(UInt8(ascii: "\""))
                return
            }
            for byte in bytes {
                switch byte {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x00..<0x20:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}

extension JSONValue {
    /// Human-readable JSON: members sorted, two-space indentation. For output, never for hashing.
    public func prettyPrinted() -> String {
        var out = [UInt8]()
        JSONValue.writePretty(self, indent: 0, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func writePretty(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        let pad = [UInt8](repeating: UInt8(ascii: " "), count: indent + 2)
        let closePad = [UInt8](repeating: UInt8(ascii: " "), count: indent)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out.append(contentsOf: Array("[\n".utf8))
            for (index, element) in elements.enumerated() {
                out.append(contentsOf: pad)
                writePretty(element, indent: indent + 2, into: &out)
                out.append(contentsOf: Array((index + 1 < elements.count ? ",\n" : "\n").utf8))
            }
            out.append(contentsOf: closePad)
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(contentsOf: Array("{\n".utf8))
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, name) in names.enumerated() {
                out.append(contentsOf: pad)
                CanonicalJSON.writeString(name, into: &out)
                out.append(contentsOf: Array(": ".utf8))
                writePretty(members[name] ?? .null, indent: indent + 2, into: &out)
                out.append(contentsOf: Array((index + 1 < names.count ? ",\n" : "\n").utf8))
            }
            out.append(contentsOf: closePad)
            out.append(UInt8(ascii: "}"))
        case .number(let lexeme):
            out.append(contentsOf: lexeme.utf8)
        case .string(let text):
            CanonicalJSON.writeString(text, into: &out)
        case .bool(let flag):
            out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .null:
            out.append(contentsOf: Array("null".utf8))
        case .array:
            out.append(contentsOf: Array("[]".utf8))
        case .object:
            out.append(contentsOf: Array("{}".utf8))
        }
    }
}
