import Foundation
import Ingest
public import LedgerCore
public import LedgerStorage
import LedgerPostgres
import Provenance

/// Append and verify throughput against OpenSSL's Ed25519 rates measured in the same run (`prov bench ledger`).
public enum LedgerBenchmark {
    public struct Configuration: Sendable {
        /// Records to append and verify.
        public var events: Int
        /// Records per appended block.
        public var batch: Int
        /// Seconds to measure each reference rate.
        public var referenceSeconds: Double
        /// A PostgreSQL database to append the same records to and verify as well (its tables are dropped before and
        /// after), whose rates are reported as ratios to the SQLite ledger's.
        public var postgres: PostgresAddress?

        public init(events: Int, batch: Int, referenceSeconds: Double) {
            self.events = events
            self.batch = batch
            self.referenceSeconds = referenceSeconds
        }
    }

    /// Measures the reference, appends the generated records to a new ledger in a temporary folder and verifies it;
    /// logs a line per figure and returns them all as JSON.
    public static func run(_ configuration: Configuration, log: (String) -> Void) async throws(LedgerError)
        -> JSONValue
    {
        let (events, batch) = (configuration.events, configuration.batch)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        log("Provenance benchmark: \(events) events in blocks of \(batch), \(cores) cores")

        let reference = try SigningReference.measure(seconds: configuration.referenceSeconds, cores: cores)
        reference.lines.forEach(log)
        let (signRate, verifyRate) = (reference.sign, reference.verify)

        let folder = BenchFiles.RunFolder(kept: nil, prefix: "prov-bench")
        try BenchFiles.createDirectory(folder.url.path)
        defer { folder.removeUnlessKept() }
        let facilitiesPath = folder.path("facilities.csv")
        try IngestBenchmark.writeFacilities(facilitiesPath, count: farms, party: "bench-producer")
        let contents = try records(events)

        let sqlite = try await measure(
            on: .sqlite(path: folder.path("bench.sqlite")), contents: contents, batch: batch,
            facilities: facilitiesPath)
        let appendRate = Double(events) / sqlite.append
        let verifyEventRate = Double(sqlite.verified) / sqlite.verify
        log(
            String(
                format: "append     %10.0f events/s  (%.2f s)  = %.3f × sign rate", appendRate, sqlite.append,
                appendRate / signRate))
        log(
            String(
                format: "verify     %10.0f events/s  (%.2f s)  = %.3f × verify rate", verifyEventRate,
                sqlite.verify, verifyEventRate / verifyRate))
        var figures: [String: JSONValue] = [
            "events": .integer(events), "batch": .integer(batch), "cores": .integer(cores),
            "append_events_per_s": .number(String(format: "%.0f", appendRate)),
            "append_ratio_to_sign": .number(String(format: "%.4f", appendRate / signRate)),
            "verify_events_per_s": .number(String(format: "%.0f", verifyEventRate)),
            "verify_ratio_to_verify": .number(String(format: "%.4f", verifyEventRate / verifyRate)),
        ]

        if let postgres = configuration.postgres {
            try await IngestBenchmark.removeLedger(.postgres(postgres))
            let measured = try await measure(
                on: .postgres(postgres), contents: contents, batch: batch, facilities: facilitiesPath)
            try await IngestBenchmark.removeLedger(.postgres(postgres))
            let postgresAppend = Double(events) / measured.append
            let postgresVerify = Double(measured.verified) / measured.verify
            log(
                String(
                    format: "PostgreSQL append %10.0f events/s (%.2f s) = %.3f × SQLite's, %.3f × sign rate",
                    postgresAppend, measured.append, postgresAppend / appendRate, postgresAppend / signRate))
            log(
                String(
                    format: "PostgreSQL verify %10.0f events/s (%.2f s) = %.3f × SQLite's, %.3f × verify rate",
                    postgresVerify, measured.verify, postgresVerify / verifyEventRate, postgresVerify / verifyRate))
            figures["postgres_append_events_per_s"] = .number(String(format: "%.0f", postgresAppend))
            figures["postgres_append_ratio_to_sqlite"] = .number(String(format: "%.4f", postgresAppend / appendRate))
            figures["postgres_verify_events_per_s"] = .number(String(format: "%.0f", postgresVerify))
            figures["postgres_verify_ratio_to_sqlite"] = .number(
                String(format: "%.4f", postgresVerify / verifyEventRate))
        }

        let peakMiB = Throughput.peakRSSMiB
        log(String(format: "peak RSS   %10.1f MiB", peakMiB))
        figures["peak_rss_mib"] = .number(String(format: "%.1f", peakMiB))
        return .object(reference.json.merging(figures) { _, new in new })
    }

    /// Creates a ledger at `address`, registers the producer and its farms, appends `contents` in blocks of `batch`
    /// and verifies the ledger: the seconds each took, and the events verified.
    static func measure(on address: LedgerAddress, contents: [EventContent], batch: Int, facilities: String)
        async throws(LedgerError) -> (append: Double, verify: Double, verified: Int)
    {
        let ledger = try await Ledger.create(
            at: address, origin: "bench.local/ledger", operatorKey: try Throughput.newKey(),
            clock: .fixed(epochSeconds: 1_830_297_600))
        let producer = try Throughput.newKey()
        _ = try await ledger.registerParticipant(
            id: "bench-producer", name: "Bench producer", role: .producer, publicKey: producer.publicKey)
        // The records' farms, registered first: the admission checks refuse a facility without master data.
        _ = try await ledger.ingest(
            FacilitiesCSV(path: facilities, recordedAt: Timestamp(epochSeconds: 1_830_297_600)), signedWith: producer)
        let appendStart = Date()
        var offset = 0
        while offset < contents.count {
            let end = min(contents.count, offset + batch)
            _ = try await ledger.append(Array(contents[offset..<end]), signedWith: producer)
            offset = end
        }
        let append = Date().timeIntervalSince(appendStart)
        let verifyStart = Date()
        let report = await ledger.verify()
        let verify = Date().timeIntervalSince(verifyStart)
        if let failure = report.failure { throw failure }
        return (append, verify, report.events)
    }

    /// The farms the records are spread over.
    static let farms = 97

    /// Generated produce and ship records, deterministic.
    static func records(_ count: Int) throws(LedgerError) -> [EventContent] {
        var contents = [EventContent]()
        contents.reserveCapacity(count)
        for index in 0..<count {
            let lot = "LOT-\(index / 2)"
            var fields: [String: JSONValue] = [
                "product": "cocoa-beans", "lot": .string(lot), "facility": .string("FARM-\(index % farms)"),
                "unit": "kg",
                "quantity": .string("\(1000 + index % 500).5"), "unit_price": "2.61", "currency": "USD",
            ]
            let kind: EventKind = index % 2 == 0 ? .produce : .ship
            if kind == .ship {
                fields["shipment_id"] = .string("SHP-\(index)")
                fields["destination"] = .string("MILL-\(index % 13)")
                fields["carrier"] = "CARRIER-1"
            }
            let occurred = Timestamp(epochSeconds: 1_767_225_600 + Int64(index) * 60, offsetMinutes: 120)
            contents.append(try EventContent(kind: kind, recordID: "R-\(index)", occurredAt: occurred, fields: fields))
        }
        return contents
    }
}
