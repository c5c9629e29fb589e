public import LedgerCrypto

/// Everything a consumer needs to check one event offline, with only the operator's public key:
/// the signed statement and the disclosures chosen for this reader, the signer's key with the
/// operator-signed event that registered it, inclusion proofs of both, and a signed checkpoint.
///
/// The file is RFC 8785 canonical JSON followed by one newline, so it has exactly one spelling and
/// any changed byte is detected (see `docs/proofs.md`).
public struct ProofBundle: Sendable, Hashable {
    public static let format = "provenance-proof/v1"

    /// The event, possibly with some disclosures withheld.
    public let event: SignedEvent
    /// Inclusion proof of ``event`` with the signed checkpoint.
    public let proof: TLogProof
    /// The `participant` event that registered the signer's key.
    public let registration: SignedEvent
    /// The registration's ledger index.
    public let registrationIndex: Int
    /// Inclusion proof of the registration in the same checkpoint.
    public let registrationProof: [Digest]

    public init(
        event: SignedEvent, proof: TLogProof, registration: SignedEvent, registrationIndex: Int,
        registrationProof: [Digest]
    ) {
        self.event = event
        self.proof = proof
        self.registration = registration
        self.registrationIndex = registrationIndex
        self.registrationProof = registrationProof
    }

    /// What a successful verification established.
    public struct Verified: Sendable {
        public let event: SignedEvent
        public let index: Int
        public let checkpoint: Checkpoint
        public let signer: Participant
    }

    /// Verifies the bundle against the operator's public key.
    ///
    /// Checks, in order: the checkpoint's signature by the operator; the registration event's
    /// signature by the operator and its inclusion; the event's signature by the registered key and
    /// its inclusion at its index; every disclosed value against its signed digest.
    ///
    /// The bundled checkpoint carries exactly one signature line, the operator's: a bundle has one spelling
    /// (docs/encoding.md), so a line added to it (a cosignature, a second key under the operator's name) is refused
    /// rather than ignored.
    public func verify(operatorKey: Ed25519.PublicKey) throws(LedgerError) -> Verified {
        guard proof.checkpoint.signatures.count == 1 else {
            throw LedgerError(
                .invalidProof,
                "the bundled checkpoint carries \(proof.checkpoint.signatures.count) signature lines; a bundle carries the operator's alone"
            )
        }
        let originName = try Checkpoint(body: proof.checkpoint.text).origin
        let checkpoint = try Checkpoint.open(
            proof.checkpoint, verifier: NoteVerifier(name: originName, key: operatorKey))

        let registrationFields = registration.header.publicFields
        guard registration.header.kind == .participant, registrationFields["action"]?.stringValue == "register",
            let participantID = registrationFields["participant"]?.stringValue,
            let keyText = registrationFields["public_key"]?.stringValue, let raw = Base64.decode(keyText),
            let signerKey = try? Ed25519.PublicKey(rawRepresentation: raw),
            let roleName = registrationFields["role"]?.stringValue, let role = ParticipantRole(rawValue: roleName)
        else {
            throw LedgerError(.invalidProof, "the bundle's registration is not a participant registration")
        }
        guard registration.isSignedBy(operatorKey) else {
            throw LedgerError(.invalidProof, "the signer's registration is not signed by the operator's key")
        }
        guard
            Merkle.verifyInclusion(
                leafHash: Merkle.leafHash(registration.id.bytes), index: registrationIndex, size: checkpoint.size,
                proof: registrationProof, root: checkpoint.root)
        else {
            throw LedgerError(.invalidProof, "the signer's registration is not included in the checkpoint")
        }
        guard event.header.signer == participantID else {
            throw LedgerError(
                .invalidProof,
                "the event's signer '\(event.header.signer)' is not the registered participant '\(participantID)'")
        }
        guard event.isSignedBy(signerKey) else {
            throw LedgerError(.invalidProof, "the event's signature does not verify under the signer's registered key")
        }
        guard
            Merkle.verifyInclusion(
                leafHash: Merkle.leafHash(event.id.bytes), index: proof.index, size: checkpoint.size,
                proof: proof.hashes,
                root: checkpoint.root)
        else {
            throw LedgerError(.invalidProof, "the event is not included in the checkpoint at index \(proof.index)")
        }
        let name = registrationFields["name"]?.stringValue ?? participantID
        let signer = Participant(
            id: participantID, name: name, role: role, publicKey: signerKey, registeredAt: registrationIndex)
        return Verified(event: event, index: proof.index, checkpoint: checkpoint, signer: signer)
    }

    // MARK: - File form

    public var json: JSONValue {
        .object([
            "format": .string(Self.format),
            "event": event.transportJSON,
            "proof": .string(proof.serialized),
            "signer": .object([
                "registration": registration.transportJSON,
                "index": .integer(registrationIndex),
                "inclusion": .array(registrationProof.map { .string(Base64.encode($0.bytes)) }),
            ]),
        ])
    }

    /// The file bytes: canonical JSON and a final newline.
    public func serialized() throws(LedgerError) -> [UInt8] {
        do {
            return try CanonicalJSON.encode(json) + [0x0A]
        } catch {
            throw LedgerError(.invalidState, "the bundle has no canonical form: \(error.reason)")
        }
    }

    /// Parses a bundle file, refusing anything but its one canonical spelling.
    public init(bytes: [UInt8]) throws(LedgerError) {
        guard bytes.last == 0x0A else { throw LedgerError(.invalidProof, "a proof bundle ends with a newline") }
        let value: JSONValue
        do {
            value = try CanonicalJSON.decode(Array(bytes.dropLast()))
        } catch {
            throw LedgerError(.invalidProof, "not a proof bundle: \(error.reason)")
        }
        guard let members = value.objectValue, Set(members.keys) == ["format", "event", "proof", "signer"],
            members["format"]?.stringValue == Self.format
        else {
            throw LedgerError(.invalidProof, "not a \(Self.format) bundle")
        }
        guard let proofText = members["proof"]?.stringValue, let signer = members["signer"]?.objectValue,
            Set(signer.keys) == ["registration", "index", "inclusion"], let index = signer["index"]?.integerValue,
            let inclusion = signer["inclusion"]?.arrayValue, let eventValue = members["event"],
            let registrationValue = signer["registration"]
        else {
            throw LedgerError(.invalidProof, "the bundle is missing a member or has one of the wrong type")
        }
        var hashes = [Digest]()
        for item in inclusion {
            guard let text = item.stringValue, let bytes = Base64.decode(text), let digest = Digest(bytes) else {
                throw LedgerError(.invalidProof, "the registration's inclusion proof holds a malformed hash")
            }
            hashes.append(digest)
        }
        self.init(
            event: try Self.event(from: eventValue, what: "event"), proof: try TLogProof(parsing: proofText),
            registration: try Self.event(from: registrationValue, what: "registration"), registrationIndex: index,
            registrationProof: hashes)
    }

    static func event(from value: JSONValue, what: String) throws(LedgerError) -> SignedEvent {
        do {
            return try SignedEvent(transportJSON: value)
        } catch {
            throw LedgerError(.invalidProof, error.reason, context: ["\(what)"] + error.context)
        }
    }
}
