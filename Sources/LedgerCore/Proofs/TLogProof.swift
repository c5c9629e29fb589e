public import LedgerCrypto

/// An offline-verifiable inclusion proof in the C2SP tlog-proof text format:
///
/// ```
/// c2sp.org/tlog-proof@v1
/// index <n>
/// <base64 hash>          (one line per proof hash)
///
/// <signed checkpoint note>
/// ```
public struct TLogProof: Sendable, Hashable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public let index: Int
    public let hashes: [Digest]
    public let checkpoint: SignedNote

    public init(index: Int, hashes: [Digest], checkpoint: SignedNote) {
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    public var serialized: String {
        var text = Self.header + "\nindex \(index)\n"
        for hash in hashes { text += Base64.encode(hash.bytes) + "\n" }
        return text + "\n" + checkpoint.serialized
    }

    public init(parsing text: String) throws(LedgerError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 3, lines[0] == Self.header, lines[1].hasPrefix("index "),
            let index = Int(lines[1].dropFirst(6)), String(index) == lines[1].dropFirst(6), index >= 0
        else {
            throw LedgerError(.invalidProof, "not a \(Self.header) proof")
        }
        var hashes = [Digest]()
        var cursor = 2
        while cursor < lines.count, !lines[cursor].isEmpty {
            guard let bytes = Base64.decode(String(lines[cursor])), let digest = Digest(bytes) else {
                throw LedgerError(.invalidProof, "proof line \(cursor + 1) is not a base64 SHA-256 hash")
            }
            hashes.append(digest)
            cursor += 1
        }
        guard cursor < lines.count else { throw LedgerError(.invalidProof, "the proof has no checkpoint") }
        let note = lines[(cursor + 1)...].joined(separator: "\n")
        self.init(index: index, hashes: hashes, checkpoint: try SignedNote(parsing: note))
        guard serialized == text else { throw LedgerError(.invalidProof, "the proof is not in its canonical form") }
    }
}
