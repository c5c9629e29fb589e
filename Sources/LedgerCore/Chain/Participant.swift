public import LedgerCrypto

/// A registered participant and the state of its key.
public struct Participant: Sendable, Hashable {
    public let id: String
    public let name: String
    public let role: ParticipantRole
    public let publicKey: Ed25519.PublicKey
    /// Ledger index of the registering event.
    public let registeredAt: Int
    /// Ledger index of the revoking event, if revoked.
    public var revokedAt: Int?

    public init(
        id: String, name: String, role: ParticipantRole, publicKey: Ed25519.PublicKey, registeredAt: Int,
        revokedAt: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.publicKey = publicKey
        self.registeredAt = registeredAt
        self.revokedAt = revokedAt
    }

    public var isActive: Bool { revokedAt == nil }
}

/// Who may append, derived from the `participant` events in ledger order.
///
/// The first event of every ledger is the operator registering its own key; after that only the
/// operator registers and revokes. The registry decides whether an event is admitted: signer
/// registered and not revoked, signature valid under the registered key, role allowed to submit
/// that kind.
public struct ParticipantRegistry: Sendable, Equatable {
    public private(set) var participants: [String: Participant] = [:]
    private var idByKey: [[UInt8]: String] = [:]

    public init() {}

    public init(participants: [Participant]) {
        for participant in participants {
            self.participants[participant.id] = participant
            idByKey[participant.publicKey.rawRepresentation] = participant.id
        }
    }

    /// The operator, once the genesis event is applied.
    public var ledgerOperator: Participant? {
        participants.values.first { $0.role == .ledgerOperator }
    }

    /// The participant registered with `key`, active or not.
    public func participant(withKey key: Ed25519.PublicKey) -> Participant? {
        idByKey[key.rawRepresentation].flatMap { participants[$0] }
    }

    /// Checks that `event` may be appended: its signer, signature and role. For the first event of
    /// a ledger, requires the operator's self-registration.
    ///
    /// Pass `checkingSignature: false` only for events this process has just signed with the
    /// private key whose public half is the signer's registered key.
    public func authorize(_ event: SignedEvent, checkingSignature: Bool = true) throws(LedgerError) {
        let header = event.header
        // Built only for an error: this runs for every event appended.
        var place: String { "record \(header.recordID)" }
        if participants.isEmpty {
            guard header.kind == .participant, header.publicFields["action"]?.stringValue == "register",
                header.publicFields["role"]?.stringValue == ParticipantRole.ledgerOperator.rawValue,
                header.publicFields["participant"]?.stringValue == header.signer,
                let keyText = header.publicFields["public_key"]?.stringValue, let raw = Base64.decode(keyText),
                let key = try? Ed25519.PublicKey(rawRepresentation: raw)
            else {
                throw LedgerError(
                    .invalidState, "the first event must be the operator registering its own key", context: [place])
            }
            guard event.isSignedBy(key) else {
                throw LedgerError(
                    .badSignature, "the operator's self-registration is not signed by the registered key",
                    context: [place])
            }
            return
        }
        guard let signer = participants[header.signer] else {
            throw LedgerError(
                .unknownSigner,
                "signer '\(header.signer)' is not a registered participant; ask the operator to register the key (prov participants add)",
                context: [place])
        }
        guard signer.isActive else {
            throw LedgerError(
                .revokedSigner, "signer '\(header.signer)' was revoked; its key may no longer append", context: [place])
        }
        guard !checkingSignature || event.isSignedBy(signer.publicKey) else {
            throw LedgerError(
                .badSignature,
                "the signature does not verify under the key registered for '\(header.signer)' (wrong key?)",
                context: [place])
        }
        guard signer.role.maySubmit(header.kind) else {
            throw LedgerError(
                .notAuthorized,
                "a participant with role '\(signer.role.rawValue)' may not submit \(header.kind.rawValue) events",
                context: [place])
        }
    }

    /// Applies a `participant` event (already authorized) at ledger index `index`.
    public mutating func apply(_ event: SignedEvent, index: Int) throws(LedgerError) {
        guard event.header.kind == .participant else { return }
        let fields = event.header.publicFields
        let place = "record \(event.header.recordID)"
        guard let id = fields["participant"]?.stringValue, let action = fields["action"]?.stringValue else {
            throw LedgerError(.invalidRecord, "a participant event needs 'participant' and 'action'", context: [place])
        }
        switch action {
        case "register":
            guard participants[id] == nil else {
                throw LedgerError(.conflict, "participant '\(id)' is already registered", context: [place])
            }
            guard let name = fields["name"]?.stringValue, let roleName = fields["role"]?.stringValue,
                let role = ParticipantRole(rawValue: roleName), let keyText = fields["public_key"]?.stringValue,
                let raw = Base64.decode(keyText), let key = try? Ed25519.PublicKey(rawRepresentation: raw)
            else {
                throw LedgerError(
                    .invalidRecord, "registering needs name, a known role and a 32-byte public key", context: [place])
            }
            guard role != .ledgerOperator || participants.isEmpty else {
                throw LedgerError(
                    .notAuthorized, "a ledger has one operator, registered in its genesis block", context: [place])
            }
            if let holder = idByKey[raw] {
                throw LedgerError(
                    .conflict, "this public key is already registered to '\(holder)'; use a new key per participant",
                    context: [place])
            }
            participants[id] = Participant(id: id, name: name, role: role, publicKey: key, registeredAt: index)
            idByKey[raw] = id
        case "identify":
            // The GLNs a participant lists (PartyDirectory); the registry's state is unchanged.
            guard participants[id] != nil else {
                throw LedgerError(.notFound, "participant '\(id)' is not registered", context: [place])
            }
        case "revoke":
            guard var participant = participants[id] else {
                throw LedgerError(.notFound, "participant '\(id)' is not registered", context: [place])
            }
            guard participant.isActive else {
                throw LedgerError(.conflict, "participant '\(id)' is already revoked", context: [place])
            }
            guard participant.role != .ledgerOperator else {
                throw LedgerError(.notAuthorized, "the operator's own key cannot be revoked", context: [place])
            }
            participant.revokedAt = index
            participants[id] = participant
        default:
            throw LedgerError(.invalidRecord, "unknown participant action '\(action)'", context: [place])
        }
    }
}
