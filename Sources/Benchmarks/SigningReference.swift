import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import LedgerCore
public import LedgerCrypto

/// OpenSSL's Ed25519 sign and verify rates on all cores, measured two ways: through the same
/// EVP calls the ledger uses, on a statement-sized message, and by `openssl speed -multi`
/// (OpenSSL's own loop on a short message), when the `openssl` command is installed. The
/// higher of the two is the reference, so that ratios never flatter the ledger.
public struct SigningReference: Sendable {
    public let inProcess: (sign: Double, verify: Double)
    public let openSSLSpeed: (sign: Double, verify: Double)?

    public var sign: Double { max(inProcess.sign, openSSLSpeed?.sign ?? 0) }
    public var verify: Double { max(inProcess.verify, openSSLSpeed?.verify ?? 0) }

    public static func measure(seconds: Double, cores: Int) throws(LedgerError) -> SigningReference {
        let key = try Throughput.newKey()
        let message = [UInt8](repeating: 0x61, count: 420)
        let signature = try Throughput.sign(key, message)
        let signRate = Throughput.measure(seconds: seconds, cores: cores) { _ = try? key.signature(for: message) }
        let verifyRate = Throughput.measure(seconds: seconds, cores: cores) {
            _ = key.publicKey.isValidSignature(signature, for: message)
        }
        return SigningReference(
            inProcess: (signRate, verifyRate), openSSLSpeed: openSSLSpeed(seconds: seconds, cores: cores))
    }

    /// The lines a benchmark prints about the reference.
    public var lines: [String] {
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
    public var json: [String: JSONValue] {
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

/// Rates of operations on all cores, keys for benchmark ledgers, and the process's memory.
public enum Throughput {
    public static func newKey() throws(LedgerError) -> Ed25519.PrivateKey {
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

    /// Returns the heap's free pages to the system (glibc's `malloc_trim`, looked up at run time: Swift's Glibc
    /// module does not declare it); nothing elsewhere.
    private static func returnFreeHeapPages() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }

    /// Writes every file system's dirty pages to disk (`sync`).
    static func flushFileSystems() {
        sync()
    }

    /// The process's peak resident set size so far, in MiB.
    public static var peakRSSMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Starts measuring a new peak resident set from what the process holds now (Linux: `clear_refs` 5 resets the
    /// high-water mark that ``peakRSSSinceResetMiB`` reads); false where that cannot be done.
    static func resetPeakRSS() -> Bool {
        // The heap's free pages go back to the system first, so that what earlier work freed is not counted.
        returnFreeHeapPages()
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// The peak resident set size since ``resetPeakRSS()`` (the kernel's `VmHWM`), in MiB; nil where it cannot be
    /// read.
    static var peakRSSSinceResetMiB: Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes / 1024
    }

    /// Operations per second of `operation` run on `cores` threads for about `seconds`.
    public static func measure(seconds: Double, cores: Int, _ operation: @escaping @Sendable () -> Void) -> Double {
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

/// Per-worker counters written once each from `concurrentPerform`.
private final class WorkerCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]
    init(_ workers: Int) { counts = Array(repeating: 0, count: workers) }
    func set(_ worker: Int, _ value: Int) { lock.withLock { counts[worker] = value } }
    var total: Int { lock.withLock { counts.reduce(0, +) } }
}
