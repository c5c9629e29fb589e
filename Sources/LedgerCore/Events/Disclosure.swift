internal import LedgerCrypto

/// One sensitive field's value with its salt, as SD-JWT discloses a claim.
///
/// The signed statement holds only ``digest``: base64url(SHA-256(canonical JSON of
/// `[salt, name, value]`)). Handing a reader the disclosure reveals the value and lets them check it
/// against the signed digest; withholding it hides the value, and without the salt the value
/// cannot be guessed from the digest.
public struct Disclosure: Sendable, Hashable {
    /// 16 random-looking bytes, base64url.
    public let salt: String
    public let name: String
    public let value: JSONValue

    public init(salt: String, name: String, value: JSONValue) {
        self.salt = salt
        self.name = name
        self.value = value
    }

    /// The disclosure as a JSON array `[salt, name, value]`.
    public var json: JSONValue { .array([.string(salt), .string(name), value]) }

    /// base64url(SHA-256(canonical `[salt, name, value]`)), the value the signature covers.
    public func digest() throws(LedgerError) -> String {
        var canonical = [UInt8]()
        try Self.appendCanonical(salt: salt, name: name, value: value, to: &canonical)
        return Self.digest(ofCanonical: canonical)
    }

    /// Appends the canonical JSON of `[salt, name, value]` (what ``json`` encodes to) to `out`.
    static func appendCanonical(salt: String, name: String, value: JSONValue, to out: inout [UInt8]) throws(LedgerError)
    {
        out.append(UInt8(ascii: "["))
        CanonicalJSON.append(string: salt, to: &out)
        out.append(UInt8(ascii: ","))
        CanonicalJSON.append(string: name, to: &out)
        out.append(UInt8(ascii: ","))
        do {
            try CanonicalJSON.append(value, to: &out)
        } catch {
            throw LedgerError(.invalidRecord, "field \(name) has no canonical form: \(error.reason)")
        }
        out.append(UInt8(ascii: "]"))
    }

    /// base64url(SHA-256(`canonical`)), for the canonical bytes of a disclosure.
    static func digest(ofCanonical canonical: some Collection<UInt8>) -> String {
        Base64.encodeURL(SHA256.hash(canonical).bytes)
    }

    /// Checks the disclosure against `committed`, the digest the signed statement holds for its
    /// field (nil if it holds none); `alreadyDisclosed` if the event discloses the field before.
    func check(against committed: String?, alreadyDisclosed: Bool) throws(LedgerError) {
        guard let committed else {
            throw LedgerError(
                .tampered, "a disclosure for '\(name)' has no commitment in the signed statement",
                context: ["field \(name)"])
        }
        guard !alreadyDisclosed else {
            throw LedgerError(.tampered, "field '\(name)' is disclosed twice", context: ["field \(name)"])
        }
        guard try digest() == committed else {
            throw LedgerError(
                .tampered, "the disclosed value of '\(name)' does not match its signed digest",
                context: ["field \(name)"])
        }
    }

    /// Reads `[salt, name, value]`.
    public init(json: JSONValue) throws(LedgerError) {
        guard let items = json.arrayValue, items.count == 3, let salt = items[0].stringValue,
            let name = items[1].stringValue, Base64.decodeURL(salt)?.count == 16
        else {
            throw LedgerError(.invalidProof, "a disclosure must be [salt (16 bytes base64url), name, value]")
        }
        self.init(salt: salt, name: name, value: items[2])
    }

    /// The salt for field `name` of record `recordID` by `signer`: the first 16 bytes of
    /// HMAC-SHA256 under a key derived from the signer's private key.
    ///
    /// Deterministic, so re-signing a record reproduces the ledger's bytes; unpredictable to anyone
    /// without the private key, so a withheld value cannot be found by trying candidates.
    ///
    /// The HMAC's message is the canonical JSON array `[signer, recordID, name]`.
    static func salt(signer: String, recordID: String, name: String, saltKey: SHA256.HMACKey) -> String {
        var message = [UInt8]()
        message.reserveCapacity(signer.utf8.count + recordID.utf8.count + name.utf8.count + 16)
        message.append(UInt8(ascii: "["))
        CanonicalJSON.append(string: signer, to: &message)
        message.append(UInt8(ascii: ","))
        CanonicalJSON.append(string: recordID, to: &message)
        message.append(UInt8(ascii: ","))
        CanonicalJSON.append(string: name, to: &message)
        message.append(UInt8(ascii: "]"))
        return Base64.encodeURL(saltKey.code(for: message).bytes.prefix(16))
    }

    /// The HMAC key for salts, derived from a signer's private key with a domain label so that the
    /// signing seed is never used directly as an HMAC key.
    static func saltKey(for key: Ed25519.PrivateKey) -> SHA256.HMACKey {
        SHA256.HMACKey(SHA256.hash(parts: [Array("provenance/v1/disclosure-salt-key".utf8), [0], key.seed]).bytes)
    }
}
