internal import COpenSSL

/// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface.
enum OpenSSLDigest {
    /// The SHA-256 implementation, fetched once: an implicit fetch per call costs more than hashing
    /// a short message.
    /// `EVP_MD` objects are immutable once fetched and safe to share across threads.
    nonisolated(unsafe) private static let sha256Algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    static func sha256(parts: [[UInt8]]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: SHA256.byteCount)
        guard let algorithm = sha256Algorithm, let context = EVP_MD_CTX_new() else {
            fatalError("OpenSSL cannot provide SHA-256: \(openSSLErrorMessage())")
        }
        defer { EVP_MD_CTX_free(context) }
        var ok = EVP_DigestInit_ex2(context, algorithm, nil) == 1
        for part in parts where ok {
            ok = EVP_DigestUpdate(context, part, part.count) == 1
        }
        var length: UInt32 = 0
        ok = ok && EVP_DigestFinal_ex(context, &out, &length) == 1
        guard ok, length == UInt32(SHA256.byteCount) else {
            fatalError("OpenSSL SHA-256 failed: \(openSSLErrorMessage())")
        }
        return out
    }

    /// HMAC-SHA256 (RFC 2104) over the pre-fetched SHA-256: OpenSSL's one-shot `HMAC()` fetches
    /// the MAC and digest implementations on every call, which costs several times the hashing
    /// itself for the short messages the ledger authenticates.
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? sha256(parts: [key]) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = sha256(parts: [block.map { $0 ^ 0x36 }, message])
        return sha256(parts: [block.map { $0 ^ 0x5C }, inner])
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
