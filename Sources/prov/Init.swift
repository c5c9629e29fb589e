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
            Writes the ledger file, the operator's private key LEDGER.operator.pem (mode 0600) and its public key \
            LEDGER.operator.pub.pem beside it. Refuses to overwrite any of them. The genesis block registers the \
            operator; give the public key to consumers so they can check proofs offline.
            """)

    @OptionGroup var options: LedgerOptions

    @Option(help: "The log's name in signed checkpoints (no spaces).")
    var origin = "provenance.local/ledger"

    @Option(help: "The operator's display name.")
    var operatorName = "Ledger operator"

    @Option(
        help: ArgumentHelp(
            "Use this existing PEM private key as the operator key instead of generating one.", valueName: "PEM"))
    var operatorKey: String?

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            for path in [options.ledger, options.operatorKeyPath, options.operatorPublicKeyPath]
            where FileManager.default.fileExists(atPath: path) {
                throw LedgerError(
                    .alreadyExists, "\(path) already exists; 'prov init' never overwrites a ledger or a key")
            }
            let key: Ed25519.PrivateKey
            do {
                key =
                    try operatorKey.map { path throws(LedgerError) in try readPrivateKey(path) }
                    ?? Ed25519.PrivateKey.generate()
                try writeNewFile(options.operatorKeyPath, Array(key.pemRepresentation().utf8), secret: true)
                try writeNewFile(options.operatorPublicKeyPath, Array(key.publicKey.pemRepresentation().utf8))
            } catch let error as CryptoError {
                throw LedgerError(.invalidState, error.reason)
            } catch let error as LedgerError {
                throw error
            } catch {
                throw LedgerError(.io, "\(error)")
            }
            let store = try SQLiteLedgerStore(path: options.ledger, create: true)
            let ledger = try await Ledger.create(
                store: store, origin: origin, operatorKey: key, operatorName: operatorName,
                clock: .fromEnvironment(ProcessInfo.processInfo.environment))
            print("Created ledger \(options.ledger)")
            print("  origin:           \(ledger.metadata.origin)")
            print("  operator key:     \(options.operatorKeyPath) (private, mode 0600)")
            print("  operator pub key: \(options.operatorPublicKeyPath)")
            print("  verifier key:     \(try ledger.noteVerifier.verifierKey)")
            print(try await ledger.latestCheckpoint().serialized, terminator: "")
        }
    }
}
