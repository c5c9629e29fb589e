/// Where two JSON documents first differ: the JSON Pointer (RFC 6901) of the first value that is not the same in
/// both, walking objects by sorted member name and arrays by position, with the two values there.
public struct JSONDifference: Sendable, Hashable {
    /// The JSON Pointer of the differing value; empty for the whole document.
    public let pointer: String
    /// The value in the first document, nil where it has none.
    public let expected: JSONValue?
    /// The value in the second document, nil where it has none.
    public let found: JSONValue?

    /// The first difference between `expected` and `found`, or nil when they are the same value (numbers compare as
    /// they are written).
    public static func first(_ expected: JSONValue, _ found: JSONValue) -> JSONDifference? {
        first(expected, found, at: "")
    }

    private static func first(_ expected: JSONValue?, _ found: JSONValue?, at pointer: String) -> JSONDifference? {
        switch (expected, found) {
        case (.object(let left)?, .object(let right)?):
            for name in Set(left.keys).union(right.keys).sorted() {
                if let difference = first(left[name], right[name], at: pointer + "/" + escape(name)) {
                    return difference
                }
            }
            return nil
        case (.array(let left)?, .array(let right)?):
            for index in 0..<max(left.count, right.count) {
                let difference = first(
                    index < left.count ? left[index] : nil, index < right.count ? right[index] : nil,
                    at: pointer + "/" + String(index))
                if let difference { return difference }
            }
            return nil
        default:
            return expected == found ? nil : JSONDifference(pointer: pointer, expected: expected, found: found)
        }
    }

    /// A member name as a pointer's reference token: `~` as `~0`, `/` as `~1`.
    private static func escape(_ name: String) -> String {
        name.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
