internal import Foundation
public import LedgerCore

/// A GS1 EPCIS 2.0 JSON / JSON-LD document: an `EPCISDocument`, or an `EPCISQueryDocument` whose results hold
/// events. Each event is read as the element tree of its XML form (``EPCISJSONEvent``) and mapped as an XML event is
/// (``EPCISMapping``, docs/xml.md), so the two syntaxes give the same kinds of ledger events.
///
/// The standard EPCIS context is built in and never fetched; another remote context is refused by name. Extension
/// prefixes come from the `@context` objects of the document and of each event. The document is read into memory whole
/// (at most ``maximumBytes``); its events are parsed one at a time (when the `@context` or the `type` comes after the
/// `epcisBody`, the body is parsed whole once first). An event that is malformed is a ``SourceReject`` naming
/// `file:line`, the event's JSON pointer and the field.
public struct EPCISJSONDocument: RecordSource {
    /// The largest document read.
    public static let maximumBytes = 256 << 20

    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var name: String { path }

    public var byteCount: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Opens the document and reads up to its first event.
    ///
    /// - Throws: ``LedgerError`` `io` if the file cannot be read; `invalidRecord` if it is too large, is not JSON, is
    ///   not an EPCIS document, or names an unknown context (with line and column).
    public func makeReader() throws(LedgerError) -> Reader {
        guard byteCount <= Self.maximumBytes else {
            throw LedgerError(
                .invalidRecord,
                "the document is larger than \(Self.maximumBytes >> 20) MiB, the most an EPCIS JSON document may hold; split it",
                context: [path])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.io, "cannot read \(path)")
        }
        return try Reader(path: path, bytes: Array(data))
    }

    /// Reads the events of one EPCIS JSON document in order.
    public final class Reader: RecordReader {
        private let path: String
        private var parser: JSONParser
        private let bytes: [UInt8]
        private var namespaces = EPCISJSONEvent.Namespaces()
        /// Where the event list is, as a JSON pointer, and the next event's index in it; nil once past it.
        private var eventList: String?
        private var index = 0
        /// The line counted up to ``countedOffset``.
        private var line = 1
        private var countedOffset = 0
        private var pending = [SourceItem]()
        private var firstLine = [String: Int]()

        init(path: String, bytes: [UInt8]) throws(LedgerError) {
            self.path = path
            self.bytes = bytes
            parser = JSONParser(document: bytes)
            try json { reader in
                try reader.parser.beginObject()
                var type: String?
                var context = false
                // The body, when it comes before the context or the type: read once the rest is known.
                var deferredBody: JSONParser?
                while let member = try reader.parser.nextMember() {
                    switch member {
                    case "@context":
                        try reader.namespaces.add(try reader.parser.value(), pointer: "")
                        context = true
                    case "type":
                        type = try reader.parser.value().stringValue
                        try reader.check(type: type)
                    case "epcisBody" where context && type != nil:
                        if try reader.enterEventList() { return }
                    case "epcisBody":
                        // Parsed whole here (and then again event by event) so that the members after it are known.
                        deferredBody = reader.parser
                        _ = try reader.parser.value()
                    default:
                        _ = try reader.parser.value()
                    }
                }
                try reader.parser.finish()
                try reader.check(type: type)
                if let deferredBody {
                    reader.parser = deferredBody
                    reader.drainsAfterList = false
                    if try reader.enterEventList() { return }
                }
                throw LedgerError(
                    .invalidRecord, "not an EPCIS document: no epcisBody with an eventList",
                    context: ["\(path):\(reader.lineHere())"])
            }
        }

        /// Refuses a document whose type is not an EPCIS event document.
        private func check(type: String?) throws(LedgerError) {
            guard let type else {
                throw LedgerError(
                    .invalidRecord, "not an EPCIS document: it has no type (EPCISDocument)", context: [path, "/type"])
            }
            guard ["EPCISDocument", "EPCISQueryDocument"].contains(type) else {
                throw LedgerError(
                    .invalidRecord,
                    "not an EPCIS document: its type is '\(type)', expected EPCISDocument or EPCISQueryDocument",
                    context: ["\(path):\(lineHere())", "/type"])
            }
        }

        public var bytesRead: Int { parser.offset }

        /// A reject's cells: the event's JSON pointer, its record ID (if it got that far), its eventTime.
        public var rejectColumns: [String] { ["pointer", "record_id", "event_time"] }

        public func location(line: Int, field: String) -> [String] {
            ["\(path):\(line)", "field \(field)"]
        }

        public func next() throws(LedgerError) -> SourceItem? {
            if !pending.isEmpty { return pending.removeFirst() }
            while let list = eventList {
                let pointer = "\(list)/\(index)"
                let event: JSONValue? = try json { reader in
                    guard try reader.parser.nextElement() else {
                        reader.eventList = nil
                        try reader.drainDocument()
                        return nil
                    }
                    reader.lineAtEvent = reader.lineHere()
                    return try reader.parser.value()
                }
                guard let event else { return nil }
                index += 1
                pending = items(event, pointer: pointer, line: lineAtEvent)
                if !pending.isEmpty { return pending.removeFirst() }
            }
            return nil
        }

        /// The line the last event read started on.
        private var lineAtEvent = 1
        /// The objects the event list lies in (the body, and for a query document its results), left to read after
        /// it; and whether the document is read on after the list (not when it was parsed whole first).
        private var objectsAroundList = 0
        private var drainsAfterList = true

        /// Reads what follows the event list to the end of the document, so that a syntax error after the events
        /// still refuses the file.
        private func drainDocument() throws(JSONParser.Failure) {
            guard drainsAfterList else { return }
            for _ in 0...objectsAroundList {
                while try parser.nextMember() != nil { _ = try parser.value() }
            }
            try parser.finish()
        }

        /// Enters `epcisBody` and finds its `eventList` (or that of `queryResults.resultsBody`), positioned at the
        /// first event; false, past `epcisBody`, if it has none.
        private func enterEventList() throws(JSONParser.Failure) -> Bool {
            try parser.beginObject()
            while let member = try parser.nextMember() {
                switch member {
                case "eventList":
                    try parser.beginArray()
                    eventList = "/epcisBody/eventList"
                    objectsAroundList = 1
                    return true
                case "queryResults":
                    try parser.beginObject()
                    while let inner = try parser.nextMember() {
                        guard inner == "resultsBody" else {
                            _ = try parser.value()
                            continue
                        }
                        try parser.beginObject()
                        while let body = try parser.nextMember() {
                            guard body == "eventList" else {
                                _ = try parser.value()
                                continue
                            }
                            try parser.beginArray()
                            eventList = "/epcisBody/queryResults/resultsBody/eventList"
                            objectsAroundList = 3
                            return true
                        }
                    }
                default:
                    _ = try parser.value()
                }
            }
            return false
        }

        /// Runs `body` on the parser, turning a JSON syntax error into a ``LedgerError`` with the file, line and
        /// column, and counting the line the next event starts on.
        private func json<T>(_ body: (Reader) throws -> T) throws(LedgerError) -> T {
            do {
                let value = try body(self)
                return value
            } catch let failure as JSONParser.Failure {
                throw LedgerError(
                    .invalidRecord, "not valid JSON: \(failure.reason)",
                    context: ["\(path):\(failure.line):\(failure.column)"])
            } catch let error as LedgerError {
                throw error
            } catch {
                throw LedgerError(.invalidRecord, "\(error)", context: [path])
            }
        }

        /// The line of the parser's position, counted on from the last count.
        fileprivate func lineHere() -> Int {
            let offset = min(parser.offset, bytes.count)
            while countedOffset < offset {
                if bytes[countedOffset] == 0x0A { line += 1 }
                countedOffset += 1
            }
            return line
        }

        private func items(_ event: JSONValue, pointer: String, line: Int) -> [SourceItem] {
            guard case .object(let object) = event else {
                let error = LedgerError(
                    .invalidRecord, "an EPCIS event is a JSON object", context: ["\(path):\(line)", pointer])
                return [
                    .reject(SourceReject(line: line, fields: [pointer, "", ""], error: error, columns: rejectColumns))
                ]
            }
            let tree: XMLTree
            do throws(LedgerError) {
                tree = try EPCISJSONEvent.tree(object, namespaces: namespaces, pointer: pointer, line: line)
            } catch {
                let located = LedgerError(error.code, error.reason, context: ["\(path):\(line)"] + error.context)
                return [
                    .reject(
                        SourceReject(
                            line: line, fields: [pointer, "", object["eventTime"]?.stringValue ?? ""], error: located,
                            columns: rejectColumns))
                ]
            }
            return EPCISMapping.items(
                of: EPCISEvent(tree), file: path, line: line, label: pointer, seen: &firstLine, columns: rejectColumns)
        }
    }
}
