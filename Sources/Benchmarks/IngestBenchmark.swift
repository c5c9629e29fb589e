public import Foundation
import Ingest
public import LedgerCore
public import LedgerStorage
import LedgerSQLite
import LedgerPostgres
public import Provenance

/// CSV ingest throughput against OpenSSL's Ed25519 sign rate and against SQLite alone writing the same rows, both
/// measured in the same run, and what the admission checks cost (`prov bench ingest`).
public enum IngestBenchmark {
    public struct Configuration: Sendable {
        /// Rows in the generated CSV.
        public var records: Int
        /// Seconds to measure the reference rate.
        public var referenceSeconds: Double
        /// Imports with and without the admission checks, alternating.
        public var rounds: Int
        /// The folder that keeps the generated CSV and ledgers; nil for a temporary one, removed after the run.
        public var keep: String?
        /// Called once per import with its label and start; returns what receives the import's progress.
        public var progress: @Sendable (_ label: String, _ started: Date) -> @Sendable (IngestProgress) -> Void
        /// Called after each import (to end a progress line).
        public var importEnded: @Sendable () -> Void
        /// Whether the same rows are also imported as an EPCIS 2.0 JSON-LD document, in the same run.
        public var epcisJSON = false
        /// A PostgreSQL database to import the same rows into as well, emptied before each import, whose rate is
        /// reported as a ratio to the SQLite import's.
        public var postgres: PostgresAddress?

        public init(
            records: Int, referenceSeconds: Double, rounds: Int, keep: String?,
            progress: @escaping @Sendable (String, Date) -> @Sendable (IngestProgress) -> Void = { _, _ in { _ in } },
            importEnded: @escaping @Sendable () -> Void = {}
        ) {
            self.records = records
            self.referenceSeconds = referenceSeconds
            self.rounds = rounds
            self.keep = keep
            self.progress = progress
            self.importEnded = importEnded
        }
    }

    /// Generates the file, measures the reference, imports the file `rounds` times each way and has SQLite alone
    /// write the same rows; logs a line per figure and returns them all as JSON.
    public static func run(_ configuration: Configuration, log: (String) -> Void) async throws(LedgerError)
        -> JSONValue
    {
        let records = configuration.records
        let cores = ProcessInfo.processInfo.activeProcessorCount
        log("Provenance ingest benchmark: \(records) CSV records, \(cores) cores")

        let folder = BenchFiles.RunFolder(kept: configuration.keep, prefix: "prov-bench")
        try BenchFiles.createDirectory(folder.url.path)
        defer { folder.removeUnlessKept() }
        let csvPath = folder.path("shipments.csv")
        let facilitiesPath = folder.path("facilities.csv")
        let ledgerPath = folder.path("bench.sqlite")
        try await removeLedger(.sqlite(path: ledgerPath))

        let generated = Date()
        try writeFacilities(facilitiesPath)
        let bytes = try writeShipments(csvPath, rows: records)
        // The same rows as GS1 data names them: the product by its GTIN, each ship at the farm's dispatch dock.
        let gs1Path = folder.path("shipments-gs1.csv")
        let gs1FacilitiesPath = folder.path("facilities-gs1.csv")
        let productsPath = folder.path("products.csv")
        try writeFacilities(gs1FacilitiesPath, docks: true)
        // The same GS1 rows against master data that resolves nothing: no GTIN for the product, docks without a site.
        let unresolvedFacilitiesPath = folder.path("facilities-unresolved.csv")
        try writeFacilities(unresolvedFacilitiesPath, docks: true, docksInSites: false)
        try BenchFiles.write(productsPath, Array("product_id,name,gtins\ncocoa-beans,Cocoa beans,\(gtin)\n".utf8))
        _ = try writeShipments(gs1Path, rows: records, gs1Names: true)
        let jsonPath = folder.path("events.jsonld")
        let jsonBytes = configuration.epcisJSON ? try writeEPCISJSON(jsonPath, rows: records) : 0
        log(
            String(
                format: "generated  %@ (%.0f MB) in %.1f s", csvPath, Double(bytes) / 1e6,
                Date().timeIntervalSince(generated)))

        // The generated files reach the disk before anything is timed, so that no import pays for writing them back.
        Throughput.flushFileSystems()
        let reference = try SigningReference.measure(seconds: configuration.referenceSeconds, cores: cores)
        reference.lines.forEach(log)
        let signRate = reference.sign

        // Each round imports every variant once, into a new ledger; the fastest import of each counts. The ledger of
        // the last import with the checks (the last variant) is kept: the storage reference copies it.
        struct Variant {
            let label: String
            let file: String
            let facilities: String
            var products: String?
            var checks = true
            let ledger: LedgerAddress
        }
        var variants = [
            Variant(
                label: "GS1 names", file: gs1Path, facilities: gs1FacilitiesPath, products: productsPath,
                ledger: .sqlite(path: folder.path("bench-gs1.sqlite"))),
            Variant(
                label: "GS1 unresolved", file: gs1Path, facilities: unresolvedFacilitiesPath,
                ledger: .sqlite(path: folder.path("bench-gs1-unresolved.sqlite"))),
            Variant(
                label: "unchecked", file: csvPath, facilities: facilitiesPath, checks: false,
                ledger: .sqlite(path: folder.path("bench-unchecked.sqlite"))),
            Variant(label: "ingest", file: csvPath, facilities: facilitiesPath, ledger: .sqlite(path: ledgerPath)),
        ]
        // The imports compared with the CSV one into SQLite come right before it (PostgreSQL) and after it (JSON-LD),
        // so that the machine's drift between them is small. The import whose own peak resident set is measured (the
        // JSON-LD one if asked for, else the PostgreSQL one) has the heap's free memory returned before it starts.
        if let postgres = configuration.postgres {
            variants.insert(
                Variant(label: "PostgreSQL", file: csvPath, facilities: facilitiesPath, ledger: .postgres(postgres)),
                at: variants.count - 1)
        }
        if configuration.epcisJSON {
            variants.append(
                Variant(
                    label: "EPCIS JSON-LD", file: jsonPath, facilities: facilitiesPath,
                    ledger: .sqlite(path: folder.path("bench-epcis-json.sqlite"))))
        }
        let measuredImport =
            configuration.epcisJSON ? "EPCIS JSON-LD" : configuration.postgres == nil ? nil : "PostgreSQL"
        var fastest = [String: Double]()
        // The peak resident set of the measured import on its own, where Linux can tell it.
        var measuredImportPeak: Double?
        // What resolution adds, round by round: the GS1 rows with master data that resolves them over the same rows
        // without it, imported one after the other, so that the machine's drift between rounds cancels.
        var resolutionRatios = [Double]()
        for round in 0..<max(1, configuration.rounds) {
            var times = [String: Double]()
            for variant in variants {
                try await removeLedger(variant.ledger)
                let peakReset = round == 0 && variant.label == measuredImport && Throughput.resetPeakRSS()
                let seconds = try await ingest(
                    variant.file, facilities: variant.facilities, products: variant.products, into: variant.ledger,
                    checks: variant.checks, label: "\(variant.label) \(round + 1)", configuration: configuration)
                times[variant.label] = seconds
                if peakReset { measuredImportPeak = Throughput.peakRSSSinceResetMiB }
                fastest[variant.label] = min(fastest[variant.label] ?? .infinity, seconds)
                if variant.ledger != .sqlite(path: ledgerPath) { try await removeLedger(variant.ledger) }
            }
            if let resolved = times["GS1 names"], let unresolved = times["GS1 unresolved"] {
                resolutionRatios.append(resolved / unresolved)
            }
        }
        resolutionRatios.sort()
        let resolutionMedian = ModelsBenchmark.median(resolutionRatios)
        let seconds = fastest["ingest"] ?? .infinity
        let uncheckedSeconds = fastest["unchecked"] ?? .infinity
        let gs1Seconds = fastest["GS1 names"] ?? .infinity
        let jsonSeconds = fastest["EPCIS JSON-LD"] ?? .infinity
        let rate = Double(records) / seconds
        let uncheckedRate = Double(records) / uncheckedSeconds
        let admissionCost = 1 - rate / uncheckedRate
        let gs1Rate = Double(records) / gs1Seconds
        let peak = Throughput.peakRSSMiB
        log(String(format: "ingest     %10.0f records/s (%.2f s) = %.3f × sign rate", rate, seconds, rate / signRate))
        log(
            String(
                format: "admission  %10.0f records/s without the ledger's checks (%.2f s): they cost %.1f %%",
                uncheckedRate, uncheckedSeconds, admissionCost * 100))
        log(
            String(
                format:
                    "GS1 names  %10.0f records/s with products by GTIN and ships at docks (%.2f s): %+.1f %% of the time",
                gs1Rate, gs1Seconds, (gs1Seconds / seconds - 1) * 100))
        log(
            String(
                format:
                    "resolution %+.1f %% of the time: the GS1 rows with products by GTIN and docks in their farms over the same rows with master data that resolves neither, median of %d rounds (%+.1f to %+.1f %%)",
                (resolutionMedian - 1) * 100, resolutionRatios.count, ((resolutionRatios.first ?? 1) - 1) * 100,
                ((resolutionRatios.last ?? 1) - 1) * 100))
        if configuration.epcisJSON {
            let jsonRate = Double(records) / jsonSeconds
            log(
                String(
                    format:
                        "EPCIS JSON %10.0f records/s from a %.0f MB JSON-LD document of the same rows (%.2f s) = %.3f × the CSV rate, %.3f × sign rate",
                    jsonRate, Double(jsonBytes) / 1e6, jsonSeconds, jsonRate / rate, jsonRate / signRate))
        }
        let postgresSeconds = fastest["PostgreSQL"]
        if let postgresSeconds, let postgres = configuration.postgres {
            let postgresRate = Double(records) / postgresSeconds
            log(
                String(
                    format:
                        "PostgreSQL %10.0f records/s into %@ (%.2f s) = %.3f × the SQLite import's rate, %.3f × sign rate",
                    postgresRate, postgres.description, postgresSeconds, postgresRate / rate, postgresRate / signRate))
        }
        log(
            String(format: "peak RSS   %10.1f MiB over the whole run", peak)
                + (measuredImportPeak.map { peak in
                    String(
                        format: "; %.1f MiB importing %@", peak,
                        measuredImport == "PostgreSQL" ? "into PostgreSQL" : "the JSON-LD")
                } ?? "")
        )

        // The storage reference: SQLite alone writing the same rows, on one core as the ingest's writer does. With
        // signing it bounds what any ingest could reach here.
        let referencePath = folder.path("storage-reference.sqlite")
        try? FileManager.default.removeItem(atPath: referencePath)
        let referenceStore = try SQLiteLedgerStore(path: referencePath, create: true)
        let copyStarted = Date()
        let rows = try await referenceStore.copyEventRows(from: ledgerPath)
        let sqliteRate = Double(rows) / Date().timeIntervalSince(copyStarted)
        let bound = Double(cores) / (Double(cores) / reference.inProcess.sign + 1 / sqliteRate)
        log(
            String(
                format: "reference  SQLite alone writes the rows %10.0f /s (%.1f µs each, one core)", sqliteRate,
                1e6 / sqliteRate))
        log(
            String(
                format: "bound      signing + SQLite alone, on %d cores: %.0f records/s = %.3f × sign rate", cores,
                bound, bound / signRate))
        return .object(
            reference.json.merging([
                "records": .integer(records), "cores": .integer(cores), "csv_bytes": .integer(bytes),
                "ingest_records_per_s": .number(String(format: "%.0f", rate)),
                "ingest_ratio_to_sign": .number(String(format: "%.4f", rate / signRate)),
                "seconds": .number(String(format: "%.3f", seconds)),
                "unchecked_records_per_s": .number(String(format: "%.0f", uncheckedRate)),
                "admission_cost": .number(String(format: "%.4f", admissionCost)),
                "gs1_names_records_per_s": .number(String(format: "%.0f", gs1Rate)),
                "gs1_names_time_ratio": .number(String(format: "%.4f", gs1Seconds / seconds)),
                "resolution_time_ratio_median": .number(String(format: "%.4f", resolutionMedian)),
                "resolution_time_ratios": .array(resolutionRatios.map { .number(String(format: "%.4f", $0)) }),
                "epcis_json_records_per_s": configuration.epcisJSON
                    ? .number(String(format: "%.0f", Double(records) / jsonSeconds)) : .null,
                "epcis_json_ratio_to_csv": configuration.epcisJSON
                    ? .number(String(format: "%.4f", seconds / jsonSeconds)) : .null,
                "postgres_records_per_s": postgresSeconds.map { .number(String(format: "%.0f", Double(records) / $0)) }
                    ?? .null,
                "postgres_ratio_to_sqlite": postgresSeconds.map { .number(String(format: "%.4f", seconds / $0)) }
                    ?? .null,
                "rounds": .integer(max(1, configuration.rounds)),
                "peak_rss_mib": .number(String(format: "%.1f", peak)),
                "epcis_json_import_peak_rss_mib": measuredImport == "EPCIS JSON-LD"
                    ? measuredImportPeak.map { .number(String(format: "%.1f", $0)) } ?? .null : .null,
                "postgres_import_peak_rss_mib": measuredImport == "PostgreSQL"
                    ? measuredImportPeak.map { .number(String(format: "%.1f", $0)) } ?? .null : .null,
                "sqlite_rows": .integer(rows),
                "sqlite_rows_per_s": .number(String(format: "%.0f", sqliteRate)),
                "bound_records_per_s": .number(String(format: "%.0f", bound)),
                "bound_ratio_to_sign": .number(String(format: "%.4f", bound / signRate)),
            ]) { _, new in new })
    }

    static let facilityCount = 10

    /// Removes the ledger at `address`: a file with its WAL and shared-memory files, or a database's tables.
    static func removeLedger(_ address: LedgerAddress) async throws(LedgerError) {
        switch address {
        case .sqlite(let path):
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        case .postgres(let postgres):
            try await PostgresLedgerStore.erase(postgres)
        }
    }

    /// Imports the benchmark file into a new ledger at `path` (after its facilities), with or without the ledger's
    /// admission checks, and returns the seconds the shipments took.
    static func ingest(
        _ csvPath: String, facilities facilitiesPath: String, products productsPath: String? = nil,
        into address: LedgerAddress, checks: Bool, label: String, configuration: Configuration
    ) async throws(LedgerError) -> Double {
        let clock = LedgerClock.fixed(epochSeconds: 1_830_297_600)
        let ledger = try await Ledger.create(
            at: address, origin: "bench.local/ledger", operatorKey: try Throughput.newKey(), clock: clock)
        let producer = try Throughput.newKey()
        _ = try await ledger.registerParticipant(
            id: "bench-farm", name: "Bench farm", role: .producer, publicKey: producer.publicKey)
        _ = try await ledger.ingest(FacilitiesCSV(path: facilitiesPath, recordedAt: clock()), signedWith: producer)
        if let productsPath {
            _ = try await ledger.ingest(ProductsCSV(path: productsPath, recordedAt: clock()), signedWith: producer)
        }

        var options = IngestOptions()
        options.admissionChecks = checks
        let started = Date()
        let source: any RecordSource =
            csvPath.hasSuffix(".jsonld") ? EPCISJSONDocument(path: csvPath) : ShipmentCSV(path: csvPath)
        let summary = try await ledger.ingest(
            source, signedWith: producer, options: options, progress: configuration.progress(label, started))
        configuration.importEnded()
        let seconds = Date().timeIntervalSince(started)
        guard summary.accepted == configuration.records else {
            throw LedgerError(
                .invalidState, "the benchmark file imported \(summary.accepted) of \(configuration.records) records")
        }
        return seconds
    }

    /// The GTIN-14 of the benchmark's product in the files with GS1 names.
    static let gtin = "04000001000050"

    /// Writes the master data of farms `FARM-0` … of `party`, each with a capacity, workers and a certificate; with
    /// `docks`, each followed by its dispatch dock `FARM-n-DOCK`, a location of the farm unless `docksInSites` is false.
    static func writeFacilities(
        _ path: String, count: Int = facilityCount, party: String = "bench-farm", docks: Bool = false,
        docksInSites: Bool = true
    ) throws(LedgerError) {
        var text =
            "facility_id,party,name,kind,country,latitude,longitude,capacity_per_day,unit,workers,certificate,certificate_expires,parent_facility\n"
        for index in 0..<count {
            let place = "GH,6.\(index % 10)885,-1.6\(index % 10)44"
            let certificate = "FT-2026-\(100 + index),2027-12-31"
            text +=
                "FARM-\(index),\(party),Bench farm \(index),farm,\(place),50000,kg,\(20 + index % 10),\(certificate),\n"
            if docks {
                text +=
                    "FARM-\(index)-DOCK,\(party),Bench farm \(index) dock,warehouse,\(place),,,,\(certificate),\(docksInSites ? "FARM-\(index)" : "")\n"
            }
        }
        try BenchFiles.write(path, Array(text.utf8))
    }

    /// One generated row: every third row starts a lot, produced at a farm, shipped to a mill, and received by the
    /// next farm, a minute apart.
    struct Row {
        let index: Int
        var lot: Int { index / 3 }
        var farm: String { "FARM-\(lot % facilityCount)" }
        var quantity: String { "\(500 + lot % 700).\(lot % 10)" }
        var time: String {
            let minute = index % 60
            let hour = (index / 60) % 24
            let day = 1 + (index / 1440) % 28
            return
                "2026-03-\(day < 10 ? "0" : "")\(day)T\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute):00+00:00"
        }
    }

    /// Writes `head`, the line of each of `rows` rows separated by `separator`, and `tail`, streaming in 1 MiB pieces;
    /// returns the file size.
    private static func writeRows(
        _ path: String, rows: Int, head: String, separator: String, tail: String, line: (Row) -> String
    ) throws(LedgerError) -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw LedgerError(.io, "cannot write \(path)")
        }
        defer { try? handle.close() }
        var buffer = head
        var written = 0
        for index in 0..<rows {
            buffer += (index == 0 ? "" : separator) + line(Row(index: index))
            if buffer.utf8.count >= 1 << 20 {
                handle.write(Data(buffer.utf8))
                written += buffer.utf8.count
                buffer = ""
            }
        }
        buffer += tail
        handle.write(Data(buffer.utf8))
        return written + buffer.utf8.count
    }

    /// Writes `rows` deterministic shipment rows, streaming; returns the file size. With `gs1Names` the product is
    /// named by its GTIN and each ship leaves from its farm's dock.
    static func writeShipments(_ path: String, rows: Int, gs1Names: Bool = false) throws(LedgerError) -> Int {
        let product = gs1Names ? gtin : "cocoa-beans"
        return try writeRows(
            path, rows: rows,
            head:
                "record_id,event,occurred_at,product,lot,quantity,unit,facility,shipment_id,destination,origin,unit_price,currency,carrier,serials\n",
            separator: "", tail: ""
        ) { row in
            let (lot, time, quantity) = (row.lot, row.time, row.quantity)
            switch row.index % 3 {
            case 0:
                let serials = lot % 4 == 0 ? "S\(lot)-1;S\(lot)-2" : ""
                return
                    "B-\(row.index),produce,\(time),\(product),LOT-\(lot),\(quantity),kg,\(row.farm),,,,,,,\(serials)\n"
            case 1:
                return
                    "B-\(row.index),ship,\(time),\(product),LOT-\(lot),\(quantity),kg,\(row.farm)\(gs1Names ? "-DOCK" : ""),SHP-\(lot),MILL-\(lot % 7),,2.\(lot % 90 + 10),USD,CARRIER-\(lot % 5),\n"
            default:
                return
                    "B-\(row.index),receive,\(time),\(product),LOT-\(lot),\(quantity),kg,FARM-\((lot + 1) % facilityCount),SHP-X\(lot),,\(row.farm),,,,\n"
            }
        }
    }

    /// Writes the rows of ``writeShipments(_:rows:gs1Names:)`` as one EPCIS 2.0 JSON-LD document, streaming: each row an
    /// `ObjectEvent` (commissioning, shipping or receiving) with the row's ID as `eventID`, the lot's LGTIN in its
    /// quantity list, the shipment as a `desadv` business transaction and the other place in the source or
    /// destination list. Prices, carriers and serials, which EPCIS has no field for, are left out. Returns the size.
    static func writeEPCISJSON(_ path: String, rows: Int) throws(LedgerError) -> Int {
        try writeRows(
            path, rows: rows,
            head: """
                {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
                 "schemaVersion": "2.0", "creationDate": "2026-03-01T00:00:00Z", "epcisBody": {"eventList": [

                """,
            separator: ",\n", tail: "\n]}}\n"
        ) { row in
            let lot = row.lot
            let common =
                #"{"type": "ObjectEvent", "eventID": "B-\#(row.index)", "eventTime": "\#(row.time)", "eventTimeZoneOffset": "+00:00", "#
                + #""quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-\#(lot)", "quantity": \#(row.quantity), "uom": "KGM"}], "#
            switch row.index % 3 {
            case 0:
                return common + #""action": "ADD", "bizStep": "commissioning", "bizLocation": {"id": "\#(row.farm)"}}"#
            case 1:
                return common
                    + #""action": "OBSERVE", "bizStep": "shipping", "bizLocation": {"id": "\#(row.farm)"}, "#
                    + #""bizTransactionList": [{"type": "desadv", "bizTransaction": "SHP-\#(lot)"}], "#
                    + #""destinationList": [{"type": "location", "destination": "MILL-\#(lot % 7)"}]}"#
            default:
                return common
                    + #""action": "OBSERVE", "bizStep": "receiving", "bizLocation": {"id": "FARM-\#((lot + 1) % facilityCount)"}, "#
                    + #""bizTransactionList": [{"type": "desadv", "bizTransaction": "SHP-X\#(lot)"}], "#
                    + #""sourceList": [{"type": "location", "source": "\#(row.farm)"}]}"#
            }
        }
    }
}
