internal import Foundation
public import LedgerCore

/// The kinds of input file the ledger reads, told apart by content rather than by file name.
public enum InputFormat: String, Sendable, CaseIterable {
    /// The shipment CSV (``ShipmentCSV``).
    case csv
    /// The project's own shipment XML (``ShipmentXML``).
    case xml
    /// A GS1 EPCIS XML document (``EPCISDocument``).
    case epcis
    /// A GS1 EPCIS 2.0 JSON / JSON-LD document (``EPCISJSONDocument``).
    case epcisJSON = "epcis-json"

    /// The format of the file at `path`: EPCIS JSON if its first character (after a byte-order mark and whitespace) is
    /// `{`; XML if it is `<`, told apart by the namespace of the root element; CSV otherwise.
    ///
    /// - Throws: ``LedgerError`` `io` if the file cannot be read; `invalidRecord` for XML that is
    ///   malformed before its root element, or whose root element is neither EPCIS nor the
    ///   shipment XML (the message names it).
    public static func detect(path: String) throws(LedgerError) -> InputFormat {
        switch try Syntax(path: path) {
        case .json: return .epcisJSON
        case .xml: break
        case .csv: return .csv
        }
        let reader = try XMLReader(path: path)
        guard case .start(let root, _, _, let line)? = try reader.next() else {
            throw LedgerError(.invalidRecord, "the XML document has no root element", context: ["\(path):1"])
        }
        if EPCISDocument.namespaces.contains(root.namespaceURI) { return .epcis }
        if root.namespaceURI == ShipmentXML.namespace { return .xml }
        let namespace = root.namespaceURI.isEmpty ? "no namespace" : "namespace \(root.namespaceURI)"
        throw LedgerError(
            .invalidRecord,
            "unknown XML format: the root element is <\(root.localName)> in \(namespace); expected an EPCIS document "
                + "(namespace urn:epcglobal:epcis:xsd:2 or :1) or a shipment XML (namespace \(ShipmentXML.namespace))",
            context: ["\(path):\(line)"])
    }

    /// The syntax of a file as its first character (after a byte-order mark and whitespace) tells it: `{` JSON, `<`
    /// XML, anything else CSV.
    enum Syntax {
        case csv, xml, json

        init(path: String) throws(LedgerError) {
            switch try InputFormat.firstCharacter(path) {
            case UInt8(ascii: "{"): self = .json
            case UInt8(ascii: "<"): self = .xml
            default: self = .csv
            }
        }
    }

    /// The first byte after a UTF-8 byte-order mark and whitespace; nil for an empty file.
    private static func firstCharacter(_ path: String) throws(LedgerError) -> UInt8? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError(.io, "cannot read \(path)")
        }
        defer { try? handle.close() }
        var atStart = true
        while let chunk = try? handle.read(upToCount: 4096), !chunk.isEmpty {
            var bytes = chunk[...]
            if atStart, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            atStart = false
            if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return first }
        }
        return nil
    }
}

extension InputFormat {
    /// The size in bytes of the file at `path`, 0 if it cannot be read: what record sources report for progress.
    static func fileSize(atPath path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
