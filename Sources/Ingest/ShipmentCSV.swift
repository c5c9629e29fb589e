public import LedgerCore

/// A record refused during ingest: where it is, what it held, and why.
public struct IngestReject: Sendable {
    public let line: Int
    public let fields: [String]
    public let error: LedgerError
}

/// The outcome of reading one input file: the valid records in file order and the refused ones.
public struct IngestBatch: Sendable {
    public let file: String
    public let header: [String]
    public let records: [(line: Int, content: EventContent)]
    public let rejects: [IngestReject]
}

/// The canonical shipment CSV layout of PRODUCT.md: a header row, columns in any order, names
/// case-insensitive, one event per row. Empty cells are absent values.
public enum ShipmentCSV {
    public static let requiredColumns = ["record_id", "event", "occurred_at", "product", "lot", "quantity", "unit", "facility"]
    public static let optionalColumns = [
        "shipment_id", "destination", "origin", "inputs", "unit_price", "currency", "carrier", "certificate", "serials",
    ]

    /// Reads every row of `reader`, collecting valid records and rejects. File-level problems (no
    /// header, unknown or missing columns, malformed quoting) throw.
    public static func read(_ reader: CSVReader, progress: (_ rows: Int, _ bytes: Int) -> Void = { _, _ in }) throws(LedgerError) -> IngestBatch {
        let file = reader.path
        var header: [String]?
        var records = [(line: Int, content: EventContent)]()
        var rejects = [IngestReject]()
        var firstLine = [String: Int]()
        var rowCount = 0
        try reader.forEachRow { row, bytes throws(LedgerError) in
            guard let columns = header else {
                header = try checkedHeader(row, file: file)
                return
            }
            rowCount += 1
            if rowCount % 10_000 == 0 { progress(rowCount, bytes) }
            do throws(LedgerError) {
                let content = try record(row, columns: columns, file: file)
                if let earlier = firstLine[content.recordID] {
                    throw LedgerError(
                        .invalidRecord, "record_id '\(content.recordID)' already appears on line \(earlier) of this file",
                        context: ["\(file):\(row.line)", "column record_id"])
                }
                firstLine[content.recordID] = row.line
                records.append((row.line, content))
            } catch {
                rejects.append(IngestReject(line: row.line, fields: row.fields, error: error))
            }
        }
        guard let header else { throw LedgerError(.invalidRecord, "the file is empty; a header row is required", context: ["\(file):1"]) }
        progress(rowCount, reader.byteCount)
        return IngestBatch(file: file, header: header, records: records, rejects: rejects)
    }

    private static func checkedHeader(_ row: CSVRow, file: String) throws(LedgerError) -> [String] {
        let names = row.fields.map { $0.trimmingSpaces().lowercased() }
        let known = Set(requiredColumns + optionalColumns)
        for (index, name) in names.enumerated() {
            guard known.contains(name) else {
                throw LedgerError(
                    .invalidRecord, "unknown column '\(row.fields[index])' (known: \((requiredColumns + optionalColumns).joined(separator: ", ")))",
                    context: ["\(file):\(row.line)", "column \(index + 1)"])
            }
            if let first = names.firstIndex(of: name), first != index {
                throw LedgerError(.invalidRecord, "column '\(name)' appears twice", context: ["\(file):\(row.line)", "column \(index + 1)"])
            }
        }
        for name in requiredColumns where !names.contains(name) {
            throw LedgerError(.invalidRecord, "missing required column '\(name)'", context: ["\(file):\(row.line)"])
        }
        return names
    }

    private static func record(_ row: CSVRow, columns: [String], file: String) throws(LedgerError) -> EventContent {
        guard row.fields.count == columns.count else {
            throw LedgerError(
                .invalidRecord, "expected \(columns.count) fields as in the header, found \(row.fields.count)", context: ["\(file):\(row.line)"])
        }
        var members = [String: JSONValue]()
        for (name, value) in zip(columns, row.fields) {
            let trimmed = value.trimmingSpaces()
            if !trimmed.isEmpty { members[name] = .string(trimmed) }
        }
        do throws(LedgerError) {
            return try EventContent(record: .object(members))
        } catch {
            // Name the CSV column rather than the ledger field it became.
            let field = error.context.last { $0.hasPrefix("field ") }.map { String($0.dropFirst("field ".count)) }
            let column = field.map { $0 == "input_lots" || $0 == "input_quantities" ? "inputs" : $0 }
            var context = ["\(file):\(row.line)"]
            if let column { context.append("column \(column)") }
            throw LedgerError(error.code, error.reason, context: context)
        }
    }

    /// The rejects as CSV: `line`, `reason`, then the original columns.
    public static func rejectsCSV(_ batch: IngestBatch) -> String {
        var lines = [(["line", "reason"] + batch.header).map(quoted).joined(separator: ",")]
        for reject in batch.rejects {
            let cells = [String(reject.line), reject.error.description] + reject.fields
            lines.append(cells.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A CSV cell, quoted when RFC 4180 requires it.
    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
