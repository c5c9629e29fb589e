/// A strict JSON parser (RFC 8259): UTF-8 only, no duplicate keys, nesting capped, numbers kept as
/// their lexemes. Errors name the byte offset, line and column.
public struct JSONParser {
    /// Why a document was refused, and where.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public let line: Int
        public let column: Int
        public var description: String { "line \(line), column \(column): \(reason)" }
    }

    /// Deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    /// Reading member by member: the container just entered has had no item yet.
    private var atFirstItem = false
    /// Set to also check that the bytes are exactly the canonical form (RFC 8785) of what they hold;
    /// the first departure from it is kept in ``nonCanonical``.
    private var checksCanonicalForm = false
    private var nonCanonical: String?

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document; only whitespace may follow it.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses one JSON document and tells whether its bytes are exactly the canonical form
    /// (``CanonicalJSON``) of its value, without encoding it again: no whitespace outside strings,
    /// members in canonical order, every string escaped as the canonical form escapes it, every
    /// number a canonical integer. `departure` names the first difference.
    static func parseCheckingCanonicalForm(_ bytes: [UInt8]) throws(Failure) -> (value: JSONValue, departure: String?) {
        var parser = JSONParser(bytes)
        parser.checksCanonicalForm = true
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return (value, parser.nonCanonical)
    }

    /// Notes the first departure from the canonical form, when checking for it.
    private mutating func departs(_ what: String) {
        if checksCanonicalForm, nonCanonical == nil { nonCanonical = "\(what) at byte \(position)" }
    }

    private func failure(_ reason: String) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[..<min(position, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Failure(reason: reason, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D:
                departs("whitespace")
                position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Failure) -> JSONValue {
        guard position < bytes.count else { throw failure("unexpected end of the document") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let lexeme = try parseNumber()
            if checksCanonicalForm, !CanonicalJSON.isCanonicalInteger(lexeme) {
                departs("number \(lexeme), not a canonical integer,")
            }
            return .number(lexeme)
        default: throw failure("unexpected character; expected a JSON value")
        }
    }

    private mutating func expectWord(_ word: String) throws(Failure) {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count,
            bytes[position..<position + expected.count].elementsEqual(expected)
        else { throw failure("unexpected word; expected \(word)") }
        position += expected.count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members = [String: JSONValue]()
        var previous: String?
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted member name")
            }
            let keyStart = position
            let key = try parseString()
            guard members[key] == nil else {
                position = keyStart
                throw failure("duplicate member name \"\(key)\"")
            }
            if checksCanonicalForm, let previous, !CanonicalJSON.precedes(previous, key) {
                departs("member \"\(key)\" out of order")
            }
            previous = key
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw failure("expected ':' after the member name")
            }
            position += 1
            skipWhitespace()
            members[key] = try parseValue()
            skipWhitespace()
            guard position < bytes.count else { throw failure("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw failure("expected ',' or '}' in an object") }
            position += 1
            return .object(members)
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var elements = [JSONValue]()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw failure("unterminated array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw failure("expected ',' or ']' in an array") }
            position += 1
            return .array(elements)
        }
    }

    private mutating func parseNumber() throws(Failure) -> String {
        let start = position
        func digits(_ parser: inout JSONParser) -> Int {
            let begin = parser.position
            while parser.position < parser.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.position])
            {
                parser.position += 1
            }
            return parser.position - begin
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw failure("a number needs digits") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw failure("a number may not have leading zeros")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw failure("a decimal point needs digits after it") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&self) > 0 else { throw failure("an exponent needs digits") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func parseString() throws(Failure) -> String {
        position += 1
        // Most strings are plain ASCII: no escapes, nothing to validate.
        let start = position
        while position < bytes.count, bytes[position] >= 0x20, bytes[position] < 0x80,
            bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\")
        {
            position += 1
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            position += 1
            return String(decoding: bytes[start..<position - 1], as: UTF8.self)
        }
        var out = Array(bytes[start..<position])
        while true {
            guard position < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw failure("a string is not valid UTF-8")
                }
                // Plain ASCII strings (above) are their own canonical form; others are compared with it.
                if checksCanonicalForm {
                    var canonical = [UInt8]()
                    CanonicalJSON.writeString(text, into: &canonical)
                    if !bytes[(start - 1)..<position].elementsEqual(canonical) {
                        departs("a string escaped otherwise than canonically")
                    }
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw failure("unterminated escape") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHexQuad()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw failure("a high surrogate must be followed by a low surrogate") }
                        position += 2
                        let low = try parseHexQuad()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw failure("unpaired low surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid unicode escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw failure("invalid escape sequence")
                }
            case 0x00..<0x20:
                throw failure("control character in a string (escape it)")
            default:
                out.append(byte)
                position += 1
            }
        }
    }

    // MARK: - Reading member by member

    /// A parser positioned at the start of `bytes`, for reading a document member by member
    /// (``beginObject()``, ``nextMember()``, ``value()``, …) without building the values not needed.
    /// Unlike ``parse(_:)``, it leaves duplicate member names to the caller.
    public init(document bytes: [UInt8]) {
        self.init(bytes)
        skipWhitespace()
    }

    /// Enters the object that starts here; read its members with ``nextMember()``.
    public mutating func beginObject() throws(Failure) {
        try begin(UInt8(ascii: "{"), "an object")
    }

    /// The name of the object's next member, positioned at its value; nil, past the object, after
    /// the last member.
    public mutating func nextMember() throws(Failure) -> String? {
        guard try advance(closing: UInt8(ascii: "}")) else { return nil }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw failure("expected a quoted member name")
        }
        let name = try parseString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw failure("expected ':' after the member name")
        }
        position += 1
        skipWhitespace()
        return name
    }

    /// Enters the array that starts here; step through its elements with ``nextElement()``.
    public mutating func beginArray() throws(Failure) {
        try begin(UInt8(ascii: "["), "an array")
    }

    /// Whether the array has another element, positioned at it; false, past the array, after the
    /// last one.
    public mutating func nextElement() throws(Failure) -> Bool {
        try advance(closing: UInt8(ascii: "]"))
    }

    /// The value that starts here, parsed whole.
    public mutating func value() throws(Failure) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        return value
    }

    /// Requires that only whitespace follows the document.
    public func finish() throws(Failure) {
        guard position == bytes.count else { throw failure("unexpected text after the JSON value") }
    }

    private mutating func begin(_ opening: UInt8, _ what: String) throws(Failure) {
        guard position < bytes.count, bytes[position] == opening else { throw failure("expected \(what)") }
        try enter()
        position += 1
        skipWhitespace()
        atFirstItem = true
    }

    /// Moves to the next item of the container being read, past its separator; false, past
    /// `closing`, when the container ends.
    private mutating func advance(closing: UInt8) throws(Failure) -> Bool {
        guard position < bytes.count else {
            throw failure(closing == UInt8(ascii: "}") ? "unterminated object" : "unterminated array")
        }
        if bytes[position] == closing {
            position += 1
            depth -= 1
            skipWhitespace()
            atFirstItem = false
            return false
        }
        if atFirstItem {
            atFirstItem = false
        } else {
            guard bytes[position] == UInt8(ascii: ",") else {
                throw failure(
                    closing == UInt8(ascii: "}")
                        ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
            }
            position += 1
            skipWhitespace()
        }
        return true
    }

    private mutating func parseHexQuad() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
        }
        position += 4
        return value
    }
}
