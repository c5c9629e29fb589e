public import LedgerCore

/// The columns of one of the project's CSV layouts and how a row becomes an event.
public struct CSVLayout: Sendable {
    /// The layout's name in messages and mapping files (`shipments`, `facilities`).
    public let name: String
    public let requiredColumns: [String]
    public let optionalColumns: [String]
    /// Columns holding decimals, converted when a mapping declares a decimal comma.
    public let decimalColumns: Set<String>
    /// Builds the event of one row from its non-empty cells, keyed by column. An error's
    /// `field …` context names the column at fault.
    let build: @Sendable ([String: JSONValue]) throws(LedgerError) -> EventContent
    /// The column each event field comes from, where the two names differ (`facility` from `facility_id`).
    let columnOfField: [String: String]

    public init(
        name: String, requiredColumns: [String], optionalColumns: [String], decimalColumns: Set<String>,
        columnOfField: [String: String] = [:],
        build: @escaping @Sendable ([String: JSONValue]) throws(LedgerError) -> EventContent
    ) {
        self.name = name
        self.requiredColumns = requiredColumns
        self.optionalColumns = optionalColumns
        self.decimalColumns = decimalColumns
        self.columnOfField = columnOfField
        self.build = build
    }

    var allColumns: [String] { requiredColumns + optionalColumns }
}

/// Reads a CSV file of one ``CSVLayout``, optionally through a ``CSVMapping``, one record at a
/// time. File-level problems (no header, unknown or missing columns, malformed quoting) throw;
/// a bad row becomes a reject naming its line and column.
public struct CSVRecordReader: RecordReader {
    private let file: String
    private let layout: CSVLayout
    private let mapping: CSVMapping
    /// Whether the mapping changes any value (most files have none): cells are copied otherwise.
    private let convertsValues: Bool
    private let rows: CSVRows
    /// The layout column each source column becomes (`nil`: dropped), once the header is read.
    private var targets: [String?]?
    /// Layout columns the file lacks but the mapping gives a default for.
    private var defaulted = [String]()
    public private(set) var rejectColumns = [String]()

    init(reader: CSVReader, layout: CSVLayout, mapping: CSVMapping?) throws(LedgerError) {
        file = reader.path
        self.layout = layout
        self.mapping = mapping ?? CSVMapping()
        convertsValues = self.mapping.changesValues
        if let declared = mapping?.layout, declared != layout.name {
            throw LedgerError(
                .invalidRecord, "the mapping is written for the \(declared) layout, not for \(layout.name)",
                context: [file])
        }
        rows = try reader.makeRows()
    }

    public var bytesRead: Int { rows.bytesRead }

    public func location(line: Int, field: String) -> [String] {
        let column = layout.columnOfField[field] ?? field
        // Name the column as the file spells it when a mapping renamed it.
        let source = zip(rejectColumns, targets ?? []).first { $0.1 == column }?.0 ?? column
        return ["\(file):\(line)", "column \(source)"]
    }

    public mutating func next() throws(LedgerError) -> SourceItem? {
        guard let targets else {
            guard let header = try rows.next() else {
                throw LedgerError(.invalidRecord, "the file is empty; a header row is required", context: ["\(file):1"])
            }
            try readHeader(header)
            return try next()
        }
        guard let row = try rows.next() else { return nil }
        do throws(LedgerError) {
            return .record(SourceRecord(line: row.line, content: try record(row, targets: targets), cells: row.fields))
        } catch {
            return .reject(SourceReject(line: row.line, fields: row.fields, error: error, columns: rejectColumns))
        }
    }

    private mutating func readHeader(_ row: CSVRow) throws(LedgerError) {
        let known = Set(layout.allColumns)
        var targets = [String?]()
        for (index, name) in row.fields.enumerated() {
            let place = ["\(file):\(row.line)", "column \(index + 1)"]
            guard let target = mapping.target(ofSourceColumn: name) else {
                targets.append(nil)
                continue
            }
            guard known.contains(target) else {
                let hint = mapping.columns.isEmpty ? "; rename it with a mapping file (--mapping)" : ""
                throw LedgerError(
                    .invalidRecord,
                    "unknown column '\(name)' (known: \(layout.allColumns.joined(separator: ", ")))\(hint)",
                    context: place)
            }
            if targets.contains(target) {
                throw LedgerError(.invalidRecord, "column '\(target)' appears twice", context: place)
            }
            targets.append(target)
        }
        defaulted = layout.allColumns.filter { !targets.contains($0) && mapping.defaults[$0] != nil }
        for name in layout.requiredColumns where !targets.contains(name) && !defaulted.contains(name) {
            throw LedgerError(.invalidRecord, "missing required column '\(name)'", context: ["\(file):\(row.line)"])
        }
        self.targets = targets
        rejectColumns = row.fields
    }

    private func record(_ row: CSVRow, targets: [String?]) throws(LedgerError) -> EventContent {
        guard row.fields.count == targets.count else {
            throw LedgerError(
                .invalidRecord, "expected \(targets.count) fields as in the header, found \(row.fields.count)",
                context: ["\(file):\(row.line)"])
        }
        var members = [String: JSONValue](minimumCapacity: targets.count + defaulted.count)
        for (target, cell) in zip(targets, row.fields) {
            guard let target else { continue }
            var value = cell.trimmingSpaces()
            if convertsValues {
                do throws(LedgerError) {
                    value = try mapping.convert(value, column: target, decimalColumns: layout.decimalColumns)
                } catch {
                    throw LedgerError(error.code, error.reason, context: location(line: row.line, field: target))
                }
            }
            if !value.isEmpty { members[target] = .string(value) }
        }
        for column in defaulted {
            if let value = mapping.defaults[column] { members[column] = .string(value) }
        }
        do throws(LedgerError) {
            return try layout.build(members)
        } catch {
            // Name the CSV column rather than the ledger field it became.
            let field = error.context.last { $0.hasPrefix("field ") }.map { String($0.dropFirst("field ".count)) }
            let context = field.map { location(line: row.line, field: $0) } ?? ["\(file):\(row.line)"]
            throw LedgerError(error.code, error.reason, context: context)
        }
    }
}

/// A batch read whole: for small files, tests and tools. Ingest streams instead.
public struct IngestBatch: Sendable {
    public let records: [SourceRecord]
    public let rejects: [SourceReject]
}

extension RecordSource {
    /// Reads every record of the source into memory.
    public func readAll() throws(LedgerError) -> IngestBatch {
        var reader = try makeReader()
        var records = [SourceRecord]()
        var rejects = [SourceReject]()
        while let item = try reader.next() {
            switch item {
            case .record(let record): records.append(record)
            case .reject(let reject): rejects.append(reject)
            }
        }
        return IngestBatch(records: records, rejects: rejects)
    }
}

/// Writes refused records as CSV: `line`, `reason`, then the record's original columns.
public enum RejectsCSV {
    /// The header line.
    public static func header(columns: [String]) -> String {
        CSVText.line(["line", "reason"] + columns, ending: "\r\n")
    }

    /// One reject as a line.
    public static func line(_ reject: SourceReject) -> String {
        CSVText.line([String(reject.line), reject.error.description] + reject.fields, ending: "\r\n")
    }

}
