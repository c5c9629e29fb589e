public import LedgerCrypto

/// A tree head in the C2SP tlog-checkpoint format: origin line, decimal size, base64 root hash,
/// each ending in a newline. Signed as a C2SP signed note (``SignedNote``).
public struct Checkpoint: Sendable, Hashable {
    /// The log's identity, e.g. `provenance.example/ledger`.
    public let origin: String
    public let size: Int
    public let root: Digest

    public init(origin: String, size: Int, root: Digest) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note body: `origin\nsize\nbase64(root)\n`.
    public var body: String { "\(origin)\n\(size)\n\(Base64.encode(root.bytes))\n" }

    /// Parses a note body; extension lines after the root are refused.
    public init(body: String) throws(LedgerError) {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard body.hasSuffix("\n"), lines.count == 4, !lines[0].isEmpty, let size = Int(lines[1]), size >= 0,
            String(size) == lines[1], let rootBytes = Base64.decode(String(lines[2])), let root = Digest(rootBytes)
        else {
            throw LedgerError(.invalidProof, "not a checkpoint body (origin, size, base64 root hash, each on a line)")
        }
        self.init(origin: String(lines[0]), size: size, root: root)
    }

    /// Signs the checkpoint as the note key `name`.
    public func signed(by key: Ed25519.PrivateKey, name: String) throws(LedgerError) -> SignedNote {
        try SignedNote.sign(text: body, name: name, key: key)
    }

    /// Opens a signed checkpoint, requiring a valid signature by `verifier`.
    public static func open(_ note: SignedNote, verifier: NoteVerifier) throws(LedgerError) -> Checkpoint {
        try note.verify(by: verifier)
        let checkpoint = try Checkpoint(body: note.text)
        guard checkpoint.origin == verifier.name else {
            throw LedgerError(
                .invalidProof, "checkpoint origin '\(checkpoint.origin)' differs from the key name '\(verifier.name)'")
        }
        return checkpoint
    }
}

/// A C2SP signed note: text ending in a newline, a blank line, then signature lines
/// `— <name> <base64(key ID ‖ signature)>`.
public struct SignedNote: Sendable, Hashable {
    public struct Signature: Sendable, Hashable {
        public let name: String
        public let keyID: [UInt8]
        public let signature: [UInt8]
    }

    /// The signed text, including its final newline.
    public let text: String
    public let signatures: [Signature]

    private static let dash = "\u{2014}"

    public static func sign(text: String, name: String, key: Ed25519.PrivateKey) throws(LedgerError) -> SignedNote {
        let verifier = try NoteVerifier(name: name, key: key.publicKey)
        let signature: [UInt8]
        do {
            signature = try key.signature(for: Array(text.utf8))
        } catch {
            throw LedgerError(.invalidState, "cannot sign the note: \(error.reason)")
        }
        return SignedNote(text: text, signatures: [Signature(name: name, keyID: verifier.keyID, signature: signature)])
    }

    init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as text.
    public var serialized: String {
        text + "\n" + signatures.map { "\(Self.dash) \($0.name) \(Base64.encode($0.keyID + $0.signature))\n" }.joined()
    }

    /// Parses a note; its signatures are checked by ``verify(by:)``.
    public init(parsing note: String) throws(LedgerError) {
        let characters = Array(note)
        guard
            let blank = characters.indices.dropLast().first(where: {
                characters[$0] == "\n" && characters[$0 + 1] == "\n"
            })
        else {
            throw LedgerError(.invalidProof, "a signed note needs a blank line between its text and its signatures")
        }
        let text = String(characters[...blank])
        let signatureBlock = String(characters[(blank + 2)...])
        guard !text.isEmpty, signatureBlock.hasSuffix("\n") else {
            throw LedgerError(.invalidProof, "a signed note must end with a newline")
        }
        var signatures = [Signature]()
        for line in signatureBlock.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == Self.dash, !parts[1].isEmpty,
                let bytes = Base64.decode(String(parts[2])),
                bytes.count > 4
            else {
                throw LedgerError(.invalidProof, "malformed signature line '\(line)'")
            }
            signatures.append(
                Signature(name: String(parts[1]), keyID: Array(bytes.prefix(4)), signature: Array(bytes.dropFirst(4))))
        }
        guard !signatures.isEmpty else { throw LedgerError(.invalidProof, "the note has no signature") }
        self.init(text: text, signatures: signatures)
        guard serialized == note else { throw LedgerError(.invalidProof, "the note is not in its canonical form") }
    }

    /// Requires a valid signature line by `verifier`.
    public func verify(by verifier: NoteVerifier) throws(LedgerError) {
        let matching = signatures.filter { $0.name == verifier.name && $0.keyID == verifier.keyID }
        guard !matching.isEmpty else {
            throw LedgerError(
                .invalidProof,
                "the note carries no signature by key '\(verifier.name)' (ID \(Hex.encode(verifier.keyID)))")
        }
        guard matching.allSatisfy({ verifier.key.isValidSignature($0.signature, for: Array(text.utf8)) }) else {
            throw LedgerError(.invalidProof, "the note's signature by '\(verifier.name)' does not verify")
        }
    }
}

/// A note verifier key: a name and an Ed25519 public key, with the signed-note key ID
/// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[0..<4].
public struct NoteVerifier: Sendable, Hashable {
    public let name: String
    public let key: Ed25519.PublicKey
    public let keyID: [UInt8]

    public init(name: String, key: Ed25519.PublicKey) throws(LedgerError) {
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "+" || $0 == "\n" }) else {
            throw LedgerError(
                .invalidState, "a note key name must be non-empty without spaces, '+' or newlines: '\(name)'")
        }
        self.name = name
        self.key = key
        keyID = Array(SHA256.hash(parts: [Array(name.utf8), [0x0A, 0x01], key.rawRepresentation]).bytes.prefix(4))
    }

    /// The verifier key string `name+hex(keyID)+base64(0x01 ‖ key)`.
    public var verifierKey: String {
        "\(name)+\(Hex.encode(keyID))+\(Base64.encode([0x01] + key.rawRepresentation))"
    }
}
