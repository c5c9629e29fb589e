internal import Foundation
public import LedgerCore

/// A GS1 EPCIS XML document (2.0, or 1.2 with its `extension` wrappers): an `EPCISDocument` or an
/// `EPCISQueryDocument`, whose events become ledger events as ``EPCISMapping`` describes (and
/// `docs/xml.md` lists).
///
/// Events are read one at a time, in constant memory. An event that is malformed (no or a bad
/// `eventTime`, a value the ledger cannot hold, an `eventID` repeated in the file) is a
/// ``SourceReject`` naming `file:line` and the element; events with missing data become `observe`
/// events rather than rejects. With ``xsd`` set, the document is first validated against that
/// schema (e.g. GS1's `EPCglobal-epcis-2_0.xsd`) and refused as a whole if it does not match.
public struct EPCISDocument: RecordSource {
    /// The EPCIS namespaces of the document element, by version.
    public static let namespaces = [
        "urn:epcglobal:epcis:xsd:1", "urn:epcglobal:epcis:xsd:2",
        "urn:epcglobal:epcis-query:xsd:1", "urn:epcglobal:epcis-query:xsd:2",
    ]
    /// Most nodes one event may hold; a larger one is rejected without being kept in memory.
    public static let maximumNodesPerEvent = 100_000

    public let path: String
    /// The XML Schema to validate the document against first, or `nil` not to validate.
    public let xsd: String?
    public let limits: XMLReaderLimits

    public init(path: String, xsd: String? = nil, limits: XMLReaderLimits = .standard) {
        self.path = path
        self.xsd = xsd
        self.limits = limits
    }

    public var name: String { path }

    public var byteCount: Int {
        InputFormat.fileSize(atPath: path)
    }

    /// Validates the document against ``xsd`` if set, then opens it for reading its events.
    ///
    /// - Throws: ``LedgerError`` `io` if a file cannot be read; `invalidRecord` if the document is
    ///   not well-formed, breaks a limit, does not match the schema (the reason lists the
    ///   violations), or is not an EPCIS document.
    public func makeReader() throws(LedgerError) -> Reader {
        if let xsd {
            try XMLSchemaValidator(xsdPath: xsd).validate(path, limits: limits)
        }
        return try Reader(path: path, limits: limits)
    }

    /// Reads the events of one EPCIS document in order.
    public final class Reader: RecordReader {
        private let path: String
        private let reader: XMLReader
        /// The names of the open elements outside events, root first.
        private var openElements = [XMLName]()
        /// Items of an event mapped onto several ledger events, not yet returned.
        private var pending = [SourceItem]()
        private var cursor = 0
        private var firstLine = FirstLines()

        init(path: String, limits: XMLReaderLimits) throws(LedgerError) {
            self.path = path
            reader = try XMLReader(path: path, limits: limits)
            guard case .start(let root, _, _, let line)? = try reader.next() else {
                throw LedgerError(.invalidRecord, "the document has no root element", context: ["\(path):1"])
            }
            guard ["EPCISDocument", "EPCISQueryDocument"].contains(root.localName),
                EPCISDocument.namespaces.contains(root.namespaceURI)
            else {
                throw LedgerError(
                    .invalidRecord,
                    "not an EPCIS document: the root element is \(root.clark), expected EPCISDocument in namespace urn:epcglobal:epcis:xsd:2 (or :1)",
                    context: ["\(path):\(line)"])
            }
            openElements.append(root)
        }

        public var bytesRead: Int { reader.bytesRead }

        /// A reject's cells: the event element, its record ID (if it got that far), its eventTime.
        public var rejectColumns: [String] { ["element", "record_id", "event_time"] }

        /// Events whose ID or records repeat earlier ones are refused whole, as the mapping's rejects.
        public var refusesRepeatedRecordIDs: Bool { true }

        public func location(line: Int, field: String) -> [String] {
            ["\(path):\(line)", "field \(field)"]
        }

        public func next() throws(LedgerError) -> SourceItem? {
            while cursor == pending.count {
                // The next batch of events, mapped on all cores.
                var batch = [EPCISEventElement]()
                while batch.count < EPCISMapping.batchSize, let element = try nextEvent() { batch.append(element) }
                guard !batch.isEmpty else { return nil }
                pending = EPCISMapping.items(
                    of: batch, file: path, labelIsPointer: false, seen: &firstLine, columns: rejectColumns)
                cursor = 0
            }
            defer { cursor += 1 }
            return pending[cursor]
        }

        /// The next event element of the document, as written (before it is mapped onto ledger events), or `nil` at
        /// the end.
        public func nextEvent() throws(LedgerError) -> EPCISEventElement? {
            while let node = try reader.next() {
                switch node {
                case .start(let name, let attributes, let depth, let line):
                    guard isEventPosition(name) else {
                        openElements.append(name)
                        continue
                    }
                    let result = try XMLTree.read(
                        name, attributes: attributes, depth: depth, line: line, from: reader,
                        maximumNodes: EPCISDocument.maximumNodesPerEvent)
                    switch result {
                    case .element(let event):
                        return .event(event, line: line, label: name.clark)
                    case .tooLarge(let nodes):
                        let error = LedgerError(
                            .invalidRecord,
                            "the event holds more than \(nodes - 1) nodes (at most \(EPCISDocument.maximumNodesPerEvent))",
                            context: ["\(path):\(line)", "element \(name.localName)"])
                        return .unreadable(
                            SourceReject(
                                line: line, fields: [name.clark, "", ""], error: error, columns: rejectColumns))
                    }
                case .end:
                    openElements.removeLast()
                case .text:
                    continue
                }
            }
            return nil
        }

        /// Whether an element `name` starting now is an event: a child of `EventList`, or of the
        /// `extension` inside it where EPCIS 1.2 puts `TransformationEvent` (that `extension` itself
        /// is not one).
        private func isEventPosition(_ name: XMLName) -> Bool {
            let eventList = XMLName("EventList")
            let extensionName = XMLName("extension")
            guard let parent = openElements.last else { return false }
            if parent == eventList { return name != extensionName }
            return parent == extensionName && openElements.dropLast().last == eventList
        }

    }
}

/// One event element of an EPCIS document (XML or JSON-LD) as written, before it is mapped onto ledger events.
public enum EPCISEventElement: Sendable {
    /// The event as the element tree of its XML form, the line it starts on, and its label (the element's name in
    /// XML, its JSON pointer in JSON).
    case event(XMLTree, line: Int, label: String)
    /// An event that could not be read whole (too large, not an object), as the reject it makes.
    case unreadable(SourceReject)
}
