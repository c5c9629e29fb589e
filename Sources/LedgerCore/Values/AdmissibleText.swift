/// What text the ledger admits in any string it stores: a value, an ID, a key of an object.
///
/// A stored string must read the same on every screen and in every index. So it may hold no control character
/// (C0, DEL, C1: a NUL cuts a text in SQLite's lookups), no format character (Unicode category Cf: the
/// bidirectional overrides and isolates such as U+202E, zero-width spaces and joiners, the byte-order mark, soft
/// hyphens) and no line or paragraph separator (U+2028, U+2029). IDs are also bounded in length.
public enum AdmissibleText {
    /// Most UTF-8 bytes in an ID: a record ID, a lot, a facility, a participant.
    public static let maximumIDBytes = 256
    /// Most UTF-8 bytes in any other text value (a review's note, a facility's name).
    public static let maximumTextBytes = 4096

    /// Why `text` may not be stored, or `nil` when it may. The reason names the first offending character by
    /// code point and position, never the text itself.
    public static func problem(in text: String, maximumBytes: Int = maximumTextBytes) -> String? {
        if text.utf8.count > maximumBytes {
            return "is \(text.utf8.count) bytes long; at most \(maximumBytes) are allowed"
        }
        // Most text is printable ASCII: nothing to look up.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        for (position, scalar) in text.unicodeScalars.enumerated() where !isAdmissible(scalar) {
            return
                "contains \(codePoint(scalar)) at character \(position + 1), a control or invisible formatting character, which is not allowed"
        }
        return nil
    }

    /// `scalar` as Unicode writes it: `U+` and at least four upper-case hex digits (`U+0000`, `U+202E`).
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code
    }

    /// Whether `scalar` may appear in stored text.
    public static func isAdmissible(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        // ASCII: everything from space to tilde.
        if value < 0x80 { return value >= 0x20 && value != 0x7F }
        if value < 0xA0 { return false }  // C1 controls
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: return false
        default: return true
        }
    }

    /// The first problem in any string of `value`: its texts, and the keys of its objects, at any depth; with the
    /// path of the member at fault (`extensions.ns#name[2]`).
    public static func problem(in value: JSONValue, path: String) -> (path: String, reason: String)? {
        // Most values have no problem: find that out before naming the path of each member.
        isAdmissible(value) ? nil : problemWithPath(in: value, path: path)
    }

    /// Whether every string of `value` and every key of its objects, at any depth, is admissible.
    private static func isAdmissible(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): problem(in: text) == nil
        case .array(let elements): elements.allSatisfy(isAdmissible)
        case .object(let members):
            members.allSatisfy { key, member in
                problem(in: key, maximumBytes: maximumIDBytes) == nil && isAdmissible(member)
            }
        case .null, .bool, .number: true
        }
    }

    private static func problemWithPath(in value: JSONValue, path: String) -> (path: String, reason: String)? {
        switch value {
        case .string(let text):
            return problem(in: text).map { (path, $0) }
        case .array(let elements):
            for (offset, element) in elements.enumerated() {
                if let found = problemWithPath(in: element, path: "\(path)[\(offset)]") { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let reason = problem(in: key, maximumBytes: maximumIDBytes) {
                    return ("\(path) (a key)", reason)
                }
                if let member = members[key], let found = problemWithPath(in: member, path: "\(path).\(key)") {
                    return found
                }
            }
            return nil
        case .null, .bool, .number:
            return nil
        }
    }
}
