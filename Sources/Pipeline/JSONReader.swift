import LedgerCore

/// A JSON value being read, with the path that names it in errors: `flags[3].score`.
///
/// Every failure is a ``LedgerError`` with code `invalid_record` whose context is that path.
struct JSONReader {
    let value: JSONValue
    /// Where `value` sits in the document; empty for the document itself.
    let path: String

    init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    func failure(_ reason: String) -> LedgerError {
        LedgerError(.invalidRecord, reason, context: [path.isEmpty ? "report" : path])
    }

    func member(_ name: String, _ value: JSONValue) -> JSONReader {
        JSONReader(value, path: path.isEmpty ? name : path + "." + name)
    }

    func string() throws(LedgerError) -> String {
        guard case .string(let text) = value else { throw failure("expected a string, got \(described)") }
        return text
    }

    func integer() throws(LedgerError) -> Int {
        guard case .number(let lexeme) = value, let integer = Int(lexeme), String(integer) == lexeme else {
            throw failure("expected an integer, got \(described)")
        }
        guard abs(integer) <= CanonicalJSON.maximumInteger else {
            throw failure("integer \(lexeme) is beyond ±(2^53 - 1), which canonical JSON cannot carry")
        }
        return integer
    }

    func bool() throws(LedgerError) -> Bool {
        guard case .bool(let flag) = value else { throw failure("expected true or false, got \(described)") }
        return flag
    }

    /// A SHA-256 digest as 64 lower-case hex digits.
    func sha256Hex() throws(LedgerError) -> String {
        let text = try string()
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw failure("expected a SHA-256 digest as 64 lower-case hex digits, got \(described)") }
        return text
    }

    /// A number written as a decimal string with exactly `places` decimals, as ``DecimalText/fixed(_:places:)``
    /// writes it.
    func decimal(places: Int) throws(LedgerError) -> Double {
        let example = DecimalText.fixed(0.8125, places: places) ?? "0.8125"
        guard case .string(let text) = value, let number = Double(text),
            DecimalText.fixed(number, places: places) == text
        else {
            throw failure("expected a decimal string with \(places) decimals (e.g. \"\(example)\"), got \(described)")
        }
        return number
    }

    /// A number written as the shortest decimal string that reads back as it (``DecimalText/shortest(_:)``).
    func shortestDecimal() throws(LedgerError) -> Double {
        guard case .string(let text) = value, let number = Double(text), DecimalText.shortest(number) == text else {
            throw failure("expected a decimal string in its shortest spelling (e.g. \"0.02\"), got \(described)")
        }
        return number
    }

    func array() throws(LedgerError) -> [JSONReader] {
        guard case .array(let elements) = value else { throw failure("expected an array, got \(described)") }
        return elements.enumerated().map { JSONReader($0.element, path: "\(path)[\($0.offset)]") }
    }

    func strings() throws(LedgerError) -> [String] {
        var out: [String] = []
        for element in try array() { out.append(try element.string()) }
        return out
    }

    func integers() throws(LedgerError) -> [Int] {
        var out: [Int] = []
        for element in try array() { out.append(try element.integer()) }
        return out
    }

    func decimals(places: Int) throws(LedgerError) -> [Double] {
        var out: [Double] = []
        for element in try array() { out.append(try element.decimal(places: places)) }
        return out
    }

    /// The members of an object whose names the caller chooses, sorted by name.
    func entries() throws(LedgerError) -> [(name: String, reader: JSONReader)] {
        guard case .object(let members) = value else { throw failure("expected an object, got \(described)") }
        return members.keys.sorted().map { name in (name, member(name, members[name] ?? .null)) }
    }

    /// An object that may hold only the members `allowed`.
    func object(_ allowed: Set<String>) throws(LedgerError) -> JSONObjectReader {
        guard case .object(let members) = value else { throw failure("expected an object, got \(described)") }
        if let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw member(unknown, .null).failure(
                "unknown member; expected only \(allowed.sorted().joined(separator: ", "))")
        }
        return JSONObjectReader(reader: self, members: members)
    }

    /// What the value is, for messages; long strings are cut.
    var described: String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let lexeme): return "number \(lexeme.prefix(24))"
        case .string(let text):
            let shown = text.count > 40 ? text.prefix(40) + "…" : Substring(text)
            return "string \"\(shown)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// The members of one JSON object, read by name.
struct JSONObjectReader {
    let reader: JSONReader
    let members: [String: JSONValue]

    func required(_ name: String) throws(LedgerError) -> JSONReader {
        guard let value = members[name] else { throw reader.member(name, .null).failure("required member is missing") }
        return reader.member(name, value)
    }

    /// The member when present; a present `null` is an error, since absent values are left out.
    func optional(_ name: String) -> JSONReader? {
        members[name].map { reader.member(name, $0) }
    }
}
