import Foundation
public import LedgerCore
public import LedgerCrypto
public import Provenance

/// Private keys the server holds for participants who asked it to sign their raw batches (a CSV,
/// shipment XML or EPCIS body posted to `/v1/batches`), by participant ID.
///
/// Holding a producer's key lets the server sign as that producer, so this is opt-in, per
/// participant, and made by the operator: `prov serve --signing-keys DIR`. Without it the server
/// holds no private key but the operator's, and producers post events they signed themselves.
public struct SigningKeys: Sendable {
    private let keys: [String: Ed25519.PrivateKey]

    /// No keys: the server signs for nobody.
    public static let none = SigningKeys(keys: [:])

    init(keys: [String: Ed25519.PrivateKey]) {
        self.keys = keys
    }

    /// The participants the server signs for, sorted.
    public var participants: [String] { keys.keys.sorted() }

    public var isEmpty: Bool { keys.isEmpty }

    /// The key held for `participant`.
    public func key(for participant: String) -> Ed25519.PrivateKey? { keys[participant] }

    /// Every `*.pem` private key in `directory`, each matched to the participant registered with
    /// its public key.
    ///
    /// - Throws: ``LedgerError`` `io` if the folder or a file cannot be read, `invalidRecord` for a
    ///   file that is not an Ed25519 private key, `unknownSigner` for a key no participant is
    ///   registered with (each naming the file).
    public static func load(directory: String, ledger: Ledger) async throws(LedgerError) -> SigningKeys {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pem") }
                .sorted()
        } catch {
            throw LedgerError(.io, "cannot read the signing-keys folder \(directory)")
        }
        let participants = try await ledger.participants()
        var keys = [String: Ed25519.PrivateKey]()
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw LedgerError(.io, "cannot read \(path)")
            }
            let key: Ed25519.PrivateKey
            do {
                key = try Ed25519.PrivateKey(pem: text)
            } catch {
                throw LedgerError(
                    .invalidRecord, "\(path) is not an Ed25519 private key (PEM, PKCS#8): \(error.reason)")
            }
            guard let participant = participants.first(where: { $0.publicKey == key.publicKey }) else {
                throw LedgerError(.unknownSigner, "\(path): no participant is registered with this key")
            }
            keys[participant.id] = key
        }
        return SigningKeys(keys: keys)
    }
}
