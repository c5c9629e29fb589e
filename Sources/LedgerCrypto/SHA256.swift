/// SHA-256 (FIPS 180-4), computed by OpenSSL.
public enum SHA256 {
    /// Size of a digest in bytes.
    public static let byteCount = 32

    /// The digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> Digest {
        let digest = data.withContiguousStorageIfAvailable { OpenSSLDigest.sha256(UnsafeRawBufferPointer($0)) }
        return Digest(unchecked: digest ?? Array(data).withUnsafeBytes(OpenSSLDigest.sha256))
    }

    /// The digest of the concatenation of `parts`, without building the concatenation.
    public static func hash(parts: [[UInt8]]) -> Digest {
        Digest(unchecked: OpenSSLDigest.sha256(parts: parts))
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`. To authenticate many messages under one
    /// key, prepare it once as an ``HMACKey``.
    public static func hmac(key: [UInt8], message: [UInt8]) -> Digest {
        HMACKey(key).code(for: message)
    }

    /// An HMAC-SHA256 key prepared for many messages: the key's padded blocks are hashed once, so
    /// each code costs only the message's own hashing. Safe to share across threads.
    public struct HMACKey: Sendable {
        private let prepared: OpenSSLHMACKey

        public init(_ key: [UInt8]) {
            prepared = OpenSSLHMACKey(key: key)
        }

        /// HMAC-SHA256 (RFC 2104) of `message` under this key.
        public func code(for message: [UInt8]) -> Digest {
            Digest(unchecked: message.withUnsafeBytes(prepared.code))
        }
    }
}

/// A 32-byte SHA-256 digest.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// A digest from exactly 32 bytes; `nil` for any other length.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == SHA256.byteCount else { return nil }
        self.bytes = Array(bytes)
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The all-zero digest, used as the previous-block hash of the genesis block.
    public static let zero = Digest(unchecked: [UInt8](repeating: 0, count: SHA256.byteCount))

    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Lower-case hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }
}
