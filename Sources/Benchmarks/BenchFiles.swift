import Foundation
import LedgerCore
import LedgerCrypto

/// The few file operations the benchmarks need, each failing with a ``LedgerError`` that names the file.
enum BenchFiles {
    static func readText(_ path: String, what: String) throws(LedgerError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.io, "cannot read the \(what) file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `bytes` to `path`, replacing it atomically; `secret` files get mode 0600.
    static func write(_ path: String, _ bytes: [UInt8], secret: Bool = false) throws(LedgerError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            if secret { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
        } catch {
            throw LedgerError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    static func createDirectory(_ path: String) throws(LedgerError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LedgerError(.io, "cannot create the folder \(path): \(error.localizedDescription)")
        }
    }

    static func readPrivateKey(_ path: String) throws(LedgerError) -> Ed25519.PrivateKey {
        let text = try readText(path, what: "key")
        do {
            return try Ed25519.PrivateKey(pem: text)
        } catch {
            throw LedgerError(.invalidRecord, "\(path): not an Ed25519 private key in PEM (\(error.reason))")
        }
    }

    /// The rows of a small CSV file without quoted commas (the generator's participants and labels).
    static func readCSVRows(_ path: String) throws(LedgerError) -> [[String]] {
        try readText(path, what: "CSV").split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// A folder for one run: `kept` when given, else a new temporary one that `removeUnlessKept` deletes.
    struct RunFolder {
        let url: URL
        let kept: Bool

        init(kept path: String?, prefix: String) {
            url =
                path.map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
            kept = path != nil
        }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        func removeUnlessKept() { if !kept { try? FileManager.default.removeItem(at: url) } }
    }
}
