import LedgerCore
import LedgerCrypto

/// Login challenges: a participant asks for one, signs its text with its Ed25519 key and trades the
/// signature for a token. Each challenge is good once, for ``lifetime`` seconds.
///
/// The text names the ledger, the participant, a nonce and the expiry, so a signature made for one
/// ledger or participant is worthless for another:
///
/// ```
/// provenance-login/v1
/// origin: example.org/ledger
/// participant: compliance-eu
/// nonce: 3q2-7wAAAAD…
/// expires: 1795000000
/// ```
///
/// The server keeps nothing for a challenge it issues: the nonce holds 16 random bytes and an HMAC, of those bytes,
/// the participant and the expiry, under a secret the servers holding the operator key share (so that a challenge one
/// issues may be redeemed at another), or else one drawn when the server starts. So asking for challenges, which
/// needs no token, costs the server no memory and cannot crowd out anyone else's. What it keeps is the nonces of the
/// challenges redeemed for a token, until they expire, so that none is used twice: at most
/// ``redeemedPerParticipant`` per participant and ``capacity`` in all. Only a holder of a registered key can add to
/// them, and beyond either bound the token is refused (429) until some expire.
actor ChallengeBook {
    static let lifetime: Int64 = 300
    /// Most challenges one participant may redeem within ``lifetime``.
    static let redeemedPerParticipant = 100
    /// Most redeemed, unexpired challenges kept in all.
    static let capacity = 10_000

    private let origin: String
    private let secret: SHA256.HMACKey
    /// Redeemed nonces and their expiry.
    private var redeemed: [String: (participant: String, expires: Int64)] = [:]

    init(origin: String, secret: [UInt8]? = nil) throws {
        self.origin = origin
        self.secret = SHA256.HMACKey(try secret ?? SecureRandom.bytes(32))
    }

    /// The text of a challenge for `participant` with `nonce`, valid until `expires`.
    private func text(participant: String, nonce: String, expires: Int64) -> String {
        // No final newline, so that shells, which drop one from command output, sign the same bytes.
        "provenance-login/v1\norigin: \(origin)\nparticipant: \(participant)\nnonce: \(nonce)\nexpires: \(expires)"
    }

    /// The MAC part of a nonce whose random part is `random`.
    private func mac(random: [UInt8], participant: String, expires: Int64) -> [UInt8] {
        let message = Array("\(participant)\n\(expires)\n".utf8) + random
        return Array(secret.code(for: message).bytes.prefix(16))
    }

    /// A new challenge for `participant`, valid until `now + lifetime`.
    func issue(participant: String, now: Int64) throws -> (text: String, expires: Int64) {
        let random = try SecureRandom.bytes(16)
        let expires = now + Self.lifetime
        let nonce = Base64.encodeURL(random + mac(random: random, participant: participant, expires: expires))
        return (text(participant: participant, nonce: nonce, expires: expires), expires)
    }

    /// The nonce of `text` if it is a challenge this server issued to `participant` and it has not expired.
    func check(text: String, participant: String, now: Int64) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[3].hasPrefix("nonce: "), lines[4].hasPrefix("expires: "),
            let expires = Int64(lines[4].dropFirst("expires: ".count)), expires > now
        else { return nil }
        let nonce = String(lines[3].dropFirst("nonce: ".count))
        guard let bytes = Base64.decodeURL(nonce), bytes.count == 32,
            text == self.text(participant: participant, nonce: nonce, expires: expires)
        else { return nil }
        let expected = mac(random: Array(bytes.prefix(16)), participant: participant, expires: expires)
        guard constantTimeEqual(bytes.suffix(16), expected) else { return nil }
        return nonce
    }

    /// Marks the challenge with `nonce` redeemed by `participant`, until `expires`; throws if it already was, or when
    /// the participant or the server holds too many.
    func redeem(nonce: String, participant: String, now: Int64) throws {
        redeemed = redeemed.filter { $0.value.expires > now }
        guard redeemed[nonce] == nil else {
            throw APIError(
                .unauthorized, code: "unauthenticated", "the challenge was already used; ask for a new one")
        }
        let mine = redeemed.values.lazy.filter { $0.participant == participant }.count
        guard mine < Self.redeemedPerParticipant, redeemed.count < Self.capacity else {
            throw APIError(
                .tooManyRequests, code: "too_many_logins",
                "too many logins in the last \(Self.lifetime / 60) minutes; try again later")
        }
        redeemed[nonce] = (participant, now + Self.lifetime)
    }
}
