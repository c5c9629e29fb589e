import ArgumentParser
import Dispatch
import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput against references measured in the same run.",
        subcommands: [LedgerBench.self, IngestBench.self, ModelsBench.self, DetectionBench.self],
        defaultSubcommand: LedgerBench.self)

    static func key() throws(LedgerError) -> Ed25519.PrivateKey {
        do {
            return try Ed25519.PrivateKey.generate()
        } catch {
            throw LedgerError(.invalidState, error.reason)
        }
    }

    static func sign(_ key: Ed25519.PrivateKey, _ message: [UInt8]) throws(LedgerError) -> [UInt8] {
        do {
            return try key.signature(for: message)
        } catch {
            throw LedgerError(.invalidState, error.reason)
        }
    }

    /// OpenSSL's Ed25519 sign and verify rates on all cores, measured two ways: through the same
    /// EVP calls the ledger uses, on a statement-sized message, and by `openssl speed -multi`
    /// (OpenSSL's own loop on a short message), when the `openssl` command is installed. The
    /// higher of the two is the reference, so that ratios never flatter the ledger.
    struct Reference {
        let inProcess: (sign: Double, verify: Double)
        let openSSLSpeed: (sign: Double, verify: Double)?

        var sign: Double { max(inProcess.sign, openSSLSpeed?.sign ?? 0) }
        var verify: Double { max(inProcess.verify, openSSLSpeed?.verify ?? 0) }

        static func measure(seconds: Double, cores: Int) throws(LedgerError) -> Reference {
            let key = try key()
            let message = [UInt8](repeating: 0x61, count: 420)
            let signature = try Bench.sign(key, message)
            let signRate = Bench.measure(seconds: seconds, cores: cores) { _ = try? key.signature(for: message) }
            let verifyRate = Bench.measure(seconds: seconds, cores: cores) {
                _ = key.publicKey.isValidSignature(signature, for: message)
            }
            return Reference(
                inProcess: (signRate, verifyRate), openSSLSpeed: openSSLSpeed(seconds: seconds, cores: cores))
        }

        /// The lines a benchmark prints about the reference.
        var lines: [String] {
            var lines = [
                String(
                    format:
                        "reference  OpenSSL Ed25519 sign   %10.0f /s, verify %10.0f /s (in process, 420-byte message)",
                    inProcess.sign, inProcess.verify)
            ]
            if let speed = openSSLSpeed {
                lines.append(
                    String(
                        format: "reference  OpenSSL Ed25519 sign   %10.0f /s, verify %10.0f /s (openssl speed)",
                        speed.sign, speed.verify))
            } else {
                lines.append("reference  openssl speed: not available (no openssl command)")
            }
            return lines
        }

        /// The reference's members of a benchmark's JSON.
        var json: [String: JSONValue] {
            var members: [String: JSONValue] = [
                "openssl_sign_per_s": .number(String(format: "%.0f", sign)),
                "openssl_verify_per_s": .number(String(format: "%.0f", verify)),
                "in_process_sign_per_s": .number(String(format: "%.0f", inProcess.sign)),
                "in_process_verify_per_s": .number(String(format: "%.0f", inProcess.verify)),
            ]
            if let speed = openSSLSpeed {
                members["openssl_speed_sign_per_s"] = .number(String(format: "%.0f", speed.sign))
                members["openssl_speed_verify_per_s"] = .number(String(format: "%.0f", speed.verify))
            }
            return members
        }

        /// `openssl speed -mr -seconds S -multi N ed25519`: its summary line
        /// `+F6:0:253:Ed25519:SIGN:VERIFY` carries the rates summed over the processes.
        static func openSSLSpeed(seconds: Double, cores: Int) -> (sign: Double, verify: Double)? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "speed", "-mr", "-seconds", String(max(1, Int(seconds.rounded()))), "-multi", String(cores),
                "ed25519",
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            // `openssl speed` times itself with SIGALRM, and a child starts with its parent
            // thread's signal mask: this thread's blocks nearly every signal, so it is cleared
            // while the child is started.
            var unblocked = sigset_t()
            var previous = sigset_t()
            sigemptyset(&unblocked)
            pthread_sigmask(SIG_SETMASK, &unblocked, &previous)
            let started = (try? process.run()) != nil
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            guard started else { return nil }
            let bytes = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return parseSpeed(String(decoding: bytes, as: UTF8.self))
        }

        static func parseSpeed(_ output: String) -> (sign: Double, verify: Double)? {
            for line in output.split(separator: "\n").reversed() where line.hasPrefix("+F6:") {
                let fields = line.split(separator: ":")
                guard fields.count >= 6, let sign = Double(fields[4]), let verify = Double(fields[5]), sign > 0,
                    verify > 0
                else { return nil }
                return (sign, verify)
            }
            return nil
        }
    }

    /// The process's peak resident set size so far, in MiB.
    static var peakRSSMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Operations per second of `operation` run on `cores` threads for about `seconds`.
    static func measure(seconds: Double, cores: Int, _ operation: @escaping @Sendable () -> Void) -> Double {
        let deadline = Date().addingTimeInterval(seconds)
        let counts = WorkerCounts(cores)
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            var done = 0
            while Date() < deadline {
                for _ in 0..<200 { operation() }
                done += 200
            }
            counts.set(worker, done)
        }
        return Double(counts.total) / Date().timeIntervalSince(start)
    }
}

struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Measure append and verify throughput against OpenSSL's raw Ed25519 rates, in the same run.",
        discussion: """
            Measures, on all cores: OpenSSL Ed25519 sign and verify rates on a statement-sized message (the reference); \
            then appending --events generated records in blocks of --batch (signing, admission checks, SQLite writes) \
            and 'verify' over the result. Reports events/s, each as a ratio to the reference, and the process's peak RSS.
            """)

    @Option(help: "Events to append and verify.") var events = 100_000
    @Option(help: "Events per appended block.") var batch = 10_000
    @Option(help: "Seconds to measure each reference rate.") var referenceSeconds = 3.0
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let log: (String) -> Void = { line in if !json { print(line) } }
            log("Provenance benchmark: \(events) events in blocks of \(batch), \(cores) cores")

            let reference = try Bench.Reference.measure(seconds: referenceSeconds, cores: cores)
            reference.lines.forEach(log)
            let (signRate, verifyRate) = (reference.sign, reference.verify)

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "prov-bench-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteLedgerStore(path: directory.appendingPathComponent("bench.sqlite").path, create: true)
            let ledger = try await Ledger.create(
                store: store, origin: "bench.local/ledger", operatorKey: try Bench.key(),
                clock: .fixed(epochSeconds: 1_830_297_600))
            let producer = try Bench.key()
            _ = try await ledger.registerParticipant(
                id: "bench-producer", name: "Bench producer", role: .producer, publicKey: producer.publicKey)

            let contents = try Self.records(events)
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

            let peakMiB = Bench.peakRSSMiB
            log(String(format: "peak RSS   %10.1f MiB", peakMiB))
            if json {
                printJSON(
                    .object(
                        reference.json.merging([
                            "events": .integer(events), "batch": .integer(batch), "cores": .integer(cores),
                            "append_events_per_s": .number(String(format: "%.0f", appendRate)),
                            "append_ratio_to_sign": .number(String(format: "%.4f", appendRate / signRate)),
                            "verify_events_per_s": .number(String(format: "%.0f", verifyEventRate)),
                            "verify_ratio_to_verify": .number(String(format: "%.4f", verifyEventRate / verifyRate)),
                            "peak_rss_mib": .number(String(format: "%.1f", peakMiB)),
                        ]) { _, new in new }))
            }
        }
    }

    /// Generated produce and ship records, deterministic.
    static func records(_ count: Int) throws(LedgerError) -> [EventContent] {
        var contents = [EventContent]()
        contents.reserveCapacity(count)
        for index in 0..<count {
            let lot = "LOT-\(index / 2)"
            var fields: [String: JSONValue] = [
                "product": "cocoa-beans", "lot": .string(lot), "facility": .string("FARM-\(index % 97)"), "unit": "kg",
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

/// Per-worker counters written once each from `concurrentPerform`.
private final class WorkerCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]
    init(_ workers: Int) { counts = Array(repeating: 0, count: workers) }
    func set(_ worker: Int, _ value: Int) { lock.withLock { counts[worker] = value } }
    var total: Int { lock.withLock { counts.reduce(0, +) } }
}
