import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new ledger and its operator key.",
        discussion: """
            Creates the ledger at --ledger (a SQLite file, or an empty PostgreSQL database) and its genesis block, \
            which registers the operator; give the operator's public key to consumers so they can check proofs \
            offline.

            A ledger file keeps its operator key beside it: the private key LEDGER.operator.pem (mode 0600) and the \
            public key LEDGER.operator.pub.pem, generated, or copied from --operator-key when that names an existing \
            key ($PROV_OPERATOR_KEY, if set, is used instead of LEDGER.operator.pem). A PostgreSQL ledger has no \
            folder, so it needs --operator-key (or $PROV_OPERATOR_KEY): an existing key there is used, and otherwise \
            a new one is written there with its public key as KEY.pub.pem. Refuses to overwrite a ledger file or a \
            key.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: "The log's name in signed checkpoints (no spaces).")
    var origin = "provenance.local/ledger"

    @Option(help: "The operator's display name.")
    var operatorName = "Ledger operator"

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let address = try options.address
            let environmentKey = ProcessInfo.processInfo.environment["PROV_OPERATOR_KEY"]
            // A ledger file keeps its key beside it (or at $PROV_OPERATOR_KEY), copied there from --operator-key;
            // a database's key stays where --operator-key names it.
            let keyPath: String
            var existingKey: String?
            if case .sqlite = address {
                keyPath = environmentKey ?? options.besideLedgerKeyPath ?? ""
                existingKey = options.operatorKeyOption
            } else {
                keyPath = try options.requireOperatorKeyPath()
                if FileManager.default.fileExists(atPath: keyPath) { existingKey = keyPath }
            }
            let publicKeyPath = Self.publicKeyPath(of: keyPath)
            let writesKey = existingKey != keyPath
            var written = writesKey ? [keyPath, publicKeyPath] : []
            if case .sqlite(let path) = address { written.insert(path, at: 0) }
            for path in written where FileManager.default.fileExists(atPath: path) {
                throw LedgerError(
                    .alreadyExists, "\(path) already exists; 'prov init' never overwrites a ledger or a key")
            }
            let key: Ed25519.PrivateKey
            do {
                key = try existingKey.map { path throws(LedgerError) in try readPrivateKey(path) } ?? .generate()
                if writesKey {
                    try writeNewFile(keyPath, Array(key.pemRepresentation().utf8), secret: true)
                    try writeNewFile(publicKeyPath, Array(key.publicKey.pemRepresentation().utf8))
                }
            } catch let error as CryptoError {
                throw LedgerError(.invalidState, error.reason)
            } catch let error as LedgerError {
                throw error
            } catch {
                throw LedgerError(.io, "\(error)")
            }
            let ledger: Ledger
            do throws(LedgerError) {
                ledger = try await Ledger.create(
                    at: address, origin: origin, operatorKey: key, operatorName: operatorName,
                    clock: .fromEnvironment(ProcessInfo.processInfo.environment))
            } catch {
                // Nothing half-made: a key written for a ledger that was not created goes with it.
                if writesKey {
                    for path in [keyPath, publicKeyPath] { try? FileManager.default.removeItem(atPath: path) }
                }
                throw error
            }
            print("Created ledger \(address)")
            print("  origin:           \(ledger.metadata.origin)")
            print("  operator key:     \(keyPath)\(writesKey ? " (private, mode 0600)" : "")")
            if writesKey { print("  operator pub key: \(publicKeyPath)") }
            print("  verifier key:     \(try ledger.noteVerifier.verifierKey)")
            print(try await ledger.latestCheckpoint().serialized, terminator: "")
        }
    }

    /// `op.pem` → `op.pub.pem`; any other name gains `.pub.pem`.
    static func publicKeyPath(of keyPath: String) -> String {
        (keyPath.hasSuffix(".pem") ? String(keyPath.dropLast(".pem".count)) : keyPath) + ".pub.pem"
    }
}
