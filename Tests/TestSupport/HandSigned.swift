public import LedgerCore
public import LedgerCrypto

/// Events built by hand, as any client could build and sign them, including statements no adapter would write: for
/// tests that try the ledger's doors with them.
public enum HandSigned {
    /// The event `signer` signs with `key`: `fields` public, `sensitive` committed with fixed salts and disclosed
    /// (unless `dropDisclosures`).
    public static func event(
        kind: String, signer: String, recordID: String, occurredAt: String = "2026-06-01T07:00:00Z",
        fields: [String: JSONValue], sensitive: [String: JSONValue] = [:], key: Ed25519.PrivateKey,
        dropDisclosures: Bool = false
    ) throws -> SignedEvent {
        var disclosures = [Disclosure]()
        var commitments = [String: JSONValue]()
        for (offset, name) in sensitive.keys.sorted().enumerated() {
            let disclosure = Disclosure(
                salt: Base64.encodeURL(Array(repeating: UInt8(offset + 1), count: 16)), name: name,
                value: sensitive[name] ?? .null)
            commitments[name] = .string(try disclosure.digest())
            disclosures.append(disclosure)
        }
        let statement = try CanonicalJSON.encode([
            "v": .integer(1), "kind": .string(kind), "signer": .string(signer), "record_id": .string(recordID),
            "occurred_at": .string(occurredAt), "occurred_offset": "Z", "fields": .object(fields),
            "commitments": .object(commitments),
        ])
        return try SignedEvent(
            statement: statement, signature: try key.signature(for: statement),
            disclosures: dropDisclosures ? [] : disclosures)
    }
}
