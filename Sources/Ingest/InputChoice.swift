public import LedgerCore

/// How an importer picks the adapter for a file: the format given or detected from the content,
/// with a CSV mapping or an EPCIS schema if one applies. `prov ingest`, `prov sign` and the
/// server's batch endpoint choose the same way.
public struct InputChoice: Sendable {
    /// `auto` (detect from the content), `csv`, `xml`, `epcis` or `epcis-json`.
    public let format: String
    public let mapping: CSVMapping?
    /// An XSD to validate EPCIS documents against first.
    public let xsd: String?

    public init(format: String = "auto", mapping: CSVMapping? = nil, xsd: String? = nil) {
        self.format = format
        self.mapping = mapping
        self.xsd = xsd
    }

    /// The adapter for the file at `file`.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` for an unknown format, a mapping for a file that is
    ///   not a CSV, a schema for one that is not EPCIS, or XML of neither known kind.
    public func source(for file: String) throws(LedgerError) -> any RecordSource {
        let detected: InputFormat
        if format == "auto" {
            detected = try InputFormat.detect(path: file)
        } else if let chosen = InputFormat(rawValue: format) {
            detected = chosen
        } else {
            throw LedgerError(
                .invalidRecord,
                "unknown format '\(format)'; use \((["auto"] + InputFormat.allCases.map(\.rawValue)).joined(separator: ", "))"
            )
        }
        if mapping != nil, detected != .csv {
            throw LedgerError(.invalidRecord, "--mapping applies to CSV files; \(file) is \(detected.rawValue)")
        }
        if xsd != nil, detected != .epcis {
            throw LedgerError(
                .invalidRecord,
                "--xsd applies to EPCIS documents; \(file) is \(detected.rawValue) (shipment XML is always validated)")
        }
        return switch detected {
        case .csv: ShipmentCSV(path: file, mapping: mapping)
        case .xml: ShipmentXML(path: file)
        case .epcis: EPCISDocument(path: file, xsd: xsd)
        case .epcisJSON: EPCISJSONDocument(path: file)
        }
    }
}
