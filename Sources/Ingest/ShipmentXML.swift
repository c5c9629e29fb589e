internal import Foundation
public import LedgerCore

/// The project's own shipment XML: `<shipments xmlns="urn:provenance:shipments:1">` holding one
/// `<event>` per record, whose children are the shipment CSV's columns (``schema``,
/// `Schemas/shipments.xsd`, and `docs/xml.md`).
///
/// Opening a reader first validates the whole file against the bundled schema, streaming; a
/// document that does not match is refused as a whole, listing each violation with its line. Then
/// the events are read one at a time: one that breaks a ledger rule (a quantity of 0, a time
/// without offset, a ship without destination, a repeated `record_id`…) becomes a
/// ``SourceReject`` naming `file:line` and the element at fault, and reading goes on.
public struct ShipmentXML: RecordSource {
    /// The namespace of every element of the format.
    public static let namespace = "urn:provenance:shipments:1"
    /// Most nodes one `<event>` may hold; a larger one is rejected without being kept in memory.
    public static let maximumNodesPerEvent = 100_000

    public let path: String
    public let limits: XMLReaderLimits

    public init(path: String, limits: XMLReaderLimits = .standard) {
        self.path = path
        self.limits = limits
    }

    public var name: String { path }

    public var byteCount: Int {
        InputFormat.fileSize(atPath: path)
    }

    /// Validates the file against ``schema``, then opens it for reading its events.
    ///
    /// - Throws: ``LedgerError`` `io` if the file cannot be read; `invalidRecord` if it is not
    ///   well-formed XML, breaks a limit, or does not match the schema (the reason lists the
    ///   violations, each with its line and element).
    public func makeReader() throws(LedgerError) -> Reader {
        let validator = try XMLSchemaValidator(xsd: Self.schema, name: "shipments.xsd")
        try validator.validate(path, limits: limits)
        return try Reader(path: path, limits: limits)
    }

    /// Reads the events of one shipment XML file in order.
    public final class Reader: RecordReader {
        private let path: String
        private let reader: XMLReader

        init(path: String, limits: XMLReaderLimits) throws(LedgerError) {
            self.path = path
            reader = try XMLReader(path: path, limits: limits)
            guard case .start(let root, _, _, let line)? = try reader.next() else {
                throw LedgerError(.invalidRecord, "the document has no root element", context: ["\(path):1"])
            }
            guard root == XMLName("shipments", namespace: ShipmentXML.namespace) else {
                throw LedgerError(
                    .invalidRecord,
                    "the root element is \(root.clark); a shipment XML has <shipments xmlns=\"\(ShipmentXML.namespace)\">",
                    context: ["\(path):\(line)"])
            }
        }

        public var bytesRead: Int { reader.bytesRead }

        /// The shipment CSV's columns, so that a rejects file has the same layout for both formats.
        public var rejectColumns: [String] { ShipmentCSV.layout.allColumns }

        public func location(line: Int, field: String) -> [String] {
            ["\(path):\(line)", "element \(Self.element(forField: field))"]
        }

        /// The element a ledger field comes from.
        static func element(forField field: String) -> String {
            switch field {
            case "input_lots", "input_quantities", "inputs": "input"
            case "serials": "serial"
            default: field
            }
        }

        public func next() throws(LedgerError) -> SourceItem? {
            while let node = try reader.next() {
                guard case .start(let name, let attributes, let depth, let line) = node, depth == 1 else { continue }
                let result = try XMLTree.read(
                    name, attributes: attributes, depth: depth, line: line, from: reader,
                    maximumNodes: ShipmentXML.maximumNodesPerEvent)
                switch result {
                case .element(let event):
                    return item(event)
                case .tooLarge(let nodes):
                    let error = LedgerError(
                        .invalidRecord,
                        "the event holds more than \(nodes - 1) nodes (at most \(ShipmentXML.maximumNodesPerEvent))",
                        context: ["\(path):\(line)", "element event"])
                    return .reject(SourceReject(line: line, fields: [], error: error, columns: rejectColumns))
                }
            }
            return nil
        }

        private func item(_ event: XMLTree) -> SourceItem {
            let record = ShipmentXML.record(event)
            let cells = rejectColumns.map { record.cells[$0] ?? "" }
            do throws(LedgerError) {
                let content: EventContent
                do {
                    content = try EventContent(record: .object(record.members))
                } catch {
                    throw located(error, event: event, lines: record.lines)
                }
                return .record(SourceRecord(line: event.line, content: content, cells: cells))
            } catch {
                return .reject(SourceReject(line: event.line, fields: cells, error: error, columns: rejectColumns))
            }
        }

        /// The error with `file:line` of the element at fault (the event if none is named).
        private func located(_ error: LedgerError, event: XMLTree, lines: [String: Int]) -> LedgerError {
            let field = error.context.last { $0.hasPrefix("field ") }.map { String($0.dropFirst("field ".count)) }
            let element = field.map(Self.element(forField:))
            let line = element.flatMap { lines[$0] } ?? event.line
            return LedgerError(error.code, error.reason, context: ["\(path):\(line)", "element \(element ?? "event")"])
        }
    }

    /// One `<event>` as the flat record ``EventContent/init(record:)`` reads, with the line of each
    /// element and the CSV cells for a rejects file.
    static func record(_ event: XMLTree) -> (
        members: [String: JSONValue], lines: [String: Int], cells: [String: String]
    ) {
        var members = [String: JSONValue]()
        var lines = [String: Int]()
        var cells = [String: String]()
        var inputs = [JSONValue]()
        var inputCells = [String]()
        var serials = [JSONValue]()
        for child in event.children where child.name.namespaceURI == namespace {
            let name = child.name.localName
            if lines[name] == nil { lines[name] = child.line }
            switch name {
            case "input":
                let lot = child.attribute("lot").map(XMLTree.trimmed) ?? ""
                let quantity = child.attribute("quantity").map(XMLTree.trimmed) ?? ""
                inputs.append(["lot": .string(lot), "quantity": .string(quantity)])
                inputCells.append("\(lot):\(quantity)")
            case "serial":
                serials.append(.string(child.trimmedText))
            case "extensions":
                var extensions = [String: JSONValue]()
                XMLTree.addMembers(child.children, to: &extensions)
                members["extensions"] = .object(extensions)
            default:
                let text = child.trimmedText
                if !text.isEmpty { members[name] = .string(text) }
                cells[name] = text
            }
        }
        if !inputs.isEmpty {
            members["inputs"] = .array(inputs)
            cells["inputs"] = inputCells.joined(separator: ";")
        }
        if !serials.isEmpty {
            members["serials"] = .array(serials)
            cells["serials"] = serials.compactMap(\.stringValue).joined(separator: ";")
        }
        return (members, lines, cells)
    }
}
