internal import Foundation
internal import LedgerCore

/// A JSON document read from a file in chunks, one value at a time: the reader of large JSON documents whose members
/// (an EPCIS document's events) are parsed one by one, so that memory holds one chunk and one value whatever the
/// file's size. It checks the document's structure (strings, brackets, separators) as it goes; each value it returns
/// is parsed whole, strictly (``JSONParser``).
final class JSONStream {
    /// Why the document cannot be read, and where (1-based line and column).
    struct Failure: Error {
        let reason: String
        let line: Int
        let column: Int
    }

    private let handle: FileHandle
    private let chunkSize: Int
    /// Bytes of the file from ``bufferStart`` on; ``position`` indexes the next unread one.
    private var buffer = [UInt8]()
    private var bufferStart = 0
    private var position = 0
    private var endOfFile = false
    /// The line and column of the byte at ``counted`` (a file offset), counted on as the reader moves.
    private var line = 1
    private var column = 1
    private var counted = 0
    /// Whether a value is being captured from ``captureStart`` (a buffer index): bytes before it may be dropped.
    private var captureStart: Int?
    /// Whether the next item of each open container is its first: no separator before it.
    private var atFirstItem = [Bool]()

    init(path: String, chunkSize: Int = 1 << 20) throws(LedgerError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw LedgerError(.io, "cannot read \(path)") }
        self.handle = handle
        self.chunkSize = max(16, chunkSize)
    }

    deinit { try? handle.close() }

    /// The file offset of the next unread byte.
    var offset: Int { bufferStart + position }

    /// The line and column of the next unread byte.
    var place: (line: Int, column: Int) {
        let target = offset
        while counted < target {
            let byte = buffer[counted - bufferStart]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            counted += 1
        }
        return (line, column)
    }

    func failure(_ reason: String) -> Failure {
        let here = place
        return Failure(reason: reason, line: here.line, column: here.column)
    }

    /// Skips a UTF-8 byte-order mark at the start of the file (RFC 8259 lets a reader ignore it).
    func skipByteOrderMark() throws(Failure) {
        guard offset == 0 else { return }
        while buffer.count < 3, try fill() {}
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
            counted = 3
        }
    }

    // MARK: - Structure

    /// Enters the object that starts here.
    func beginObject() throws(Failure) { try begin(UInt8(ascii: "{"), "an object") }

    /// Enters the array that starts here.
    func beginArray() throws(Failure) { try begin(UInt8(ascii: "["), "an array") }

    /// The name of the open object's next member, positioned at its value; nil, past the object, after the last.
    func nextMember() throws(Failure) -> String? {
        guard try advance(closing: UInt8(ascii: "}")) else { return nil }
        guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a quoted member name") }
        guard let bytes = try capture() else { throw failure("expected a quoted member name") }
        let name: String
        do {
            name = try JSONParser.parse(bytes).stringValue ?? ""
        } catch {
            throw failure(error.reason)
        }
        guard try peek() == UInt8(ascii: ":") else { throw failure("expected ':' after the member name") }
        position += 1
        return name
    }

    /// Whether the open array has another element, positioned at it; false, past the array, after the last.
    func nextElement() throws(Failure) -> Bool {
        try advance(closing: UInt8(ascii: "]"))
    }

    /// The value that starts here, parsed whole; its bytes are at most `limit`, or nil is returned after skipping it.
    func value(limit: Int = .max) throws(Failure) -> JSONValue? {
        try rawValue(limit: limit)?.parsed()
    }

    /// The bytes of a value and where it starts, to parse later (on another thread).
    struct RawValue: Sendable {
        let bytes: [UInt8]
        let line: Int
        let column: Int

        /// The value, parsed whole; a syntax error names its line and column in the document.
        func parsed() throws(Failure) -> JSONValue {
            do {
                return try JSONParser.parse(bytes)
            } catch {
                // Lines inside the value count from its first; columns on that first line from its start.
                throw Failure(
                    reason: error.reason, line: line + error.line - 1,
                    column: error.line == 1 ? column + error.column - 1 : error.column)
            }
        }
    }

    /// The value that starts here, scanned to its end but not parsed; its bytes are at most `limit`, or nil is
    /// returned after skipping it.
    func rawValue(limit: Int = .max) throws(Failure) -> RawValue? {
        let start = place
        return try capture(limit: limit).map { RawValue(bytes: $0, line: start.line, column: start.column) }
    }

    /// Skips the value that starts here, checking only its structure, in constant memory.
    func skipValue() throws(Failure) {
        _ = try capture(limit: 0)
    }

    /// Requires that only whitespace follows.
    func finish() throws(Failure) {
        if try peek() != nil { throw failure("unexpected text after the JSON value") }
    }

    private func begin(_ opening: UInt8, _ what: String) throws(Failure) {
        guard try peek() == opening else { throw failure("expected \(what)") }
        position += 1
        atFirstItem.append(true)
    }

    private func advance(closing: UInt8) throws(Failure) -> Bool {
        guard let byte = try peek() else {
            throw failure(closing == UInt8(ascii: "}") ? "unterminated object" : "unterminated array")
        }
        if byte == closing {
            position += 1
            atFirstItem.removeLast()
            return false
        }
        if atFirstItem[atFirstItem.count - 1] {
            atFirstItem[atFirstItem.count - 1] = false
        } else {
            guard byte == UInt8(ascii: ",") else {
                throw failure(
                    closing == UInt8(ascii: "}")
                        ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
            }
            position += 1
            guard try peek() != nil else { throw failure("unterminated container") }
        }
        return true
    }

    // MARK: - Bytes

    /// The next byte after whitespace, not consumed; nil at the end of the file.
    private func peek() throws(Failure) -> UInt8? {
        while true {
            while position < buffer.count {
                let byte = buffer[position]
                guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return byte }
                position += 1
            }
            guard try fill() else { return nil }
        }
    }

    /// Reads the next chunk into the buffer, first dropping what was read and not captured; false at the end.
    private func fill() throws(Failure) -> Bool {
        guard !endOfFile else { return false }
        let keep = captureStart ?? position
        if keep > 0 {
            _ = place  // count lines over the bytes about to be dropped
            buffer.removeFirst(keep)
            bufferStart += keep
            position -= keep
            if captureStart != nil { captureStart = 0 }
        }
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: chunkSize)
        } catch {
            throw failure("cannot read the file: \(error.localizedDescription)")
        }
        guard let chunk, !chunk.isEmpty else {
            endOfFile = true
            return false
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    /// The bytes of the value that starts here, scanned to its end; nil once it grows past `limit` bytes (it is then
    /// skipped to its end in constant memory).
    private func capture(limit: Int = .max) throws(Failure) -> [UInt8]? {
        guard try peek() != nil else { throw failure("expected a value") }
        captureStart = position
        defer { captureStart = nil }
        var depth = 0
        var inString = false
        var escaped = false
        var kept = true
        let first = buffer[position]
        let scalar = first != UInt8(ascii: "{") && first != UInt8(ascii: "[") && first != UInt8(ascii: "\"")
        while true {
            if position == buffer.count {
                if kept, position - (captureStart ?? 0) > limit {
                    kept = false
                }
                if !kept { captureStart = position }
                guard try fill() else {
                    if scalar, depth == 0 { break }
                    throw failure(inString ? "unterminated string" : "unterminated value")
                }
                continue
            }
            let byte = buffer[position]
            if inString {
                position += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { break }
                }
                continue
            }
            if scalar {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20
                    || byte == 0x0A || byte == 0x0D || byte == 0x09
                {
                    break
                }
                position += 1
                continue
            }
            position += 1
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    return kept && position - (captureStart ?? 0) <= limit
                        ? Array(buffer[(captureStart ?? 0)..<position]) : nil
                }
            default: break
            }
        }
        guard kept, position - (captureStart ?? 0) <= limit else { return nil }
        return Array(buffer[(captureStart ?? 0)..<position])
    }
}

extension JSONStream {
    /// Runs `body`, which reads the JSON document at `path`, turning a syntax error into a ``LedgerError`` that names
    /// the file, line and column.
    static func reading<T>(_ path: String, _ body: () throws -> T) throws(LedgerError) -> T {
        do {
            return try body()
        } catch let failure as JSONStream.Failure {
            throw LedgerError(
                .invalidRecord, "not valid JSON: \(failure.reason)",
                context: ["\(path):\(failure.line):\(failure.column)"])
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.invalidRecord, "\(error)", context: [path])
        }
    }
}
