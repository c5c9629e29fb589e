import Foundation
import Ingest
public import LedgerCore
import Provenance
import SampleNetwork

/// How long the regulatory reports take on a large ledger (`prov bench reports`): the EU deforestation statement of a
/// lot whose history spans many harvests and plots, and the FSMA 204 spreadsheet of a month of events.
public enum ReportsBenchmark {
    public struct Configuration: Sendable {
        /// Lots of the generated network the reports read (87,000 make about a million events).
        public var lots: Int
        /// Harvests of the statement's lot, each from one of `plots` point plots of one farm.
        public var harvests: Int
        public var plots: Int
        /// Days of the spreadsheet's range, from the middle of the network's span.
        public var days: Int
        /// The folder that keeps the network, the ledger and the reports; nil for a temporary one.
        public var keep: String?

        public init(lots: Int, harvests: Int, plots: Int, days: Int, keep: String?) {
            self.lots = lots
            self.harvests = harvests
            self.plots = plots
            self.days = days
            self.keep = keep
        }
    }

    /// The statement's lot.
    static let lot = "EUDR-BENCH"

    /// Generates the network, loads it, adds the statement's plots and harvests, brings the query index up to date,
    /// then times each report as its command makes it (the files' bytes, not their writing) and measures its peak
    /// resident memory on its own. Logs each step and returns the figures.
    public static func run(_ configuration: Configuration, log: (String) -> Void) async throws(LedgerError) -> JSONValue
    {
        guard configuration.harvests >= 1, configuration.plots >= 1, configuration.days >= 1 else {
            throw LedgerError(.invalidRecord, "the harvests, the plots and the days must each be at least 1")
        }
        let folder = BenchFiles.RunFolder(kept: configuration.keep, prefix: "prov-reports")
        defer { folder.removeUnlessKept() }
        try BenchFiles.createDirectory(folder.url.path)
        let network = folder.path("network")
        // Denser than the generator's default (250 lots a day over at least a year), so that a month holds over
        // 100,000 events at 100,000 lots.
        let generation = SampleNetwork.Configuration(
            lots: configuration.lots, seed: 7, maximumLotsPerDay: 320, minimumDays: 300)
        var started = Date()
        _ = try SampleNetwork.write(generation, to: network, replacingExisting: true) { _, _ in }
        let (ledger, _) = try await DetectionBenchmark.load(
            network: network, ledgerPath: folder.path("ledger.sqlite"),
            operatorKeyPath: folder.path("ledger.operator.pem"))
        let loaded = try await ledger.treeSize()
        log(
            String(
                format: "network    %d lots, %d events, generated and loaded in %.1f s", configuration.lots, loaded,
                Date().timeIntervalSince(started)))

        // The statement's lot: harvests at one producer's first farm, spread over its plots.
        let middle = generation.start.epochSeconds + Int64(generation.days) * 86_400 / 2
        let farm = try farm(network)
        started = Date()
        let plotsPath = folder.path("plots.geojson")
        try BenchFiles.write(plotsPath, plotsGeoJSON(farm, count: configuration.plots))
        let harvestsPath = folder.path("harvests.csv")
        try BenchFiles.write(
            harvestsPath, harvestsCSV(farm, count: configuration.harvests, plots: configuration.plots, from: middle))
        let key = try BenchFiles.readPrivateKey(network + "/" + farm.keyFile)
        _ = try await ledger.ingest(
            PlotsGeoJSON(path: plotsPath, party: farm.party, recordedAt: Timestamp(epochSeconds: middle)),
            signedWith: key, options: IngestOptions(recordIDsNameContent: true))
        _ = try await ledger.ingest(ShipmentCSV(path: harvestsPath), signedWith: key)
        log(
            String(
                format: "lot        %@: %d harvests from %d plots of %@ (%@), added in %.1f s", lot,
                configuration.harvests, configuration.plots, farm.id, farm.party, Date().timeIntervalSince(started)))

        started = Date()
        try await ledger.updateQueryIndex(view: EPCISQueryView())
        let indexSeconds = Date().timeIntervalSince(started)
        log(
            String(
                format: "index      the query index brought up to date in %.1f s (before the range report)",
                indexSeconds))

        // Each report on its own: its time, and its peak resident memory from what the process holds before it.
        let eudr = try await measure { () async throws(LedgerError) in
            try await ledger.eudrStatement(of: lot)
        }
        let statement = eudr.result
        try BenchFiles.write(folder.path(statement.baseName + ".geojson"), statement.geoJSON)
        try BenchFiles.write(folder.path(statement.baseName + ".json"), statement.summary)
        try BenchFiles.write(folder.path(statement.baseName + ".proofs"), statement.proofs)
        log(
            String(
                format: "eudr       %@: %d plots, %d harvests, %d proof bundles in %.2f s%@", lot,
                statement.origins.plots.count, statement.origins.harvests.count, statement.origins.evidence.count,
                eudr.seconds, eudr.peak.map { String(format: ", peak RSS %.1f MiB", $0) } ?? ""))

        let from = Timestamp(epochSeconds: middle)
        let until = Timestamp(epochSeconds: middle + Int64(configuration.days) * 86_400)
        let fsma = try await measure { () async throws(LedgerError) in
            let report = try await ledger.fsma204Report(from: from, until: until, view: EPCISQueryView())
            return (rows: report.rows.count, bytes: Array(report.csv.utf8))
        }
        try BenchFiles.write(folder.path("fsma204.csv"), fsma.result.bytes)
        log(
            String(
                format: "fsma204    %@ to %@: %d rows in %.2f s%@", from.utc, until.utc, fsma.result.rows, fsma.seconds,
                fsma.peak.map { String(format: ", peak RSS %.1f MiB", $0) } ?? ""))

        func figures(_ seconds: Double, _ peak: Double?) -> [String: JSONValue] {
            [
                "seconds": .string(String(format: "%.3f", seconds)),
                "peak_rss_mib": peak.map { .string(String(format: "%.1f", $0)) } ?? .null,
            ]
        }
        return .object([
            "lots": .integer(configuration.lots), "events": .integer(loaded),
            "query_index_seconds": .string(String(format: "%.1f", indexSeconds)),
            "eudr": .object(
                figures(eudr.seconds, eudr.peak).merging([
                    "lot": .string(lot), "harvests": .integer(statement.origins.harvests.count),
                    "plots": .integer(statement.origins.plots.count),
                    "proof_bundles": .integer(statement.origins.evidence.count),
                ]) { first, _ in first }),
            "fsma204": .object(
                figures(fsma.seconds, fsma.peak).merging([
                    "from": .string(from.utc), "to": .string(until.utc), "rows": .integer(fsma.result.rows),
                ]) { first, _ in first }),
        ])
    }

    /// Runs `work` once, timing it and measuring its peak resident memory (nil where that cannot be reset).
    private static func measure<T>(_ work: () async throws(LedgerError) -> T) async throws(LedgerError) -> (
        result: T, seconds: Double, peak: Double?
    ) {
        let reset = Throughput.resetPeakRSS()
        let started = Date()
        let result = try await work()
        let seconds = Date().timeIntervalSince(started)
        return (result, seconds, reset ? Throughput.peakRSSSinceResetMiB : nil)
    }

    /// A producer's farm: its ID, party, country and coordinates, and the party's key file.
    struct Farm {
        let id: String
        let party: String
        let country: String
        let latitude: Double
        let longitude: Double
        let keyFile: String
    }

    /// The first farm of the network's first producer.
    static func farm(_ network: String) throws(LedgerError) -> Farm {
        for participant in try BenchFiles.readCSVRows(network + "/participants.csv").dropFirst()
        where participant.count >= 4 && participant[2] == "producer" {
            let facilities = network + "/facilities/\(participant[0]).csv"
            guard FileManager.default.fileExists(atPath: facilities) else { continue }
            for row in try BenchFiles.readCSVRows(facilities).dropFirst() where row.count >= 7 && row[3] == "farm" {
                guard let latitude = Double(row[5]), let longitude = Double(row[6]) else { continue }
                return Farm(
                    id: row[0], party: participant[0], country: row[4], latitude: latitude, longitude: longitude,
                    keyFile: participant[3])
            }
        }
        throw LedgerError(.invalidState, "the generated network has no producer with a farm")
    }

    /// `count` point plots of 2.5 ha around the farm, each 0.001° from the next.
    static func plotsGeoJSON(_ farm: Farm, count: Int) -> [UInt8] {
        let features = (0..<count).map { index -> String in
            let longitude = String(format: "%.6f", farm.longitude + Double(index % 100) * 0.001)
            let latitude = String(format: "%.6f", farm.latitude + Double(index / 100) * 0.001)
            return #"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [\#(longitude), \#(latitude)]}, "#
                + #""properties": {"plot_id": "\#(plotID(index))", "farm": "\#(farm.id)", "area_ha": 2.5, "#
                + #""commodity": "cocoa", "country": "\#(farm.country)", "established": "2015-03-01"}}"#
        }
        return Array(
            (#"{"type": "FeatureCollection", "features": ["# + features.joined(separator: ",\n") + "]}\n").utf8)
    }

    static func plotID(_ index: Int) -> String { "\(lot)-PLOT-\(index + 1)" }

    /// `count` harvests of the statement's lot, a minute apart from `from`, each from one plot in turn.
    static func harvestsCSV(_ farm: Farm, count: Int, plots: Int, from: Int64) -> [UInt8] {
        var text = "record_id,event,occurred_at,product,lot,quantity,unit,facility,plots\n"
        for index in 0..<count {
            let time = Timestamp(epochSeconds: from + Int64(index) * 60).utc
            text += "\(lot)-H-\(index + 1),produce,\(time),cocoa-beans,\(lot),\(100 + index % 50),kg,\(farm.id),"
            text += plotID(index % plots) + "\n"
        }
        return Array(text.utf8)
    }
}
