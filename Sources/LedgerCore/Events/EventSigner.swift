public import LedgerCrypto

/// Signs events as one participant with one key: builds each content's statement (sensitive fields
/// committed with salts derived from the key, see ``Disclosure``) and signs it.
///
/// The salt key is derived once, so a signer made for a batch costs nothing per event beyond the
/// event itself. Safe to share across threads.
public struct EventSigner: Sendable {
    /// The participant ID that signs.
    public let participant: String
    public let key: Ed25519.PrivateKey
    private let saltKey: SHA256.HMACKey

    public init(participant: String, key: Ed25519.PrivateKey) {
        self.participant = participant
        self.key = key
        saltKey = Disclosure.saltKey(for: key)
    }

    /// Signs `content`.
    public func sign(_ content: EventContent) throws(LedgerError) -> SignedEvent {
        let (statement, header, disclosures) = try statement(for: content)
        let signature: [UInt8]
        do {
            signature = try key.signature(for: statement)
        } catch {
            throw LedgerError(.invalidState, "cannot sign: \(error.reason)", context: ["record \(content.recordID)"])
        }
        return SignedEvent(statement: statement, signature: signature, header: header, disclosures: disclosures)
    }

    /// The ID `content` gets when signed, without signing it: what an importer compares with a
    /// stored record of the same record ID.
    public func id(of content: EventContent) throws(LedgerError) -> Digest {
        SHA256.hash(try statement(for: content).statement)
    }

    private func statement(
        for content: EventContent
    ) throws(LedgerError) -> (statement: [UInt8], header: SignedEvent.Header, disclosures: [String: Disclosure]) {
        try Self.statement(for: content, participant: participant, saltKey: saltKey)
    }

    /// The statement `participant` signs for `content`, its header and disclosures. Without a salt
    /// key only content without sensitive fields has a statement.
    static func statement(
        for content: EventContent, participant: String, saltKey: SHA256.HMACKey?
    ) throws(LedgerError) -> (statement: [UInt8], header: SignedEvent.Header, disclosures: [String: Disclosure]) {
        var disclosures = [String: Disclosure]()
        var commitments = [String: String]()
        for (name, value) in content.sensitiveFields {
            guard let saltKey else {
                throw LedgerError(
                    .invalidRecord, "a statement with sensitive fields needs the signer's key to derive their salts",
                    context: ["record \(content.recordID)"])
            }
            let salt = try Disclosure.salt(signer: participant, recordID: content.recordID, name: name, saltKey: saltKey)
            let disclosure = Disclosure(salt: salt, name: name, value: value)
            disclosures[name] = disclosure
            commitments[name] = try disclosure.digest()
        }
        let statementValue: JSONValue = .object([
            "v": .integer(SignedEvent.formatVersion),
            "kind": .string(content.kind.rawValue),
            "signer": .string(participant),
            "record_id": .string(content.recordID),
            "occurred_at": .string(content.occurredAt.utc),
            "occurred_offset": .string(content.occurredAt.offset),
            "fields": .object(content.publicFields),
            "commitments": .object(commitments.mapValues(JSONValue.string)),
        ])
        let statement: [UInt8]
        do {
            statement = try CanonicalJSON.encode(statementValue)
        } catch {
            throw LedgerError(.invalidRecord, error.reason, context: ["record \(content.recordID)"])
        }
        let header = SignedEvent.Header(
            kind: content.kind, signer: participant, recordID: content.recordID, occurredAt: content.occurredAt,
            publicFields: content.publicFields, commitments: commitments)
        return (statement, header, disclosures)
    }
}
