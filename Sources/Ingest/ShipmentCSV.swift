public import LedgerCore

/// A shipment CSV in the canonical layout of PRODUCT.md: a header row, columns in any order,
/// names case-insensitive, one `produce`, `ship`, `receive` or `transform` event per row. Empty
/// cells are absent values. A ``CSVMapping`` reads other exporters' columns as these.
public struct ShipmentCSV: RecordSource {
    public static let layout = CSVLayout(
        name: "shipments",
        requiredColumns: ["record_id", "event", "occurred_at", "product", "lot", "quantity", "unit", "facility"],
        optionalColumns: [
            "shipment_id", "destination", "origin", "inputs", "unit_price", "currency", "carrier", "certificate",
            "serials", "plots", "dds_reference", "dds_verification",
        ],
        decimalColumns: ["quantity", "unit_price", "inputs"],
        columnOfField: ["input_lots": "inputs", "input_quantities": "inputs"]
    ) { members throws(LedgerError) in
        let content = try EventContent(record: .object(members))
        guard content.kind.isSupplyChain else {
            throw LedgerError(
                .invalidRecord,
                "a shipment file holds produce, ship, receive and transform events, not \(content.kind.rawValue)",
                context: ["field event"])
        }
        return content
    }

    public let path: String
    public let mapping: CSVMapping?

    public init(path: String, mapping: CSVMapping? = nil) {
        self.path = path
        self.mapping = mapping
    }

    public var name: String { path }
    public var byteCount: Int { CSVReader(path: path).byteCount }

    public func makeReader() throws(LedgerError) -> CSVRecordReader {
        try CSVRecordReader(reader: CSVReader(path: path), layout: Self.layout, mapping: mapping)
    }
}
