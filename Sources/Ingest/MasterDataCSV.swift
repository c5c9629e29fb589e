public import LedgerCore
internal import LedgerCrypto

/// Facility master data in the layout of PRODUCT.md (`facility_id, party, name, kind, country,
/// latitude, longitude, capacity_per_day, unit, workers, certificate, certificate_expires, parent_facility`), one
/// `facility` event per row. `parent_facility` names the site a location (a dock, a line, a store room) belongs to
/// (docs/identity.md).
///
/// A row's record ID is derived from its content (`facility/ID/` + 16 hex digits of the SHA-256
/// of its canonical fields), so re-importing an unchanged file is a no-op while a changed row is a
/// new version that supersedes the earlier one; every version stays in the ledger.
public struct FacilitiesCSV: MasterDataFile {
    public static let columns = [
        "facility_id", "party", "name", "kind", "country", "latitude", "longitude", "capacity_per_day", "unit",
        "workers", "certificate",
        "certificate_expires", "parent_facility",
    ]

    public let path: String
    public let mapping: CSVMapping?
    public let recordedAt: Timestamp

    public init(path: String, recordedAt: Timestamp, mapping: CSVMapping? = nil) {
        self.path = path
        self.recordedAt = recordedAt
        self.mapping = mapping
    }

    public static func layout(recordedAt: Timestamp) -> CSVLayout {
        MasterDataVersions(kind: .facility, idColumn: "facility_id", idField: "facility").layout(
            name: "facilities", requiredColumns: Array(columns.prefix(7)), optionalColumns: Array(columns.dropFirst(7)),
            decimalColumns: ["latitude", "longitude", "capacity_per_day"], recordedAt: recordedAt)
    }
}

/// Product master data (`product_id, name, gtins, hs_code, same_as`), one `product` event per row: the product's code as events
/// name it, its name, and the GTINs that name it in GS1 data (`;`-separated, any of the 8, 12, 13 and 14-digit forms,
/// kept as GTIN-14). A row with `same_as` registers the signer's internal code for a product instead (an ERP's article
/// number), which names that product in the signer's own events. Versions as in ``FacilitiesCSV``; docs/identity.md.
public struct ProductsCSV: MasterDataFile {
    public static let columns = ["product_id", "name", "gtins", "hs_code", "same_as"]

    public let path: String
    public let mapping: CSVMapping?
    public let recordedAt: Timestamp

    public init(path: String, recordedAt: Timestamp, mapping: CSVMapping? = nil) {
        self.path = path
        self.recordedAt = recordedAt
        self.mapping = mapping
    }

    public static func layout(recordedAt: Timestamp) -> CSVLayout {
        MasterDataVersions(kind: .product, idColumn: "product_id", idField: "product").layout(
            name: "products", requiredColumns: ["product_id", "name"],
            optionalColumns: ["gtins", "hs_code", "same_as"],
            decimalColumns: [],
            recordedAt: recordedAt)
    }
}

/// A CSV file of master data (facilities, products), one versioned event per row (``MasterDataVersions``).
public protocol MasterDataFile: RecordSource where Reader == CSVRecordReader {
    var path: String { get }
    var mapping: CSVMapping? { get }
    /// The time the versions are recorded at (the file has none).
    var recordedAt: Timestamp { get }

    init(path: String, recordedAt: Timestamp, mapping: CSVMapping?)

    /// The file's columns and how a row becomes an event.
    static func layout(recordedAt: Timestamp) -> CSVLayout
}

extension MasterDataFile {
    public var name: String { path }
    public var byteCount: Int { CSVReader(path: path).byteCount }

    public func makeReader() throws(LedgerError) -> CSVRecordReader {
        try CSVRecordReader(
            reader: CSVReader(path: path), layout: Self.layout(recordedAt: recordedAt), mapping: mapping)
    }
}

/// Rows of master data as versioned events: a row's record ID is `KIND/ID/` + 16 hex digits of the SHA-256 of its
/// normalised fields, so an unchanged row names the version already in the ledger and a changed one a new version.
struct MasterDataVersions {
    let kind: EventKind
    /// The column holding the ID (`facility_id`), and the event field it fills (`facility`).
    let idColumn: String
    let idField: String

    func layout(
        name: String, requiredColumns: [String], optionalColumns: [String], decimalColumns: Set<String>,
        recordedAt: Timestamp
    ) -> CSVLayout {
        CSVLayout(
            name: name, requiredColumns: requiredColumns, optionalColumns: optionalColumns,
            decimalColumns: decimalColumns, columnOfField: [idField: idColumn]
        ) { members throws(LedgerError) in
            var fields = members
            guard let id = fields.removeValue(forKey: idColumn)?.stringValue else {
                throw LedgerError(.invalidRecord, "missing \(idColumn)", context: ["field \(idColumn)"])
            }
            fields[idField] = .string(id)
            do throws(LedgerError) {
                return try content(fields, recordedAt: recordedAt)
            } catch {
                let field = error.context.last { $0.hasPrefix("field ") }
                throw LedgerError(
                    error.code, error.reason,
                    context: field.map { [$0 == "field \(idField)" ? "field \(idColumn)" : $0] } ?? [])
            }
        }
    }

    /// The version whose fields are `fields` (the ID in ``idField``), recorded at `recordedAt`.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` for a missing ID or a field the kind does not admit, naming the field.
    func content(_ fields: [String: JSONValue], recordedAt: Timestamp) throws(LedgerError) -> EventContent {
        guard let id = fields[idField]?.stringValue else {
            throw LedgerError(.invalidRecord, "missing \(idField)", context: ["field \(idField)"])
        }
        // Normalise first, so that equivalent spellings (1.50 and 1.5) name the same version.
        let draft = try EventContent(
            kind: kind, recordID: "\(kind.rawValue)/\(id)", occurredAt: recordedAt, fields: fields)
        // Values were just normalised, so they always encode; a failure would only hide the version.
        let canonical = (try? CanonicalJSON.encode(.object(draft.publicFields))) ?? []
        let version = Hex.encode(SHA256.hash(canonical).bytes).prefix(16)
        return try EventContent(
            kind: kind, recordID: "\(kind.rawValue)/\(id)/\(version)", occurredAt: recordedAt,
            fields: draft.publicFields)
    }
}
