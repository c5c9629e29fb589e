internal import Foundation
public import LedgerCore

/// Production plots as a GeoJSON FeatureCollection (RFC 7946), one `facility` event of kind `plot` per feature: the
/// geolocation the EU deforestation regulation asks for (docs/regulatory.md).
///
/// Each feature has a `Point`, `Polygon` or `MultiPolygon` geometry (checked by ``PlotGeometry``) and properties:
/// `plot_id`, `farm` (the facility the plot belongs to, one of the signer's), `area_ha`, `commodity` (one of
/// ``EventSchema/plotCommodities``), `country`, and optionally `name`, `established` (the date the land was
/// established or last cleared, `YYYY-MM-DD`) and `evidence` (a document reference for that date). The plot's
/// `latitude` and `longitude` are those of its point, or of its largest polygon's centroid. Versions are as in
/// ``FacilitiesCSV``: an unchanged feature names the version already in the ledger, a changed one a new version.
///
/// A feature that cannot become a plot is a reject naming `features[N]` and the member; a file that is not a
/// FeatureCollection is refused whole.
public struct PlotsGeoJSON: RecordSource {
    /// The largest file read.
    public static let maximumBytes = 64 << 20

    public static let properties = [
        "plot_id", "farm", "area_ha", "commodity", "country", "name", "established", "evidence",
    ]

    public let path: String
    /// The participant that signs the plots: their party.
    public let party: String
    public let recordedAt: Timestamp

    public init(path: String, party: String, recordedAt: Timestamp) {
        self.path = path
        self.party = party
        self.recordedAt = recordedAt
    }

    public var name: String { path }
    public var byteCount: Int { InputFormat.fileSize(atPath: path) }

    /// Whether the file at `path` is to be read as plots: a `.geojson` file (its reader refuses one that is no
    /// FeatureCollection), or a `.json` file that says `"FeatureCollection"` in its first 4 KiB.
    public static func isDocument(path: String) -> Bool {
        let lowercased = path.lowercased()
        if lowercased.hasSuffix(".geojson") { return true }
        guard lowercased.hasSuffix(".json"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return start.contains("\"FeatureCollection\"")
    }

    /// Reads and parses the whole file (it holds no more than ``maximumBytes``).
    ///
    /// - Throws: ``LedgerError`` `io` if it cannot be read, `invalidRecord` if it is not a GeoJSON FeatureCollection
    ///   (with line and column for a JSON syntax error).
    public func makeReader() throws(LedgerError) -> Reader {
        guard byteCount <= Self.maximumBytes else {
            throw LedgerError(
                .invalidRecord,
                "the file is larger than \(Self.maximumBytes >> 20) MiB, the most a plots file may hold",
                context: [path])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.io, "cannot read \(path)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse([UInt8](data))
        } catch {
            throw LedgerError(.invalidRecord, "not JSON: \(error)", context: [path])
        }
        guard document["type"]?.stringValue == "FeatureCollection", case .array(let features)? = document["features"]
        else {
            throw LedgerError(
                .invalidRecord, "not a GeoJSON FeatureCollection with a 'features' array", context: [path, "type"])
        }
        return Reader(source: self, features: features, byteCount: data.count)
    }

    /// The features of one plots file, one at a time.
    public struct Reader: RecordReader {
        let source: PlotsGeoJSON
        let features: [JSONValue]
        let byteCount: Int
        private var index = 0

        init(source: PlotsGeoJSON, features: [JSONValue], byteCount: Int) {
            self.source = source
            self.features = features
            self.byteCount = byteCount
        }

        public var bytesRead: Int { index == features.count ? byteCount : byteCount * index / max(1, features.count) }

        public var rejectColumns: [String] { ["feature"] + PlotsGeoJSON.properties }

        /// A feature's place: the file, `features[N]` (its index, from 0), the member. A record's "line" is its
        /// feature's index plus one.
        public func location(line: Int, field: String) -> [String] {
            [source.path, "features[\(line - 1)]", field]
        }

        public mutating func next() throws(LedgerError) -> SourceItem? {
            guard index < features.count else { return nil }
            defer { index += 1 }
            let feature = features[index]
            let properties = feature["properties"]?.objectValue ?? [:]
            let cells =
                ["features[\(index)]"]
                + PlotsGeoJSON.properties.map { name in
                    properties[name].map { value in
                        if case .number(let text) = value { return text }
                        return value.stringValue ?? ""
                    } ?? ""
                }
            do throws(LedgerError) {
                let content = try source.content(of: feature)
                return .record(SourceRecord(line: index + 1, content: content, cells: cells))
            } catch {
                return .reject(
                    SourceReject(
                        line: index + 1, fields: cells,
                        error: LedgerError(
                            error.code, error.reason, context: [source.path, "features[\(index)]"] + error.context),
                        columns: rejectColumns))
            }
        }
    }

    /// The `facility` event of one feature.
    func content(of feature: JSONValue) throws(LedgerError) -> EventContent {
        guard feature["type"]?.stringValue == "Feature" else {
            throw LedgerError(.invalidRecord, "a plot is a GeoJSON Feature", context: ["type"])
        }
        guard let geometryValue = feature["geometry"], geometryValue != .null else {
            throw LedgerError(.invalidRecord, "the plot has no geometry", context: ["geometry"])
        }
        let geometry = try PlotGeometry(geoJSON: geometryValue)
        guard case .object(let properties)? = feature["properties"] else {
            throw LedgerError(.invalidRecord, "the plot has no properties", context: ["properties"])
        }
        for name in properties.keys where !Self.properties.contains(name) {
            throw LedgerError(
                .invalidRecord,
                "unknown property '\(name)' (known: \(Self.properties.joined(separator: ", ")))",
                context: ["properties.\(name)"])
        }
        for name in ["plot_id", "farm", "area_ha", "commodity", "country"] where properties[name] == nil {
            throw LedgerError(.invalidRecord, "the plot has no '\(name)'", context: ["properties.\(name)"])
        }
        var fields = [String: JSONValue]()
        for (property, field) in [
            ("plot_id", "facility"), ("farm", "parent_facility"), ("area_ha", "area_ha"), ("commodity", "commodity"),
            ("country", "country"), ("established", "established"), ("evidence", "evidence"),
        ] {
            if let value = properties[property] { fields[field] = value }
        }
        let point = geometry.representativePoint
        fields["party"] = .string(party)
        fields["name"] = properties["name"] ?? properties["plot_id"]
        fields["kind"] = "plot"
        fields["latitude"] = .number(String(format: "%.7f", point.latitude))
        fields["longitude"] = .number(String(format: "%.7f", point.longitude))
        fields["geometry"] = geometryValue
        do throws(LedgerError) {
            return try MasterDataVersions(kind: .facility, idColumn: "plot_id", idField: "facility").content(
                fields, recordedAt: recordedAt)
        } catch {
            // Name the property a field came from.
            let renamed = error.context.map { place -> String in
                for (property, field) in [("plot_id", "facility"), ("farm", "parent_facility")]
                where place == "field \(field)" {
                    return "properties.\(property)"
                }
                if place == "field geometry" { return "geometry" }
                return place.hasPrefix("field ") ? "properties." + place.dropFirst(6) : place
            }
            throw LedgerError(error.code, error.reason, context: renamed.filter { !$0.hasPrefix("record ") })
        }
    }
}
