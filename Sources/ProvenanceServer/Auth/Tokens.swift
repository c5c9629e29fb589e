import LedgerCore
import LedgerCrypto

/// Short-lived bearer tokens: `v1.<payload>.<mac>`, the payload the base64url canonical JSON
/// `{"exp": unix seconds, "sub": participant}`, the MAC HMAC-SHA256 under `secret`: one the servers holding the
/// operator key share (``Ledger/sharedSecret(for:)``), so that a token from one is good at every other, or else one
/// drawn when the server starts. Nothing about sessions is stored.
struct TokenAuthority: Sendable {
    static let lifetime: Int64 = 900

    private let secret: [UInt8]

    /// Tokens under `secret`, or under a random one.
    init(secret: [UInt8]? = nil) throws {
        self.secret = try secret ?? SecureRandom.bytes(32)
    }

    /// A token for `participant`, valid until the returned expiry.
    func issue(participant: String, now: Int64) -> (token: String, expires: Int64) {
        let expires = now + Self.lifetime
        // A string and an integer below 2^53 always have a canonical form.
        let payload = (try? CanonicalJSON.encode(["exp": .integer(Int(expires)), "sub": .string(participant)])) ?? []
        let signed = "v1." + Base64.encodeURL(payload)
        return (signed + "." + Base64.encodeURL(SHA256.hmac(key: secret, message: Array(signed.utf8)).bytes), expires)
    }

    /// The participant a valid, unexpired token names; `nil` otherwise.
    func participant(in token: String, now: Int64) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let mac = Base64.decodeURL(String(parts[2])),
            let payload = Base64.decodeURL(String(parts[1]))
        else { return nil }
        let expected = SHA256.hmac(key: secret, message: Array("v1.\(parts[1])".utf8)).bytes
        guard constantTimeEqual(mac, expected) else { return nil }
        guard let claims = try? CanonicalJSON.decode(payload), let expires = claims["exp"]?.integerValue,
            let participant = claims["sub"]?.stringValue, Int64(expires) > now
        else { return nil }
        return participant
    }
}
