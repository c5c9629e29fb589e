import LedgerCore
import LedgerCrypto

/// Login challenges: a participant asks for one, signs its text with its Ed25519 key and trades the
/// signature for a token. Each challenge is good once, for ``lifetime`` seconds.
///
/// The text names the ledger, the participant, a random nonce and the expiry, so a signature made
/// for one ledger or participant is worthless for another:
///
/// ```
/// provenance-login/v1
/// origin: example.org/ledger
/// participant: compliance-eu
/// nonce: 3q2-7wAAAAD…
/// expires: 1795000000
/// ```
actor ChallengeBook {
    static let lifetime: Int64 = 300
    /// Open challenges beyond this many are refused until some expire.
    static let capacity = 10_000

    private struct Entry {
        let participant: String
        let text: String
        let expires: Int64
    }

    private let origin: String
    private var open: [String: Entry] = [:]

    init(origin: String) { self.origin = origin }

    /// A new challenge for `participant`, valid until `now + lifetime`.
    func issue(participant: String, now: Int64) throws -> (text: String, expires: Int64) {
        open = open.filter { $0.value.expires > now }
        guard open.count < Self.capacity else {
            throw APIError(
                .tooManyRequests, code: "too_many_challenges",
                "too many open login challenges; try again in a few minutes")
        }
        let nonce = Base64.encodeURL(try SecureRandom.bytes(32))
        let expires = now + Self.lifetime
        // No final newline, so that shells, which drop one from command output, sign the same bytes.
        let text =
            "provenance-login/v1\norigin: \(origin)\nparticipant: \(participant)\nnonce: \(nonce)\nexpires: \(expires)"
        open[nonce] = Entry(participant: participant, text: text, expires: expires)
        return (text, expires)
    }

    /// Takes back the challenge `text` issued to `participant`, if it is open and unexpired; a
    /// challenge is redeemed at most once, whatever the outcome of the signature check.
    func redeem(text: String, participant: String, now: Int64) -> Bool {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("nonce: ") }) else { return false }
        let nonce = String(line.dropFirst("nonce: ".count))
        guard let entry = open.removeValue(forKey: nonce) else { return false }
        return entry.text == text && entry.participant == participant && entry.expires > now
    }
}
