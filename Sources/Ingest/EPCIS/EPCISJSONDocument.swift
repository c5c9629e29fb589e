internal import Foundation
public import LedgerCore

/// A GS1 EPCIS 2.0 JSON / JSON-LD document: an `EPCISDocument`, or an `EPCISQueryDocument` whose results hold
/// events. Each event is read as the element tree of its XML form (``EPCISJSONEvent``) and mapped as an XML event is
/// (``EPCISMapping``, docs/xml.md), so the two syntaxes give the same kinds of ledger events.
///
/// The standard EPCIS context is built in and never fetched; another remote context is refused by name. Extension
/// prefixes come from the `@context` objects of the document and of each event. The document is read in chunks and
/// its events one at a time (``JSONStream``): memory holds one chunk and one event whatever the file's size. When the
/// `@context` or the `type` comes after the `epcisBody`, the file is read twice: once for them, once for the events.
/// An event that is malformed or larger than ``maximumEventBytes`` is a ``SourceReject`` naming `file:line`, the
/// event's JSON pointer and the field; a document that is not JSON is refused with its line and column.
public struct EPCISJSONDocument: RecordSource {
    /// The largest event read.
    public static let maximumEventBytes = 16 << 20

    public let path: String
    /// The bytes read at a time.
    let chunkSize: Int

    public init(path: String) {
        self.init(path: path, chunkSize: 1 << 20)
    }

    init(path: String, chunkSize: Int) {
        self.path = path
        self.chunkSize = chunkSize
    }

    public var name: String { path }

    public var byteCount: Int {
        InputFormat.fileSize(atPath: path)
    }

    /// Opens the document and reads up to its first event.
    ///
    /// - Throws: ``LedgerError`` `io` if the file cannot be read; `invalidRecord` if it is not JSON, is not an EPCIS
    ///   document or names an unknown context (with line and column).
    public func makeReader() throws(LedgerError) -> Reader {
        try Reader(path: path, chunkSize: chunkSize)
    }

    /// Reads the events of one EPCIS JSON document in order.
    public final class Reader: RecordReader {
        private let path: String
        private let chunkSize: Int
        private var stream: JSONStream
        private var namespaces = EPCISJSONEvent.Namespaces()
        /// Where the event list is, as a JSON pointer, and the next event's index in it; nil once past it.
        private var eventList: String?
        private var index = 0
        /// The objects the event list lies in (the body, and for a query document its results), left to read after
        /// it.
        private var objectsAroundList = 0
        private var pending = [SourceItem]()
        private var cursor = 0
        private var firstLine = FirstLines()

        init(path: String, chunkSize: Int) throws(LedgerError) {
            self.path = path
            self.chunkSize = chunkSize
            stream = try JSONStream(path: path, chunkSize: chunkSize)
            if try open(secondPass: false) { return }
            // The context or the type came after the body: read again, now knowing them.
            stream = try JSONStream(path: path, chunkSize: chunkSize)
            if try open(secondPass: true) { return }
            throw LedgerError(.invalidRecord, "not an EPCIS document: no epcisBody with an eventList", context: [path])
        }

        /// Reads the document's members up to its event list; false if the body came before the context or the
        /// type (on the first pass), or has no event list.
        private func open(secondPass: Bool) throws(LedgerError) -> Bool {
            try json { () throws in
                try stream.skipByteOrderMark()
                try stream.beginObject()
                var type: String?
                var context = false
                var deferred = false
                while let member = try stream.nextMember() {
                    switch member {
                    case "@context":
                        try namespaces.add(try value(), pointer: "")
                        context = true
                    case "type":
                        type = try value().stringValue
                        try check(type: type)
                    case "epcisBody" where secondPass || (context && type != nil):
                        // On the second pass the first has checked the type, which comes later.
                        if !secondPass { try check(type: type) }
                        if try enterEventList() { return true }
                    case "epcisBody":
                        deferred = true
                        try stream.skipValue()
                    default:
                        try stream.skipValue()
                    }
                }
                try stream.finish()
                try check(type: type)
                if deferred, !secondPass { return false }
                throw LedgerError(
                    .invalidRecord, "not an EPCIS document: no epcisBody with an eventList", context: [path])
            }
        }

        /// A small value (a context, a type), parsed.
        private func value() throws(JSONStream.Failure) -> JSONValue {
            try stream.value(limit: EPCISJSONDocument.maximumEventBytes) ?? .null
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
                    context: ["\(path):\(stream.place.line)", "/type"])
            }
        }

        public var bytesRead: Int { stream.offset }

        /// A reject's cells: the event's JSON pointer, its record ID (if it got that far), its eventTime.
        public var rejectColumns: [String] { ["pointer", "record_id", "event_time"] }

        /// Events whose ID or records repeat earlier ones are refused whole, as the mapping's rejects.
        public var refusesRepeatedRecordIDs: Bool { true }

        public func location(line: Int, field: String) -> [String] {
            ["\(path):\(line)", "field \(field)"]
        }

        public func next() throws(LedgerError) -> SourceItem? {
            while cursor == pending.count {
                // The next batch of events, parsed and mapped on all cores.
                var batch = [RawEvent]()
                do throws(LedgerError) {
                    while batch.count < EPCISMapping.batchSize, let event = try nextRawEvent() { batch.append(event) }
                } catch {
                    // An event read before the failure may hold an earlier syntax error: the first one is reported.
                    for event in batch { _ = try event.element(path: path, columns: rejectColumns) }
                    throw error
                }
                guard !batch.isEmpty else { return nil }
                let (path, columns) = (path, rejectColumns)
                pending = try EPCISMapping.items(
                    of: batch, reading: { event throws(LedgerError) in try event.read(path: path, columns: columns) },
                    file: path, labelIsPointer: true, seen: &firstLine, columns: rejectColumns)
                cursor = 0
            }
            defer { cursor += 1 }
            return pending[cursor]
        }

        /// The next event of the document as the element tree of its XML form (before it is mapped onto ledger
        /// events), or `nil` at the end.
        public func nextEvent() throws(LedgerError) -> EPCISEventElement? {
            try nextRawEvent()?.element(path: path, columns: rejectColumns)
        }

        /// One event of the document as read, before it is parsed: its bytes (nil when it is too large), where it
        /// is, and the document's prefixes.
        struct RawEvent: Sendable {
            let value: JSONStream.RawValue?
            let line: Int
            let pointer: String
            let namespaces: EPCISJSONEvent.Namespaces

            /// The event as the element tree of its XML form, or the reject it makes when it is no event object.
            ///
            /// - Throws: ``LedgerError`` `invalidRecord` naming the line and column for a JSON syntax error: the
            ///   document cannot be read on.
            func element(path: String, columns: [String]) throws(LedgerError) -> EPCISEventElement {
                switch try parsed(path: path, columns: columns) {
                case .object(let object): element(object, path: path, columns: columns)
                case .unreadable(let unreadable): unreadable
                }
            }

            /// The event for the mapping: a plain event (``EPCISPlainEvent``) of a supply-chain kind already mapped (read
            /// straight from its bytes when it is written in the simplest JSON), any other as
            /// ``element(path:columns:)`` gives it.
            func read(path: String, columns: [String]) throws(LedgerError) -> EPCISMapping.ReadEvent {
                let fromBytes = value.flatMap { EPCISPlainEvent(bytes: $0.bytes) }
                if let fromBytes, let mapped = EPCISMapping.Mapped(plain: fromBytes, line: line, label: pointer) {
                    return .mapped(mapped)
                }
                switch try parsed(path: path, columns: columns) {
                case .object(let object):
                    // A plain event the bytes gave that maps onto no supply-chain kind is not read as plain again.
                    if fromBytes == nil, let plain = EPCISPlainEvent(json: object),
                        let mapped = EPCISMapping.Mapped(plain: plain, line: line, label: pointer)
                    {
                        return .mapped(mapped)
                    }
                    return .element(element(object, path: path, columns: columns))
                case .unreadable(let unreadable):
                    return .element(unreadable)
                }
            }

            /// The event's object, or the reject it makes when it is too large or no object.
            private func parsed(path: String, columns: [String]) throws(LedgerError) -> Parsed {
                guard let value else {
                    return .unreadable(
                        unreadable(
                            LedgerError(
                                .invalidRecord,
                                "the event is larger than \(EPCISJSONDocument.maximumEventBytes >> 20) MiB, the most one event may hold",
                                context: ["\(path):\(line)", pointer]), columns: columns))
                }
                let event = try JSONStream.reading(path) { () throws in try value.parsed() }
                guard case .object(let object) = event else {
                    return .unreadable(
                        unreadable(
                            LedgerError(
                                .invalidRecord, "an EPCIS event is a JSON object",
                                context: ["\(path):\(line)", pointer]), columns: columns))
                }
                return .object(object)
            }

            /// An event's JSON, parsed.
            private enum Parsed {
                case object([String: JSONValue])
                /// The reject it makes when it is too large or no object.
                case unreadable(EPCISEventElement)
            }

            private func unreadable(_ error: LedgerError, time: String = "", columns: [String]) -> EPCISEventElement {
                .unreadable(SourceReject(line: line, fields: [pointer, "", time], error: error, columns: columns))
            }

            /// The event object as the element tree of its XML form, or the reject it makes.
            private func element(_ object: [String: JSONValue], path: String, columns: [String]) -> EPCISEventElement {
                do throws(LedgerError) {
                    let tree = try EPCISJSONEvent.tree(object, namespaces: namespaces, pointer: pointer, line: line)
                    return .event(tree, line: line, label: pointer)
                } catch {
                    return unreadable(
                        LedgerError(error.code, error.reason, context: ["\(path):\(line)"] + error.context),
                        time: object["eventTime"]?.stringValue ?? "", columns: columns)
                }
            }
        }

        /// The next event of the document as read, or `nil` at the end.
        private func nextRawEvent() throws(LedgerError) -> RawEvent? {
            guard let list = eventList else { return nil }
            let read: (value: JSONStream.RawValue?, line: Int)? = try json { () throws in
                guard try stream.nextElement() else {
                    eventList = nil
                    try drainDocument()
                    return nil
                }
                let line = stream.place.line
                return (try stream.rawValue(limit: EPCISJSONDocument.maximumEventBytes), line)
            }
            guard let read else { return nil }
            defer { index += 1 }
            return RawEvent(value: read.value, line: read.line, pointer: "\(list)/\(index)", namespaces: namespaces)
        }

        /// Enters `epcisBody` and finds its `eventList` (or that of `queryResults.resultsBody`), positioned at the
        /// first event; false, past `epcisBody`, if it has none.
        private func enterEventList() throws(JSONStream.Failure) -> Bool {
            try stream.beginObject()
            while let member = try stream.nextMember() {
                switch member {
                case "eventList":
                    try stream.beginArray()
                    eventList = "/epcisBody/eventList"
                    objectsAroundList = 1
                    return true
                case "queryResults":
                    try stream.beginObject()
                    while let inner = try stream.nextMember() {
                        guard inner == "resultsBody" else {
                            try stream.skipValue()
                            continue
                        }
                        try stream.beginObject()
                        while let body = try stream.nextMember() {
                            guard body == "eventList" else {
                                try stream.skipValue()
                                continue
                            }
                            try stream.beginArray()
                            eventList = "/epcisBody/queryResults/resultsBody/eventList"
                            objectsAroundList = 3
                            return true
                        }
                    }
                default:
                    try stream.skipValue()
                }
            }
            return false
        }

        /// Reads what follows the event list to the end of the document, so that a syntax error after the events
        /// still refuses the file.
        private func drainDocument() throws(JSONStream.Failure) {
            for _ in 0...objectsAroundList {
                while try stream.nextMember() != nil { try stream.skipValue() }
            }
            try stream.finish()
        }

        /// Runs `body`, turning a JSON syntax error into a ``LedgerError`` with the file, line and column.
        private func json<T>(_ body: () throws -> T) throws(LedgerError) -> T {
            try JSONStream.reading(path, body)
        }

    }
}
