/// One record an input file yielded, with where it starts.
public struct SourceRecord: Sendable {
    /// The line the record starts on (CSV line or XML line), 1-based.
    public let line: Int
    public let content: EventContent
    /// The record's original cells, for the rejects file should the ledger refuse it.
    public let cells: [String]

    public init(line: Int, content: EventContent, cells: [String] = []) {
        self.line = line
        self.content = content
        self.cells = cells
    }
}

/// A record of an input file that could not become an event: where it is, what it held, and why.
public struct SourceReject: Sendable {
    /// The line the record starts on, 1-based.
    public let line: Int
    /// The record's original cells (for a CSV, the row; for XML, a short description), written
    /// to the rejects file beside the reason.
    public let fields: [String]
    /// The reason, with the file, line and column or element as context.
    public let error: LedgerError
    /// Names of `fields` (for a CSV, its header), for the rejects file's header.
    public let columns: [String]

    public init(line: Int, fields: [String], error: LedgerError, columns: [String] = []) {
        self.line = line
        self.fields = fields
        self.error = error
        self.columns = columns
    }
}

/// What reading the next record of a file produced.
public enum SourceItem: Sendable {
    case record(SourceRecord)
    case reject(SourceReject)
}

/// Reads the records of one input file in order, one at a time, in constant memory.
///
/// File-level problems (unreadable file, bad header, malformed quoting, invalid XML) throw; a
/// record that cannot become an event is returned as a ``SourceItem/reject(_:)`` so that reading
/// goes on and every bad record is reported.
public protocol RecordReader {
    /// The next record, or `nil` at the end of the file.
    mutating func next() throws(LedgerError) -> SourceItem?
    /// Bytes of the file consumed so far, for progress.
    var bytesRead: Int { get }
    /// Names of the cells a ``SourceReject`` carries (for a CSV, its header once read).
    var rejectColumns: [String] { get }
    /// Where a field of the record starting at `line` is, as error context: the file and line,
    /// then the column or element the field came from.
    func location(line: Int, field: String) -> [String]
    /// Whether the reader itself refuses a record whose record ID already appeared in the file, so that the ingest
    /// need not keep a second table of them (an EPCIS reader refuses the whole event that repeats one). False by
    /// default.
    var refusesRepeatedRecordIDs: Bool { get }
}

extension RecordReader {
    public var refusesRepeatedRecordIDs: Bool { false }
}

/// An input file of records that become events: a shipment CSV, a shipment XML, an EPCIS document.
///
/// The source itself is a cheap, `Sendable` description; ``makeReader()`` opens the file.
public protocol RecordSource: Sendable {
    associatedtype Reader: RecordReader
    /// The file's name as messages and rejects should show it.
    var name: String { get }
    /// The file's size in bytes (0 if unknown), for progress.
    var byteCount: Int { get }
    /// Opens the file for reading from its start.
    func makeReader() throws(LedgerError) -> Reader
}
