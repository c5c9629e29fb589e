public import LedgerCore
public import LedgerCrypto
public import LedgerStorage
internal import Synchronization

/// A provenance ledger: the use-cases the CLI and the server offer, over a ``LedgerStore``.
///
/// Reading needs only the store. Appending also needs the operator's private key, which seals each
/// block and signs each checkpoint; it is read from a PEM file beside the database, never stored
/// inside it.
public final class Ledger: Sendable {
    /// The store, for this package's tests and adapters; the CLI and the server go through the ledger's methods.
    package let store: any LedgerStore
    public let metadata: LedgerMetadata
    let operatorKey: Ed25519.PrivateKey?
    let clock: LedgerClock
    /// One append at a time in this process.
    let writerGate = WriterGate()
    /// One catch-up of the query index at a time in this process.
    let queryIndexGate = WriterGate()
    /// The tree size the query index was last seen to cover, so that a query after no append reads no mark.
    let queryIndexCovers = Mutex<Int>(0)
    /// The products and facilities as of the latest checkpoint, for name resolution in queries.
    let currentMasterData = HeadCache<CurrentMasterData.Snapshot>()
    /// The anchored reports' ranges and what their confirmed flags touch, for product pages.
    let detectionSummary = HeadCache<DetectionSummary>()

    /// ID under which the operator registers itself in the genesis block.
    public static let operatorParticipantID = "operator"

    init(store: any LedgerStore, metadata: LedgerMetadata, operatorKey: Ed25519.PrivateKey?, clock: LedgerClock) {
        self.store = store
        self.metadata = metadata
        self.operatorKey = operatorKey
        self.clock = clock
    }

    /// Opens an existing ledger in `store`. Pass `operatorKey` to append; it must match the ledger's operator.
    /// Outside this package, ``open(at:options:operatorKey:clock:)`` picks the store from the ledger's address.
    package static func open(
        store: any LedgerStore, operatorKey: Ed25519.PrivateKey? = nil, clock: LedgerClock = .system
    ) async throws(LedgerError) -> Ledger {
        guard let metadata = try await store.metadata() else {
            throw LedgerError(.notFound, "the database holds no ledger")
        }
        if let operatorKey, operatorKey.publicKey != metadata.operatorKey {
            throw LedgerError(.badSignature, "the operator key file does not belong to this ledger's operator")
        }
        return Ledger(store: store, metadata: metadata, operatorKey: operatorKey, clock: clock)
    }

    /// Creates a ledger in an empty store: the genesis block holds the operator's self-registration.
    package static func create(
        store: any LedgerStore, origin: String, operatorKey: Ed25519.PrivateKey,
        operatorName: String = "Ledger operator",
        clock: LedgerClock = .system
    ) async throws(LedgerError) -> Ledger {
        _ = try NoteVerifier(name: origin, key: operatorKey.publicKey)
        let metadata = LedgerMetadata(origin: origin, operatorKey: operatorKey.publicKey)
        let ledger = Ledger(store: store, metadata: metadata, operatorKey: operatorKey, clock: clock)
        let genesis = try ledger.participantEvent(
            action: "register", id: operatorParticipantID, name: operatorName, role: .ledgerOperator,
            publicKey: operatorKey.publicKey, recordSuffix: "")
        let plan = try ledger.planBlock(
            events: [genesis], registry: ParticipantRegistry(), previous: nil, frontier: CompactRange(),
            previousCheckpoint: nil)
        try await store.create(metadata, genesis: plan.write)
        return ledger
    }

    /// Public key of the operator (also the checkpoint note key).
    public var noteVerifier: NoteVerifier {
        // The origin was validated as a note key name when the ledger was created.
        get throws(LedgerError) { try NoteVerifier(name: metadata.origin, key: metadata.operatorKey) }
    }

    /// A secret for `purpose` that every process holding the operator key derives alike (HMAC-SHA256 of the purpose
    /// under the key's seed), and that tells nothing of the key; nil without the key. Servers over one ledger key
    /// their login challenges and tokens with it, so that one a server issues is good at any other.
    public func sharedSecret(for purpose: String) -> [UInt8]? {
        operatorKey.map { SHA256.hmac(key: $0.seed, message: Array("provenance/\(purpose)".utf8)).bytes }
    }

    func requireOperatorKey() throws(LedgerError) -> Ed25519.PrivateKey {
        guard let operatorKey else {
            throw LedgerError(
                .invalidState,
                "appending needs the operator key (the .operator.pem file created by 'prov init' beside the ledger)")
        }
        return operatorKey
    }

    /// The number of events in the ledger as of its latest checkpoint (0 before the first).
    public func treeSize() async throws(LedgerError) -> Int {
        try await store.latestCheckpoint()?.size ?? 0
    }

    /// The height of the newest block (−1 for an empty store): it changes with every append.
    public func headHeight() async throws(LedgerError) -> Int {
        try await store.head()?.height ?? -1
    }

    /// The registered participants, from the participants table.
    public func participants() async throws(LedgerError) -> [Participant] {
        try await store.participants()
    }

    /// The participant whose key `key` is.
    ///
    /// - Throws: ``LedgerError`` `unknownSigner` if no participant has the key.
    public func participant(signingWith key: Ed25519.PrivateKey) async throws(LedgerError) -> Participant {
        try await registry().signer(of: key)
    }

    /// The registry as of the current head.
    func registry() async throws(LedgerError) -> ParticipantRegistry {
        ParticipantRegistry(participants: try await store.participants())
    }

    /// Builds a `participant` event signed by the operator.
    func participantEvent(
        action: String, id: String, name: String?, role: ParticipantRole?, publicKey: Ed25519.PublicKey?,
        glns: [String] = [], recordSuffix: String
    ) throws(LedgerError) -> SignedEvent {
        let key = try requireOperatorKey()
        var fields: [String: JSONValue] = ["action": .string(action), "participant": .string(id)]
        if let name { fields["name"] = .string(name) }
        if let role { fields["role"] = .string(role.rawValue) }
        if let publicKey { fields["public_key"] = .string(Base64.encode(publicKey.rawRepresentation)) }
        if !glns.isEmpty { fields["glns"] = .array(glns.map(JSONValue.string)) }
        let content = try EventContent(
            kind: .participant, recordID: "participant/\(id)/\(action)\(recordSuffix)", occurredAt: clock(),
            fields: fields)
        return try SignedEvent.sign(content, signer: Self.operatorParticipantID, key: key)
    }

    /// Registers a participant (operator only), with the GLNs that name it in GS1 data (13 digits, PGLN URIs or
    /// Digital Links; no other participant may list one of them).
    public func registerParticipant(
        id: String, name: String, role: ParticipantRole, publicKey: Ed25519.PublicKey, glns: [String] = []
    ) async throws(LedgerError) -> AppendReceipt {
        let event = try participantEvent(
            action: "register", id: id, name: name, role: role, publicKey: publicKey, glns: glns, recordSuffix: "")
        return try await append(signed: [event])
    }

    /// Sets the GLNs that name a registered participant (operator only), replacing those it listed before; none
    /// clears them. Each `identify` is a new record.
    public func identifyParticipant(id: String, glns: [String]) async throws(LedgerError) -> AppendReceipt {
        let earlier = try await store.events(kind: EventKind.participant.rawValue).count
        let event = try participantEvent(
            action: "identify", id: id, name: nil, role: nil, publicKey: nil, glns: glns, recordSuffix: "/\(earlier)")
        return try await append(signed: [event])
    }

    /// Revokes a participant's key (operator only); its earlier events stay valid.
    public func revokeParticipant(id: String) async throws(LedgerError) -> AppendReceipt {
        let event = try participantEvent(
            action: "revoke", id: id, name: nil, role: nil, publicKey: nil, recordSuffix: "")
        return try await append(signed: [event])
    }
}
