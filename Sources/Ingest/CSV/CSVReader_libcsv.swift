internal import CCSV
internal import Foundation
public import LedgerCore

/// One CSV record with the physical line it starts on (1-based).
public struct CSVRow: Sendable, Equatable {
    public let line: Int
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// Reads a CSV file (RFC 4180) with libcsv in strict mode, streaming: memory stays constant
/// whatever the file size.
///
/// Input is fed to libcsv one physical line at a time, which gives every record its exact starting
/// line even when quoted fields span lines; blank lines are skipped. A UTF-8 byte-order mark is
/// tolerated; any other invalid UTF-8 is an error naming line and column.
public struct CSVReader: Sendable {
    public let path: String
    /// Bytes read per chunk from the file.
    static let chunkSize = 1 << 16

    public init(path: String) {
        self.path = path
    }

    /// Size of the file in bytes, for progress.
    public var byteCount: Int {
        InputFormat.fileSize(atPath: path)
    }

    /// Opens the file for reading its records one at a time.
    public func makeRows() throws(LedgerError) -> CSVRows {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError(.io, "cannot read \(path)", context: [path])
        }
        return CSVRows(path: path, handle: handle)
    }

    /// Calls `body` with each record in order, and with the bytes read so far.
    public func forEachRow(_ body: (CSVRow, Int) throws(LedgerError) -> Void) throws(LedgerError) {
        let rows = try makeRows()
        while let row = try rows.next() { try body(row, rows.bytesRead) }
    }
}

/// The records of one CSV file, read on demand: ``next()`` parses only as far as the next record.
public final class CSVRows {
    private let handle: FileHandle
    private let parser: LibCSVParser
    /// Bytes read from the file but not yet given to the parser (at most one chunk plus a line).
    private var pending = [UInt8]()
    private var start = 0
    /// Records parsed but not yet returned.
    private var ready = [CSVRow]()
    private var readyIndex = 0
    private var line = 1
    private var atStart = true
    private var finished = false
    /// Bytes read from the file so far.
    public private(set) var bytesRead = 0

    init(path: String, handle: FileHandle) {
        self.handle = handle
        parser = LibCSVParser(file: path)
    }

    deinit {
        try? handle.close()
    }

    /// The next record, or `nil` at the end of the file.
    public func next() throws(LedgerError) -> CSVRow? {
        while readyIndex == ready.count {
            parser.takeRows(into: &ready)
            readyIndex = 0
            if ready.isEmpty {
                if finished { return nil }
                try parseMore()
            }
        }
        defer { readyIndex += 1 }
        return ready[readyIndex]
    }

    /// Feeds the parser whole lines until it has completed at least one record or the file ends.
    private func parseMore() throws(LedgerError) {
        while !parser.hasRows {
            if let newline = pending[start...].firstIndex(of: 0x0A) {
                try parser.feed(pending[start...newline], line: line)
                line += 1
                start = newline + 1
                continue
            }
            pending.removeFirst(start)
            start = 0
            let chunk = (try? handle.read(upToCount: CSVReader.chunkSize)) ?? nil
            var bytes = chunk.map(Array.init) ?? []
            bytesRead += bytes.count
            if atStart, !bytes.isEmpty {
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                atStart = false
            }
            if bytes.isEmpty {
                if !pending.isEmpty {
                    try parser.feed(pending[...], line: line)
                    pending.removeAll()
                }
                try parser.finish(line: line)
                finished = true
                return
            }
            pending.append(contentsOf: bytes)
        }
    }
}

/// Owns one `csv_parser` and collects the fields and rows its callbacks report.
private final class LibCSVParser {
    private let parser: UnsafeMutablePointer<csv_parser>
    private let file: String
    private var fields = [String]()
    private var rows = [CSVRow]()
    private var rowLine = 0
    private var currentLine = 0
    private var failure: LedgerError?

    init(file: String) {
        self.file = file
        parser = .allocate(capacity: 1)
        csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    func feed(_ bytes: ArraySlice<UInt8>, line: Int) throws(LedgerError) {
        currentLine = line
        let consumed = bytes.withUnsafeBytes { buffer in
            csv_parse(
                parser, buffer.baseAddress, buffer.count, fieldCallback, rowCallback,
                Unmanaged.passUnretained(self).toOpaque())
        }
        if let failure { throw failure }
        if consumed != bytes.count {
            throw LedgerError(
                .invalidRecord, "malformed CSV quoting (\(String(cString: csv_strerror(csv_error(parser)))))",
                context: ["\(file):\(line)", "column \(fields.count + 1)"])
        }
    }

    func finish(line: Int) throws(LedgerError) {
        currentLine = line
        let status = csv_fini(parser, fieldCallback, rowCallback, Unmanaged.passUnretained(self).toOpaque())
        if let failure { throw failure }
        if status != 0 {
            throw LedgerError(.invalidRecord, "the file ends inside a quoted field", context: ["\(file):\(rowLine)"])
        }
    }

    var hasRows: Bool { !rows.isEmpty }

    /// Replaces `taken` (rows already handed out) with the rows parsed since; both arrays keep
    /// their storage for the next rows.
    func takeRows(into taken: inout [CSVRow]) {
        taken.removeAll(keepingCapacity: true)
        swap(&taken, &rows)
    }

    fileprivate func addField(_ pointer: UnsafeMutableRawPointer?, _ length: Int) {
        if fields.isEmpty { rowLine = currentLine }
        let bytes =
            pointer.map { UnsafeRawBufferPointer(start: $0, count: length) }
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        // ASCII (nearly every cell) is valid UTF-8 as it stands and skips the general validation.
        let ascii = bytes.allSatisfy { $0 < 0x80 }
        if let text = ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self) {
            fields.append(text)
        } else {
            failure =
                failure
                ?? LedgerError(
                    .invalidRecord, "not valid UTF-8",
                    context: ["\(file):\(currentLine)", "column \(fields.count + 1)"])
            fields.append("")
        }
    }

    fileprivate func endRow() {
        if fields.isEmpty { rowLine = currentLine }
        rows.append(CSVRow(line: rowLine, fields: fields))
        fields.removeAll(keepingCapacity: true)
    }
}

private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
    field, length, context in
    guard let context else { return }
    Unmanaged<LibCSVParser>.fromOpaque(context).takeUnretainedValue().addField(field, length)
}

private let rowCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
    guard let context else { return }
    Unmanaged<LibCSVParser>.fromOpaque(context).takeUnretainedValue().endRow()
}
