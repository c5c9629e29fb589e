internal import COpenSSL

/// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface.
enum OpenSSLDigest {
    /// The SHA-256 implementation, fetched once: an implicit fetch per call costs more than hashing
    /// a short message.
    /// `EVP_MD` objects are immutable once fetched and safe to share across threads.
    nonisolated(unsafe) private static let sha256Algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    static func sha256(parts: [[UInt8]]) -> [UInt8] {
        let context = newContext()
        defer { EVP_MD_CTX_free(context) }
        for part in parts.dropLast() {
            guard EVP_DigestUpdate(context, part, part.count) == 1 else {
                fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
            }
        }
        return (parts.last ?? []).withUnsafeBytes { finish(context, updating: $0) }
    }

    /// The digest of `bytes`, without copying them.
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let context = newContext()
        defer { EVP_MD_CTX_free(context) }
        return finish(context, updating: bytes)
    }

    /// A new context, initialised for SHA-256; failing to get one is fatal, as running out of
    /// memory is for any allocation.
    fileprivate static func newContext() -> OpaquePointer {
        guard let algorithm = sha256Algorithm, let context = EVP_MD_CTX_new() else {
            fatalError("OpenSSL cannot provide SHA-256: \(openSSLErrorMessage())")
        }
        guard EVP_DigestInit_ex2(context, algorithm, nil) == 1 else {
            EVP_MD_CTX_free(context)
            fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
        }
        return context
    }

    /// Hashes `bytes` into `context` and returns the digest.
    fileprivate static func finish(_ context: OpaquePointer, updating bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1,
            EVP_DigestFinal_ex(context, &out, &length) == 1,
            length == UInt32(SHA256.byteCount)
        else {
            fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
        }
        return out
    }
}

/// An HMAC-SHA256 key (RFC 2104) prepared once: SHA-256 contexts that have already absorbed the
/// key's inner and outer padded blocks, so that each code hashes only the message and the inner
/// digest. OpenSSL's one-shot `HMAC()` instead fetches the MAC and digest implementations and
/// hashes the key's blocks on every call, which costs several times the message itself for the
/// short messages the ledger authenticates.
///
/// The two contexts are only read (copied) after preparation, so one key serves many threads.
final class OpenSSLHMACKey: @unchecked Sendable {
    private let inner: OpaquePointer
    private let outer: OpaquePointer

    init(key: [UInt8]) {
        let blockSize = 64
        var block = key.count > blockSize ? OpenSSLDigest.sha256(parts: [key]) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        inner = Self.absorbing(block.map { $0 ^ 0x36 })
        outer = Self.absorbing(block.map { $0 ^ 0x5C })
    }

    deinit {
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
    }

    private static func absorbing(_ block: [UInt8]) -> OpaquePointer {
        let context = OpenSSLDigest.newContext()
        guard EVP_DigestUpdate(context, block, block.count) == 1 else {
            fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
        }
        return context
    }

    /// HMAC-SHA256 of `message`.
    func code(for message: UnsafeRawBufferPointer) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            fatalError("OpenSSL cannot provide SHA-256: \(openSSLErrorMessage())")
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_MD_CTX_copy_ex(context, inner) == 1 else {
            fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
        }
        let innerDigest = OpenSSLDigest.finish(context, updating: message)
        guard EVP_MD_CTX_copy_ex(context, outer) == 1 else {
            fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
        }
        return innerDigest.withUnsafeBytes { OpenSSLDigest.finish(context, updating: $0) }
    }
}

/// Random bytes from OpenSSL's DRBG.
enum OpenSSLRandom {
    static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else {
            throw CryptoError(.randomFailed, "the random source failed: \(openSSLErrorMessage())")
        }
        return out
    }
}
