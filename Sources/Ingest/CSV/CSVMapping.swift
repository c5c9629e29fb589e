public import LedgerCore
internal import Foundation
internal import Yams

/// How to read another exporter's CSV as one of the project's layouts, so a producer need not
/// edit their export: column renames, columns to drop, fixed values, value translations, date
/// formats and a decimal comma.
///
/// Loaded from a YAML or JSON file (JSON is read as YAML); its schema is
/// `Schemas/mapping.schema.json`:
///
/// ```yaml
/// layout: shipments              # or facilities; optional
/// columns: { "Qty (kg)": quantity, "Dispatch date": occurred_at }
/// ignore: ["Internal note"]
/// defaults: { unit: kg }
/// values: { event: { Dispatch: ship, Receipt: receive } }
/// formats: { occurred_at: "dd.MM.yyyy HH:mm", time_zone: "+01:00", decimal_separator: "," }
/// ```
public struct CSVMapping: Sendable, Equatable {
    /// The layout the mapping is written for, if it says.
    public var layout: String?
    /// Source column name (compared case-insensitively, spaces trimmed) → the layout's column.
    public var columns: [String: String] = [:]
    /// Source columns to drop (case-insensitive).
    public var ignore: Set<String> = []
    /// Layout column → value used when the column is absent or its cell is empty.
    public var defaults: [String: String] = [:]
    /// Layout column → source value → the value to use instead.
    public var values: [String: [String: String]] = [:]
    /// Layout column → the pattern its dates or times are written in.
    public var dateFormats: [String: DatePattern] = [:]
    /// UTC offset (`+01:00`) for times whose pattern has none.
    public var timeZone: String?
    /// `,` when decimals are written `1.234,5`; `.` otherwise.
    public var decimalSeparator: Character = "."

    public init() {}

    /// Reads a mapping file.
    public static func load(path: String) throws(LedgerError) -> CSVMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.io, "cannot read the mapping file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LedgerError(.invalidRecord, "the mapping file is not valid UTF-8", context: [path])
        }
        return try CSVMapping(parsing: text, file: path)
    }

    /// Parses a mapping from YAML or JSON text; errors name `file` and the line.
    public init(parsing text: String, file: String) throws(LedgerError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw LedgerError(.invalidRecord, "not valid YAML or JSON: \(error)", context: [file])
        } catch {
            throw LedgerError(.invalidRecord, "not valid YAML or JSON: \(error)", context: [file])
        }
        let reader = MappingFileReader(file: file)
        guard let root, let top = root.mapping else {
            throw LedgerError(
                .invalidRecord, "a mapping file holds an object (layout, columns, ignore, defaults, values, formats)",
                context: [file])
        }
        for (keyNode, value) in top {
            let key = try reader.scalar(keyNode)
            switch key {
            case "layout":
                let layout = try reader.scalar(value)
                guard ["shipments", "facilities"].contains(layout) else {
                    throw reader.error(value, "layout must be 'shipments' or 'facilities', not '\(layout)'")
                }
                self.layout = layout
            case "columns":
                for (source, target) in try reader.mapping(value) {
                    columns[try reader.scalar(source).trimmingSpaces().lowercased()] = try reader.scalar(target)
                        .lowercased()
                }
            case "ignore":
                for item in try reader.sequence(value) {
                    ignore.insert(try reader.scalar(item).trimmingSpaces().lowercased())
                }
            case "defaults":
                for (column, fixed) in try reader.mapping(value) {
                    defaults[try reader.scalar(column).lowercased()] = try reader.scalar(fixed)
                }
            case "values":
                for (column, table) in try reader.mapping(value) {
                    var translations = [String: String]()
                    for (from, to) in try reader.mapping(table) {
                        translations[try reader.scalar(from)] = try reader.scalar(to)
                    }
                    values[try reader.scalar(column).lowercased()] = translations
                }
            case "formats":
                for (nameNode, formatNode) in try reader.mapping(value) {
                    let name = try reader.scalar(nameNode).lowercased()
                    let format = try reader.scalar(formatNode)
                    switch name {
                    case "time_zone":
                        guard (try? Timestamp(iso8601: "2000-01-01T00:00:00" + format)) != nil else {
                            throw reader.error(
                                formatNode, "time_zone must be an offset like +01:00 or Z, not '\(format)'")
                        }
                        timeZone = format
                    case "decimal_separator":
                        guard format == "." || format == "," else {
                            throw reader.error(formatNode, "decimal_separator must be '.' or ','")
                        }
                        decimalSeparator = format == "," ? "," : "."
                    default:
                        do throws(LedgerError) {
                            dateFormats[name] = try DatePattern(format)
                        } catch {
                            throw reader.error(formatNode, error.reason)
                        }
                    }
                }
            default:
                throw reader.error(
                    keyNode, "unknown key '\(key)' (known: layout, columns, ignore, defaults, values, formats)")
            }
        }
        for (column, pattern) in dateFormats where !pattern.hasOffset && pattern.hasTime && timeZone == nil {
            throw LedgerError(
                .invalidRecord, "formats.\(column) has no UTC offset (XXX); give formats.time_zone, e.g. \"+01:00\"",
                context: [file])
        }
    }

    /// Whether the mapping changes any cell's value (a time zone alone changes nothing without a
    /// date format); otherwise cells are used as read.
    var changesValues: Bool {
        !defaults.isEmpty || !values.isEmpty || !dateFormats.isEmpty || decimalSeparator != "."
    }

    /// The layout column a source column becomes, `nil` if it is dropped.
    func target(ofSourceColumn name: String) -> String? {
        let key = name.trimmingSpaces().lowercased()
        if ignore.contains(key) { return nil }
        return columns[key] ?? key
    }

    /// Converts one cell of layout column `column` (already trimmed) to the layout's spelling.
    func convert(_ cell: String, column: String, decimalColumns: Set<String>) throws(LedgerError) -> String {
        var value = cell.isEmpty ? defaults[column] ?? "" : cell
        if let translated = values[column]?[value] { value = translated }
        guard !value.isEmpty else { return value }
        if let pattern = dateFormats[column] {
            value = try pattern.iso8601(value, timeZone: timeZone)
        }
        if decimalSeparator == ",", decimalColumns.contains(column) {
            value = Self.pointDecimals(value)
        }
        return value
    }

    /// `1.234,5` → `1234.5`, also inside `LOT:1,5;LOT:2` lists.
    private static func pointDecimals(_ text: String) -> String {
        if text.contains(":") {
            return text.split(separator: ";", omittingEmptySubsequences: false).map { item in
                let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { return String(item) }
                return parts[0] + ":" + pointDecimals(String(parts[1]))
            }.joined(separator: ";")
        }
        return String(text.filter { $0 != "." && $0 != " " }.map { $0 == "," ? "." : $0 })
    }
}

/// A date or time pattern such as `dd.MM.yyyy HH:mm`: `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`,
/// `SSS` (fraction, any number of digits) and `XXX` (offset `+01:00` or `Z`); anything else is
/// literal text.
public struct DatePattern: Sendable, Equatable {
    enum Part: Equatable {
        case field(String, digits: Int)
        case fraction
        case offset
        case literal(Character)
    }

    let parts: [Part]
    public let text: String

    public init(_ text: String) throws(LedgerError) {
        self.text = text
        var parts = [Part]()
        var rest = Substring(text)
        let tokens: [(String, Part)] = [
            ("yyyy", .field("year", digits: 4)), ("MM", .field("month", digits: 2)), ("dd", .field("day", digits: 2)),
            ("HH", .field("hour", digits: 2)), ("mm", .field("minute", digits: 2)), ("ss", .field("second", digits: 2)),
            ("SSS", .fraction), ("XXX", .offset),
        ]
        next: while let first = rest.first {
            for (token, part) in tokens where rest.hasPrefix(token) {
                parts.append(part)
                rest = rest.dropFirst(token.count)
                continue next
            }
            parts.append(.literal(first))
            rest = rest.dropFirst()
        }
        for name in ["year", "month", "day"]
        where !parts.contains(where: { if case .field(name, _) = $0 { true } else { false } }) {
            throw LedgerError(.invalidRecord, "date format '\(text)' has no \(name) (yyyy, MM, dd)")
        }
        self.parts = parts
    }

    var hasOffset: Bool { parts.contains(.offset) }
    var hasTime: Bool { parts.contains(.field("hour", digits: 2)) }

    /// `value` rewritten as ISO 8601 (`2026-03-01T08:15:00+01:00`, or `2026-03-01` for a date).
    func iso8601(_ value: String, timeZone: String?) throws(LedgerError) -> String {
        var fields = [String: String]()
        var fraction = ""
        var offset = ""
        var rest = Substring(value)
        let mismatch = LedgerError(.invalidRecord, "'\(value)' does not match the date format '\(text)'")
        for part in parts {
            switch part {
            case .literal(let character):
                guard rest.first == character else { throw mismatch }
                rest = rest.dropFirst()
            case .field(let name, let digits):
                let taken = rest.prefix(digits)
                guard taken.count == digits, taken.allSatisfy(\.isASCIIDigit) else { throw mismatch }
                fields[name] = String(taken)
                rest = rest.dropFirst(digits)
            case .fraction:
                let taken = rest.prefix { $0.isASCIIDigit }
                guard !taken.isEmpty else { throw mismatch }
                fraction = "." + taken
                rest = rest.dropFirst(taken.count)
            case .offset:
                if rest.first == "Z" {
                    offset = "Z"
                    rest = rest.dropFirst()
                } else {
                    let taken = rest.prefix(6)
                    guard taken.count == 6, taken.first == "+" || taken.first == "-" else { throw mismatch }
                    offset = String(taken)
                    rest = rest.dropFirst(6)
                }
            }
        }
        guard rest.isEmpty else { throw mismatch }
        let date = "\(fields["year"] ?? "")-\(fields["month"] ?? "")-\(fields["day"] ?? "")"
        guard let hour = fields["hour"] else { return date }
        return
            "\(date)T\(hour):\(fields["minute"] ?? "00"):\(fields["second"] ?? "00")\(fraction)\(offset.isEmpty ? timeZone ?? "" : offset)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// Reads the nodes of a mapping file, naming the line of what is wrong.
private struct MappingFileReader {
    let file: String

    func error(_ node: Node, _ reason: String) -> LedgerError {
        LedgerError(.invalidRecord, reason, context: [node.mark.map { "\(file):\($0.line)" } ?? file])
    }

    func scalar(_ node: Node) throws(LedgerError) -> String {
        guard let text = node.scalar?.string else { throw error(node, "expected a text value") }
        return text
    }

    func mapping(_ node: Node) throws(LedgerError) -> [(Node, Node)] {
        guard let mapping = node.mapping else { throw error(node, "expected an object") }
        return mapping.map { ($0.key, $0.value) }
    }

    func sequence(_ node: Node) throws(LedgerError) -> [Node] {
        guard let sequence = node.sequence else { throw error(node, "expected a list") }
        return Array(sequence)
    }
}
