public import LedgerCrypto

/// An event as the ledger holds it: the canonical signed statement, its signature, and the
/// disclosures (values and salts) of its sensitive fields, all or some of them.
///
/// The **statement** is the RFC 8785 canonical JSON object
/// `{"v":1,"kind":…,"signer":…,"record_id":…,"occurred_at":UTC,"occurred_offset":…,"fields":{public fields},"commitments":{name: digest}}`.
/// The event ID is SHA-256 of those bytes and the signer's Ed25519 signature covers them. See
/// `docs/encoding.md` for the exact rules.
public struct SignedEvent: Sendable, Hashable {
    /// Version of the statement format.
    public static let formatVersion = 1

    /// The canonical statement bytes; what is hashed and signed.
    public let statement: [UInt8]
    /// Ed25519 signature of ``statement`` by the signer's registered key.
    public let signature: [UInt8]
    /// SHA-256 of ``statement``.
    public let id: Digest
    /// The decoded statement.
    public let header: Header
    /// The disclosures present, each checked against its commitment; may be fewer than
    /// ``Header/commitments`` when some fields are withheld.
    public let disclosures: [String: Disclosure]

    /// The decoded fields of a statement.
    public struct Header: Sendable, Hashable {
        public let kind: EventKind
        public let signer: String
        public let recordID: String
        public let occurredAt: Timestamp
        public let publicFields: [String: JSONValue]
        /// Field name → base64url digest of its disclosure.
        public let commitments: [String: String]
    }

    /// Signs `content` as participant `signer` with `key`, deriving each sensitive field's salt.
    /// To sign many contents with one key, make one ``EventSigner``.
    public static func sign(_ content: EventContent, signer: String, key: Ed25519.PrivateKey) throws(LedgerError)
        -> SignedEvent
    {
        try EventSigner(participant: signer, key: key).sign(content)
    }

    /// The statement `signer` is to sign for `content` with a key this process does not hold (an officer's review,
    /// signed in the browser), and the disclosures of its sensitive fields. Their salts come from a key drawn at
    /// random for this statement, so that no reader can guess a withheld value from its digest; the client sends the
    /// disclosures back with its signature.
    public static func unsignedStatement(for content: EventContent, signer: String) throws(LedgerError) -> (
        statement: [UInt8], disclosures: [Disclosure]
    ) {
        let saltKey: SHA256.HMACKey
        do {
            saltKey = SHA256.HMACKey(try SecureRandom.bytes(32))
        } catch {
            throw LedgerError(.invalidState, "no random bytes for the disclosures' salts: \(error)")
        }
        let statement = try EventSigner.statement(for: content, participant: signer, saltKey: saltKey)
        return (statement.bytes, statement.disclosures.keys.sorted().compactMap { statement.disclosures[$0] })
    }

    /// An event whose parts this process has just built and so needs no re-checking.
    init(statement: [UInt8], signature: [UInt8], header: Header, disclosures: [String: Disclosure]) {
        self.statement = statement
        self.signature = signature
        self.id = SHA256.hash(statement)
        self.header = header
        self.disclosures = disclosures
    }

    /// Rebuilds an event from stored or transmitted parts, checking that the statement is
    /// canonical and well-formed and that every disclosure matches its commitment. The signature
    /// is checked separately, against the signer's key (``isSignedBy(_:)``).
    public init(statement: [UInt8], signature: [UInt8], disclosures: [Disclosure]) throws(LedgerError) {
        let header = try Self.decodeStatement(statement)
        var byName = [String: Disclosure]()
        for disclosure in disclosures {
            try disclosure.check(
                against: header.commitments[disclosure.name], alreadyDisclosed: byName[disclosure.name] != nil)
            byName[disclosure.name] = disclosure
        }
        self.statement = statement
        self.signature = signature
        self.id = SHA256.hash(statement)
        self.header = header
        self.disclosures = byName
    }

    /// Whether ``signature`` is the signature of ``statement`` by `key`.
    public func isSignedBy(_ key: Ed25519.PublicKey) -> Bool {
        key.isValidSignature(signature, for: statement)
    }

    /// The same event with the disclosures of `names` removed: what a reader without access to
    /// those fields receives. It verifies exactly as the full event does.
    public func withholding(_ names: Set<String>) -> SignedEvent {
        // Removing disclosures cannot invalidate the remaining ones.
        let kept = disclosures.values.filter { !names.contains($0.name) }
        return SignedEvent(unchecked: self, disclosures: kept)
    }

    private init(unchecked event: SignedEvent, disclosures: [Disclosure]) {
        self.init(
            statement: event.statement, signature: event.signature, header: event.header,
            disclosures: Dictionary(uniqueKeysWithValues: disclosures.map { ($0.name, $0) }))
    }

    /// The full content, if every sensitive field is disclosed.
    public var content: EventContent? {
        guard disclosures.count == header.commitments.count else { return nil }
        return try? EventContent(
            kind: header.kind, recordID: header.recordID, occurredAt: header.occurredAt,
            fields: header.publicFields.merging(disclosures.mapValues(\.value)) { first, _ in first })
    }

    /// Names of sensitive fields committed but not disclosed here.
    public var withheldFields: [String] {
        header.commitments.keys.filter { disclosures[$0] == nil }.sorted()
    }

    /// Every field visible in this copy: public ones and disclosed sensitive ones.
    public var visibleFields: [String: JSONValue] {
        header.publicFields.merging(disclosures.mapValues(\.value)) { first, _ in first }
    }

    /// The disclosures as a JSON array of `[salt, name, value]`, sorted by name.
    public var disclosuresJSON: JSONValue {
        .array(disclosures.keys.sorted().compactMap { disclosures[$0]?.json })
    }

    /// The members of every statement.
    static let statementMembers = [
        "v", "kind", "signer", "record_id", "occurred_at", "occurred_offset", "fields", "commitments",
    ]

    static func decodeStatement(_ statement: [UInt8]) throws(LedgerError) -> Header {
        let value: JSONValue
        do {
            value = try CanonicalJSON.decode(statement)
        } catch {
            throw LedgerError(.tampered, "the signed statement is not canonical JSON: \(error.reason)")
        }
        guard let members = value.objectValue else {
            throw LedgerError(.tampered, "the signed statement is not a JSON object")
        }
        let expectedKeys = Set(statementMembers)
        guard Set(members.keys) == expectedKeys else {
            throw LedgerError(
                .tampered,
                "the signed statement has members \(members.keys.sorted()), expected \(expectedKeys.sorted())")
        }
        guard members["v"]?.integerValue == formatVersion else {
            throw LedgerError(.tampered, "unsupported statement version", context: ["field v"])
        }
        guard let kindName = members["kind"]?.stringValue, let kind = EventKind(rawValue: kindName) else {
            throw LedgerError(.tampered, "unknown event kind", context: ["field kind"])
        }
        guard let signer = members["signer"]?.stringValue, let recordID = members["record_id"]?.stringValue,
            let occurred = members["occurred_at"]?.stringValue, let offset = members["occurred_offset"]?.stringValue,
            let fields = members["fields"]?.objectValue, let commitmentValues = members["commitments"]?.objectValue
        else {
            throw LedgerError(.tampered, "the signed statement has a member of the wrong type")
        }
        let occurredAt: Timestamp
        do {
            occurredAt = try Timestamp(utc: occurred, offset: offset)
        } catch {
            throw LedgerError(.tampered, error.reason, context: ["field occurred_at"])
        }
        var commitments = [String: String]()
        for (name, digest) in commitmentValues {
            guard let text = digest.stringValue, Base64.decodeURL(text)?.count == 32 else {
                throw LedgerError(.tampered, "commitment is not a base64url SHA-256 digest", context: ["field \(name)"])
            }
            commitments[name] = text
        }
        return Header(
            kind: kind, signer: signer, recordID: recordID, occurredAt: occurredAt, publicFields: fields,
            commitments: commitments)
    }
}
