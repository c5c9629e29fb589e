import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance

struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure CSV ingest throughput against OpenSSL's Ed25519 sign rate on all cores, in the same run.",
        discussion: """
            Writes a generated shipment CSV of --records rows (one producer, produce/ship/receive events over ten \
            facilities, prices, carriers, serials on some rows), measures OpenSSL's Ed25519 sign rate on all cores (the \
            reference), then imports the file into a new ledger as one block: parsing, validation, record-ID and \
            facility checks, signing, SQLite writes, Merkle tree, block seal and checkpoint. Reports records/s as a \
            ratio to the sign rate and the process's peak RSS, which stays bounded whatever the file size.

            It imports the file --rounds times each way, alternating, into new ledgers: with the admission checks \
            against the ledger (facility ownership and master data, lot makers, certificates, the time window; \
            docs/security.md) and without them, and reports what those checks cost as the share of records/s they \
            take, from the fastest import of each kind. The figures above are the fastest import with the checks.

            Then measures SQLite alone writing the same rows into a new file with the same schema (one \
            transaction, the same page cache), and reports the bound that signing (in process, on all \
            cores) and those writes (on one core, as the ingest's writer) set together: an ingest that \
            stores these rows in SQLite cannot be faster than that on this machine.
            """)

    @Option(help: "Rows in the generated CSV.") var records = 1_000_000
    @Option(help: "Seconds to measure the reference rate.") var referenceSeconds = 3.0
    @Option(help: "Imports with and without the admission checks, alternating, to measure what the checks cost.")
    var rounds = 2
    @Option(
        help: ArgumentHelp(
            "Keep the generated CSV and ledger in this folder instead of a temporary one.", valueName: "DIR"))
    var keep: String?
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let log: (String) -> Void = { line in if !json { print(line) } }
            log("Provenance ingest benchmark: \(records) CSV records, \(cores) cores")

            let directory =
                keep.map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("prov-bench-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
            let csvPath = directory.appendingPathComponent("shipments.csv").path
            let facilitiesPath = directory.appendingPathComponent("facilities.csv").path
            let ledgerPath = directory.appendingPathComponent("bench.sqlite").path
            try? FileManager.default.removeItem(atPath: ledgerPath)

            let generated = Date()
            try Self.writeFacilities(facilitiesPath)
            let bytes = try Self.writeShipments(csvPath, rows: records)
            log(
                String(
                    format: "generated  %@ (%.0f MB) in %.1f s", csvPath, Double(bytes) / 1e6,
                    Date().timeIntervalSince(generated)))

            let reference = try Bench.Reference.measure(seconds: referenceSeconds, cores: cores)
            reference.lines.forEach(log)
            let signRate = reference.sign

            let uncheckedPath = directory.appendingPathComponent("bench-unchecked.sqlite").path
            var seconds = Double.infinity
            var uncheckedSeconds = Double.infinity
            for round in 0..<max(1, rounds) {
                let showProgress = standardErrorIsTerminal && !json
                Self.removeLedger(uncheckedPath)
                uncheckedSeconds = min(
                    uncheckedSeconds,
                    try await Self.ingest(
                        csvPath, facilities: facilitiesPath, into: uncheckedPath, records: records, checks: false,
                        label: "unchecked \(round + 1)", showProgress: showProgress))
                Self.removeLedger(uncheckedPath)
                // The ledger of the last import with the checks is the one the storage reference copies.
                Self.removeLedger(ledgerPath)
                seconds = min(
                    seconds,
                    try await Self.ingest(
                        csvPath, facilities: facilitiesPath, into: ledgerPath, records: records, checks: true,
                        label: "ingest \(round + 1)", showProgress: showProgress))
            }
            let rate = Double(records) / seconds
            let uncheckedRate = Double(records) / uncheckedSeconds
            let admissionCost = 1 - rate / uncheckedRate
            let peak = Bench.peakRSSMiB
            log(
                String(
                    format: "ingest     %10.0f records/s (%.2f s) = %.3f × sign rate", rate, seconds, rate / signRate))
            log(
                String(
                    format: "admission  %10.0f records/s without the ledger's checks (%.2f s): they cost %.1f %%",
                    uncheckedRate, uncheckedSeconds, admissionCost * 100))
            log(String(format: "peak RSS   %10.1f MiB", peak))

            // The storage reference: SQLite alone writing the same rows, on one core as the
            // ingest's writer does. With signing it bounds what any ingest could reach here.
            let referencePath = directory.appendingPathComponent("storage-reference.sqlite").path
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
            if json {
                printJSON(
                    .object(
                        reference.json.merging([
                            "records": .integer(records), "cores": .integer(cores), "csv_bytes": .integer(bytes),
                            "ingest_records_per_s": .number(String(format: "%.0f", rate)),
                            "ingest_ratio_to_sign": .number(String(format: "%.4f", rate / signRate)),
                            "seconds": .number(String(format: "%.3f", seconds)),
                            "unchecked_records_per_s": .number(String(format: "%.0f", uncheckedRate)),
                            "admission_cost": .number(String(format: "%.4f", admissionCost)),
                            "rounds": .integer(max(1, rounds)),
                            "peak_rss_mib": .number(String(format: "%.1f", peak)),
                            "sqlite_rows": .integer(rows),
                            "sqlite_rows_per_s": .number(String(format: "%.0f", sqliteRate)),
                            "bound_records_per_s": .number(String(format: "%.0f", bound)),
                            "bound_ratio_to_sign": .number(String(format: "%.4f", bound / signRate)),
                        ]) { _, new in new }))
            }
        }
    }

    static let facilityCount = 10

    /// Removes the ledger file at `path` with its WAL and shared-memory files.
    static func removeLedger(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Imports the benchmark file into a new ledger at `path` (after its facilities), with or without the ledger's
    /// admission checks, and returns the seconds the shipments took.
    static func ingest(
        _ csvPath: String, facilities facilitiesPath: String, into path: String, records: Int, checks: Bool,
        label: String, showProgress: Bool
    ) async throws(LedgerError) -> Double {
        let clock = LedgerClock.fixed(epochSeconds: 1_830_297_600)
        let store = try SQLiteLedgerStore(path: path, create: true)
        let ledger = try await Ledger.create(
            store: store, origin: "bench.local/ledger", operatorKey: try Bench.key(), clock: clock)
        let producer = try Bench.key()
        _ = try await ledger.registerParticipant(
            id: "bench-farm", name: "Bench farm", role: .producer, publicKey: producer.publicKey)
        _ = try await ledger.ingest(FacilitiesCSV(path: facilitiesPath, recordedAt: clock()), signedWith: producer)

        var options = IngestOptions()
        options.admissionChecks = checks
        let started = Date()
        let summary = try await ledger.ingest(
            ShipmentCSV(path: csvPath), signedWith: producer, options: options,
            progress: ingestProgress(label: label, started: started, shown: showProgress))
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = Date().timeIntervalSince(started)
        guard summary.accepted == records else {
            throw LedgerError(.invalidState, "the benchmark file imported \(summary.accepted) of \(records) records")
        }
        return seconds
    }

    static func writeFacilities(_ path: String) throws(LedgerError) {
        var text =
            "facility_id,party,name,kind,country,latitude,longitude,capacity_per_day,unit,workers,certificate,certificate_expires\n"
        for index in 0..<facilityCount {
            text +=
                "FARM-\(index),bench-farm,Bench farm \(index),farm,GH,6.\(index)885,-1.6\(index)44,50000,kg,\(20 + index),FT-2026-00\(index),2027-12-31\n"
        }
        try writeFile(path, Array(text.utf8))
    }

    /// Writes `rows` deterministic shipment rows, streaming; returns the file size.
    static func writeShipments(_ path: String, rows: Int) throws(LedgerError) -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw LedgerError(.io, "cannot write \(path)")
        }
        defer { try? handle.close() }
        var buffer =
            "record_id,event,occurred_at,product,lot,quantity,unit,facility,shipment_id,destination,origin,unit_price,currency,carrier,serials\n"
        var written = 0
        for row in 0..<rows {
            let lot = row / 3
            let minute = row % 60
            let hour = (row / 60) % 24
            let day = 1 + (row / 1440) % 28
            let time =
                "2026-03-\(day < 10 ? "0" : "")\(day)T\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute):00+00:00"
            let facility = "FARM-\(lot % facilityCount)"
            let quantity = "\(500 + lot % 700).\(lot % 10)"
            switch row % 3 {
            case 0:
                let serials = lot % 4 == 0 ? "S\(lot)-1;S\(lot)-2" : ""
                buffer +=
                    "B-\(row),produce,\(time),cocoa-beans,LOT-\(lot),\(quantity),kg,\(facility),,,,,,,\(serials)\n"
            case 1:
                buffer +=
                    "B-\(row),ship,\(time),cocoa-beans,LOT-\(lot),\(quantity),kg,\(facility),SHP-\(lot),MILL-\(lot % 7),,2.\(lot % 90 + 10),USD,CARRIER-\(lot % 5),\n"
            default:
                buffer +=
                    "B-\(row),receive,\(time),cocoa-beans,LOT-\(lot),\(quantity),kg,FARM-\((lot + 1) % facilityCount),SHP-X\(lot),,FARM-\(lot % facilityCount),,,,\n"
            }
            if buffer.utf8.count >= 1 << 20 || row == rows - 1 {
                handle.write(Data(buffer.utf8))
                written += buffer.utf8.count
                buffer = ""
            }
        }
        return written
    }
}
