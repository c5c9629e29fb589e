/// Ed25519 signatures (RFC 8032), computed by OpenSSL.
///
/// Signatures are deterministic: the same key and message always give the same 64 bytes, which
/// keeps the ledger's bytes reproducible.
public enum Ed25519 {
    /// Size of a signature in bytes.
    public static let signatureByteCount = 64
    /// Size of a public key or a private seed in bytes.
    public static let keyByteCount = 32

    /// A private signing key. Safe to share across threads: signing does not mutate it.
    public struct PrivateKey: Sendable {
        let key: OpenSSLKey
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new key from the operating system's random source.
        public static func generate() throws(CryptoError) -> PrivateKey {
            try PrivateKey(key: OpenSSLKey.generateEd25519())
        }

        /// A key from its 32-byte seed (RFC 8032's "private key").
        public init(seed: [UInt8]) throws(CryptoError) {
            try self.init(key: OpenSSLKey.ed25519(seed: seed))
        }

        /// A key from a PKCS#8 PEM document, as `openssl genpkey -algorithm ed25519` writes it.
        public init(pem: String) throws(CryptoError) {
            try self.init(key: OpenSSLKey.privateKey(pem: pem))
        }

        init(key: OpenSSLKey) throws(CryptoError) {
            self.key = key
            publicKey = try PublicKey(rawRepresentation: key.rawPublicKey())
        }

        /// The 32-byte seed. Handle with care: whoever holds it can sign as this key.
        public var seed: [UInt8] { key.rawPrivateKey() }

        /// PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`).
        public func pemRepresentation() throws(CryptoError) -> String {
            try key.privatePEM()
        }

        /// The 64-byte signature of `message`.
        public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
            try key.sign(message)
        }
    }

    /// A public verification key.
    public struct PublicKey: Sendable, Hashable {
        /// The 32 raw key bytes (RFC 8032 encoding).
        public let rawRepresentation: [UInt8]
        let key: OpenSSLKey

        /// A key from its 32 raw bytes.
        public init(rawRepresentation: [UInt8]) throws(CryptoError) {
            key = try OpenSSLKey.ed25519(publicKey: rawRepresentation)
            self.rawRepresentation = rawRepresentation
        }

        /// A key from an SPKI PEM document, as `openssl pkey -pubout` writes it.
        public init(pem: String) throws(CryptoError) {
            key = try OpenSSLKey.publicKey(pem: pem)
            rawRepresentation = key.rawPublicKey()
        }

        /// SPKI PEM text (`-----BEGIN PUBLIC KEY-----`).
        public func pemRepresentation() throws(CryptoError) -> String {
            try key.publicPEM()
        }

        /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            guard signature.count == Ed25519.signatureByteCount else { return false }
            return key.verify(signature, message)
        }

        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
            lhs.rawRepresentation == rhs.rawRepresentation
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(rawRepresentation)
        }
    }

    /// Reads either kind of PEM key file and returns its public key: a private key's public half, or
    /// the public key itself.
    public static func publicKey(fromPEM pem: String) throws(CryptoError) -> PublicKey {
        if pem.contains("PRIVATE KEY") {
            return try PrivateKey(pem: pem).publicKey
        }
        return try PublicKey(pem: pem)
    }
}
