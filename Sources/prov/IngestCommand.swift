import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import Provenance

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract:
            "Import shipment files (CSV, shipment XML, GS1 EPCIS XML or JSON-LD) as events signed with a producer's key, one block per file.",
        discussion: """
            The format is detected from the content unless --format says: a CSV; the project's shipment XML \
            (Schemas/shipments.xsd, validated before import); or a GS1 EPCIS 1.2/2.0 XML document (ObjectEvent, \
            AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent; see docs/xml.md), checked against \
            GS1's schema with --xsd; or a GS1 EPCIS 2.0 JSON-LD document (a file that starts with '{'), whose events \
            are mapped as their XML form is. XML entity declarations and external entities are refused; a JSON-LD \
            document's remote contexts are never fetched (the standard EPCIS context is built in).

            A shipment CSV has a header row (names case-insensitive, any order) with the columns record_id, event, \
            occurred_at, product, lot, quantity, unit, facility and, as the event needs, shipment_id, destination, \
            origin, inputs (LOT-A:120.5;LOT-B:30), unit_price, currency, carrier, certificate, serials, plots (PLOT-1;PLOT-2: \
            the production plots a produce row came from), dds_reference and dds_verification (the EU deforestation \
            due-diligence statement covering a ship or receive row). --mapping reads \
            another exporter's columns, dates and decimal commas (Schemas/mapping.schema.json).

            Each file becomes one block, written atomically and in constant memory whatever its size. Every facility \
            must have master data registered by the signer (prov facilities import). Every refused record is reported \
            with file:line and column. Without --skip-invalid a file with any invalid record writes nothing; with it, \
            the valid records are committed and the refused ones written to FILE.rejects.csv with a reason column. \
            Records already imported with the same content are skipped, so re-importing a file is a no-op.

            With --with-master-data, the master data in an EPCIS document's header (EPCISHeader's EPCISMasterData in \
            XML, epcisHeader.epcisMasterData in JSON-LD) is imported first, as prov facilities import would: its \
            business locations and read points become the signer's facilities and its trade item classes products, in \
            a block of their own before the events' block (docs/epcis.md). Should the events then be \
            refused, the master data stays registered; importing the document again skips it.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The files to import, each as one block.") var files: [String]
    @OptionGroup var flags: IngestFlags
    @Option(help: "Input format: auto (detect from the content), csv, xml, epcis (XML) or epcis-json (JSON-LD).")
    var format = "auto"
    @Option(
        help: ArgumentHelp(
            "Validate EPCIS documents against this XSD first (e.g. GS1's EPCglobal-epcis-2_0.xsd).", valueName: "PATH"))
    var xsd: String?
    @Flag(
        help: ArgumentHelp(
            "Import the master data in an EPCIS document's header first (its locations as facilities, its trade items as products), in a block of its own before the events'."
        ))
    var withMasterData = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let mapping = try flags.loadMapping()
            let recordedAt = LedgerClock.fromEnvironment(ProcessInfo.processInfo.environment)()
            for file in files {
                let source = try InputChoice(format: format, mapping: mapping, xsd: xsd).source(for: file)
                if withMasterData, source is EPCISDocument || source is EPCISJSONDocument,
                    try !EPCISVocabularyReader.elements(path: file).isEmpty
                {
                    try await importEPCISMasterData(
                        file, vocabularies: .all, recordedAt: recordedAt, flags: flags, ledger: options)
                }
                try await runIngest(source, flags: flags, ledger: options)
            }
        }
    }
}

struct Facilities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import and list facility master data.",
        subcommands: [FacilitiesImport.self, FacilitiesList.self])
}

struct FacilitiesImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import facilities (a facilities CSV, or an EPCIS document's master data) as facility events signed by the owning party.",
        discussion: """
            Columns: facility_id, party, name, kind (farm|plot|mine|mill|factory|warehouse|port|retail), country (ISO 3166-1 \
            alpha-2), latitude, longitude, and optionally capacity_per_day, unit, workers, certificate, \
            certificate_expires (YYYY-MM-DD), parent_facility. The party must be the participant whose key signs. A \
            location inside a site (a dock, a line, a store room) names the site in parent_facility: the site must be \
            one of the same party's facilities, registered before or earlier in the file, and the pipeline counts the \
            location's flows, capacity and workers as the site's. A changed row is a new version that supersedes the \
            earlier one (both stay in the ledger); an unchanged row is skipped.

            A GS1 EPCIS document (XML or JSON-LD, detected from its first character) is read for its master data: an \
            EPCISMasterDataDocument, or the master data in an EPCISDocument's header. Its business locations and read \
            points become your facilities (name, countryCode, latitude and longitude from the CBV's attributes; kind \
            and the other fields from attributes urn:provenance:mda#kind and so on; a location inside a site takes \
            what it does not give from the site), and its trade item classes (EPCClass) become products, one per \
            GTIN. Attributes a facility has no field for are kept in the event. See docs/epcis.md.

            A GeoJSON FeatureCollection (a .geojson or .json file) is read as production plots, for the EU \
            deforestation regulation: each feature a facility of kind plot inside your farm, with its Point, Polygon \
            or MultiPolygon geometry (WGS 84, longitude first, at least 6 decimals; a polygon for a plot above 4 ha) \
            and properties plot_id, farm, area_ha, commodity (cattle|cocoa|coffee|oil_palm|rubber|soya|wood), \
            country, and optionally name, established (the date the land was established or last cleared) and \
            evidence. Every geometry is checked before anything is written; a bad one is named by its feature \
            index (features[N]) and member. See docs/regulatory.md.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The facilities CSV files or EPCIS documents.") var files: [String]
    @OptionGroup var flags: IngestFlags

    func run() async throws {
        try await importMasterData(
            FacilitiesCSV.self, epcis: .all, plots: true, files: files, flags: flags, ledger: options)
    }
}

struct FacilitiesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List facilities with their current master data (latest version).")

    @OptionGroup var options: LedgerOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show every version, not only the current one.") var history = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            listMasterData(
                try await ledger.facilities(), all: history, json: json, id: "facility", as: "facility_id"
            ) { version in
                let field = { (name: String) in
                    version.fields[name]?.stringValue ?? version.fields[name]?.integerValue.map(String.init) ?? "-"
                }
                return
                    "\(version.id)  \(field("party"))  \(field("kind"))  \(field("country"))  \(field("latitude")),\(field("longitude"))  capacity \(field("capacity_per_day")) \(field("unit"))/day  workers \(field("workers"))  certificate \(field("certificate")) until \(field("certificate_expires"))  [\(field("name"))]"
            }
        }
    }
}

/// Imports master-data files (facilities, products): CSV files of `File`'s layout, EPCIS documents whose master
/// data holds `vocabularies`, or with `plots` GeoJSON FeatureCollections of production plots; each row, element or
/// feature a version whose record ID names its content.
func importMasterData<File: MasterDataFile>(
    _ file: File.Type, epcis vocabularies: EPCISMasterData.Vocabularies, plots: Bool = false, files: [String],
    flags: IngestFlags, ledger: LedgerOptions
) async throws {
    try await reporting { () async throws(LedgerError) in
        let mapping = try flags.loadMapping()
        let recordedAt = LedgerClock.fromEnvironment(ProcessInfo.processInfo.environment)()
        for path in files {
            if plots, PlotsGeoJSON.isDocument(path: path) {
                guard mapping == nil else {
                    throw LedgerError(.invalidRecord, "--mapping applies to CSV files; \(path) is GeoJSON")
                }
                let party = try await ledger.openForReading().participant(signingWith: try readPrivateKey(flags.key)).id
                try await runIngest(
                    PlotsGeoJSON(path: path, party: party, recordedAt: recordedAt), flags: flags, ledger: ledger,
                    recordIDsNameContent: true)
                continue
            }
            guard try EPCISVocabularyReader.isDocument(path: path) else {
                try await runIngest(
                    File(path: path, recordedAt: recordedAt, mapping: mapping), flags: flags, ledger: ledger,
                    recordIDsNameContent: true)
                continue
            }
            guard mapping == nil else {
                throw LedgerError(.invalidRecord, "--mapping applies to CSV files; \(path) is an EPCIS document")
            }
            try await importEPCISMasterData(
                path, vocabularies: vocabularies, recordedAt: recordedAt, flags: flags, ledger: ledger)
        }
    }
}

/// Imports the master data of the EPCIS document at `path` as events signed with the key of `flags`.
func importEPCISMasterData(
    _ path: String, vocabularies: EPCISMasterData.Vocabularies, recordedAt: Timestamp, flags: IngestFlags,
    ledger: LedgerOptions
) async throws(LedgerError) {
    let reader = try await ledger.openForReading()
    let context = EPCISMasterData.Context(
        party: try await reader.participant(signingWith: try readPrivateKey(flags.key)).id,
        facilities: try await reader.currentFacilityFields(), products: try await reader.productCatalog())
    try await runIngest(
        EPCISMasterData(path: path, context: context, vocabularies: vocabularies, recordedAt: recordedAt),
        flags: flags, ledger: ledger, recordIDsNameContent: true)
}

/// Lists master-data versions (`all`, or only the current version of each ID), as `line` prints each or as JSON.
func listMasterData(
    _ versions: [MasterDataVersion], all: Bool, json: Bool, id: String, as column: String,
    line: (MasterDataVersion) -> String
) {
    let shown = currentVersions(versions, all: all)
    if json {
        printMasterDataJSON(shown, id: id, as: column)
    } else {
        for version in shown { print(line(version)) }
    }
}

/// Prints master-data versions as a JSON array: each version's fields, its ID field named as the CSV's column (`id`
/// as `column`), the party that signed it, its ledger index and the time it was recorded at.
private func printMasterDataJSON(_ versions: [MasterDataVersion], id: String, as column: String) {
    printJSON(
        .array(
            versions.map { version in
                var fields = version.fields
                fields[column] = fields.removeValue(forKey: id)
                // A facility names its party (always its signer); a product's party is its signer.
                if fields["party"] == nil { fields["party"] = .string(version.signer) }
                fields["event_index"] = .integer(version.index)
                fields["recorded_at"] = .string(version.recordedAt.local)
                return .object(fields)
            }))
}

/// `versions` in ledger order, or with `all` false only the last version of each ID.
private func currentVersions(_ versions: [MasterDataVersion], all: Bool) -> [MasterDataVersion] {
    guard !all else { return versions }
    var latest = [String: Int]()
    for (position, version) in versions.enumerated() { latest[version.id] = position }
    return versions.enumerated().filter { latest[$0.element.id] == $0.offset }.map(\.element)
}

struct Products: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import and list product master data: the GTINs that name each product.",
        subcommands: [ProductsImport.self, ProductsList.self])
}

struct ProductsImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import products (a products CSV, or an EPCIS document's trade items) as product events signed by your key.",
        discussion: """
            Columns: product_id (the product code events use, such as dark-chocolate-70), name, and optionally gtins: \
            the GTINs that name the product in GS1 data, ';'-separated, in any of their 8, 12, 13 or 14-digit forms \
            with a valid check digit (kept as GTIN-14). Events that name the product by a GTIN, an SGTIN, an LGTIN or \
            a GS1 Digital Link then count as the product in history and in the pipeline (docs/identity.md). An \
            optional hs_code column states the product's Harmonized System code (4, 6, 8 or 10 digits, dots \
            allowed: 1806.32), which the EU deforestation statement of its lots names (prov report eudr).

            The participant that registers a product first owns it: only its key registers later versions, and a GTIN \
            that already names another product is refused with both names. A changed row is a new version that \
            supersedes the earlier one (both stay in the ledger); an unchanged row is skipped.

            A row with same_as registers your own internal code for a product that any participant registered: \
            product_id is your code (an ERP's article number, such as ART-4711), same_as the product's code. Your \
            events that name ART-4711 then count as that product; other participants' events are not affected, and \
            each participant may use the same code for a product of its own. An internal code lists no GTINs and is \
            no registered product's code.

            A GS1 EPCIS document (XML or JSON-LD) is read for the trade item classes (EPCClass) of its master data: \
            one product per GTIN, whose code is the GTIN-14 and whose name is the class's short description; a GTIN \
            that already names a registered product adds nothing. See docs/epcis.md.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The products CSV files or EPCIS documents.") var files: [String]
    @OptionGroup var flags: IngestFlags

    func run() async throws {
        try await importMasterData(ProductsCSV.self, epcis: .tradeItems, files: files, flags: flags, ledger: options)
    }
}

struct ProductsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List products with their current master data (latest version).")

    @OptionGroup var options: LedgerOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show every version, not only the current one.") var history = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            listMasterData(try await ledger.products(), all: history, json: json, id: "product", as: "product_id") {
                version in
                let gtins = version.fields["gtins"]?.arrayValue?.compactMap(\.stringValue) ?? []
                return
                    "\(version.id)  \(version.signer)  GTIN \(gtins.isEmpty ? "-" : gtins.joined(separator: ", "))  [\(version.fields["name"]?.stringValue ?? "-")]"
            }
        }
    }
}
