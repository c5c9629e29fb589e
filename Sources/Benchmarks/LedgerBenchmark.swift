import Foundation
import Ingest
public import LedgerCore
import LedgerStorage
import LedgerSQLite
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
        let store = try SQLiteLedgerStore(path: folder.path("bench.sqlite"), create: true)
        let ledger = try await Ledger.create(
            store: store, origin: "bench.local/ledger", operatorKey: try Throughput.newKey(),
            clock: .fixed(epochSeconds: 1_830_297_600))
        let producer = try Throughput.newKey()
        _ = try await ledger.registerParticipant(
            id: "bench-producer", name: "Bench producer", role: .producer, publicKey: producer.publicKey)
        // The records' farms, registered first: the admission checks refuse a facility without master data.
        let facilitiesPath = folder.path("facilities.csv")
        try IngestBenchmark.writeFacilities(facilitiesPath, count: farms, party: "bench-producer")
        _ = try await ledger.ingest(
            FacilitiesCSV(path: facilitiesPath, recordedAt: Timestamp(epochSeconds: 1_830_297_600)),
            signedWith: producer)

        let contents = try records(events)
        let appendStart = Date()
        var offset = 0
        while offset < contents.count {
            let end = min(contents.count, offset + batch)
            _ = try await ledger.append(Array(contents[offset..<end]), signedWith: producer)
            offset = end
        }
        let appendSeconds = Date().timeIntervalSince(appendStart)
        let appendRate = Double(events) / appendSeconds
        log(
            String(
                format: "append     %10.0f events/s  (%.2f s)  = %.3f × sign rate", appendRate, appendSeconds,
                appendRate / signRate))

        let verifyStart = Date()
        let report = await ledger.verify()
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        if let failure = report.failure { throw failure }
        let verifyEventRate = Double(report.events) / verifySeconds
        log(
            String(
                format: "verify     %10.0f events/s  (%.2f s)  = %.3f × verify rate", verifyEventRate,
                verifySeconds, verifyEventRate / verifyRate))

        let peakMiB = Throughput.peakRSSMiB
        log(String(format: "peak RSS   %10.1f MiB", peakMiB))
        return .object(
            reference.json.merging([
                "events": .integer(events), "batch": .integer(batch), "cores": .integer(cores),
                "append_events_per_s": .number(String(format: "%.0f", appendRate)),
                "append_ratio_to_sign": .number(String(format: "%.4f", appendRate / signRate)),
                "verify_events_per_s": .number(String(format: "%.0f", verifyEventRate)),
                "verify_ratio_to_verify": .number(String(format: "%.4f", verifyEventRate / verifyRate)),
                "peak_rss_mib": .number(String(format: "%.1f", peakMiB)),
            ]) { _, new in new })
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
