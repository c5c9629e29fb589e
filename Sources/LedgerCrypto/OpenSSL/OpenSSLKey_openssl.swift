internal import COpenSSL
internal import Synchronization

/// Owns one OpenSSL `EVP_PKEY` holding an Ed25519 key and frees it when released.
///
/// `EVP_PKEY` is reference-counted and read-only after creation, so concurrent signing and
/// verification with one instance are safe.
final class OpenSSLKey: @unchecked Sendable {
    private let pkey: OpaquePointer
    /// Signing contexts initialised with this key and not in use. An Ed25519 context signs any
    /// number of messages once initialised (as `openssl speed` uses it), so each signature borrows
    /// one instead of creating, initialising and freeing its own; one per thread signing at once.
    private let idleSigningContexts = Mutex<[SigningContext]>([])

    /// An `EVP_MD_CTX` initialised for signing; used by one thread at a time.
    private struct SigningContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private init(_ pkey: OpaquePointer) {
        self.pkey = pkey
    }

    deinit {
        for context in idleSigningContexts.withLock({ $0 }) { EVP_MD_CTX_free(context.pointer) }
        EVP_PKEY_free(pkey)
    }

    static func ed25519(seed: [UInt8]) throws(CryptoError) -> OpenSSLKey {
        guard seed.count == Ed25519.keyByteCount else {
            throw CryptoError(.invalidKey, "an Ed25519 private key is 32 bytes, got \(seed.count)")
        }
        guard let pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            throw CryptoError(.invalidKey, "OpenSSL rejected the Ed25519 private key: \(openSSLErrorMessage())")
        }
        return OpenSSLKey(pkey)
    }

    static func ed25519(publicKey raw: [UInt8]) throws(CryptoError) -> OpenSSLKey {
        guard raw.count == Ed25519.keyByteCount else {
            throw CryptoError(.invalidKey, "an Ed25519 public key is 32 bytes, got \(raw.count)")
        }
        guard let pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            throw CryptoError(.invalidKey, "OpenSSL rejected the Ed25519 public key: \(openSSLErrorMessage())")
        }
        return OpenSSLKey(pkey)
    }

    static func generateEd25519() throws(CryptoError) -> OpenSSLKey {
        try ed25519(seed: OpenSSLRandom.bytes(Ed25519.keyByteCount))
    }

    static func privateKey(pem: String) throws(CryptoError) -> OpenSSLKey {
        let pkey = try withMemoryBIO(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        guard let pkey else {
            throw CryptoError(.invalidPEM, "not a PEM private key (expected -----BEGIN PRIVATE KEY-----)")
        }
        return try requireEd25519(OpenSSLKey(pkey))
    }

    static func publicKey(pem: String) throws(CryptoError) -> OpenSSLKey {
        let pkey = try withMemoryBIO(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, nil, nil) }
        guard let pkey else {
            throw CryptoError(.invalidPEM, "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)")
        }
        return try requireEd25519(OpenSSLKey(pkey))
    }

    private static func requireEd25519(_ key: OpenSSLKey) throws(CryptoError) -> OpenSSLKey {
        guard EVP_PKEY_get_id(key.pkey) == EVP_PKEY_ED25519 else {
            throw CryptoError(.unsupportedKeyType, "the key is not an Ed25519 key")
        }
        return key
    }

    func rawPublicKey() -> [UInt8] {
        rawKey(EVP_PKEY_get_raw_public_key)
    }

    func rawPrivateKey() -> [UInt8] {
        rawKey(EVP_PKEY_get_raw_private_key)
    }

    /// The 32 raw key bytes through one of OpenSSL's raw-key getters; empty if it fails.
    private func rawKey(
        _ get: (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> Int32
    ) -> [UInt8] {
        var length = Ed25519.keyByteCount
        var out = [UInt8](repeating: 0, count: length)
        guard get(pkey, &out, &length) == 1, length == Ed25519.keyByteCount else { return [] }
        return out
    }

    func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let context = try borrowSigningContext()
        var length = Ed25519.signatureByteCount
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context.pointer, &signature, &length, message, message.count) == 1,
            length == Ed25519.signatureByteCount
        else {
            // A context that failed is not trusted again.
            EVP_MD_CTX_free(context.pointer)
            throw CryptoError(.signingFailed, "signing failed: \(openSSLErrorMessage())")
        }
        idleSigningContexts.withLock { $0.append(context) }
        return signature
    }

    /// An idle signing context, or a new one initialised with this key.
    private func borrowSigningContext() throws(CryptoError) -> SigningContext {
        if let context = idleSigningContexts.withLock({ $0.popLast() }) { return context }
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(.signingFailed, "out of memory creating a signing context")
        }
        guard EVP_DigestSignInit(context, nil, nil, nil, pkey) == 1 else {
            EVP_MD_CTX_free(context)
            throw CryptoError(.signingFailed, "cannot sign with this key: \(openSSLErrorMessage())")
        }
        return SigningContext(pointer: context)
    }

    func verify(_ signature: [UInt8], _ message: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, pkey) == 1 else {
            ERR_clear_error()
            return false
        }
        let valid = EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
        if !valid { ERR_clear_error() }
        return valid
    }

    func privatePEM() throws(CryptoError) -> String {
        try writePEM { bio in PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) }
    }

    func publicPEM() throws(CryptoError) -> String {
        try writePEM { bio in PEM_write_bio_PUBKEY(bio, pkey) }
    }

    private func writePEM(_ write: (OpaquePointer) -> Int32) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw CryptoError(.internalFailure, "out of memory creating a BIO")
        }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else {
            throw CryptoError(.internalFailure, "cannot write PEM: \(openSSLErrorMessage())")
        }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = prov_BIO_get_mem_data(bio, &pointer)
        guard let pointer, length > 0 else {
            throw CryptoError(.internalFailure, "OpenSSL wrote an empty PEM document")
        }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func withMemoryBIO(
        _ text: String, _ body: (OpaquePointer) -> OpaquePointer?
    ) throws(CryptoError) -> OpaquePointer? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw CryptoError(.invalidPEM, "the key file is empty") }
        let result: OpaquePointer?? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return .some(body(bio))
        }
        guard let result else { throw CryptoError(.internalFailure, "out of memory creating a BIO") }
        if result == nil { ERR_clear_error() }
        return result
    }
}

/// The most recent OpenSSL error on this thread as text, clearing the queue.
func openSSLErrorMessage() -> String {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0 else { return "no detail from OpenSSL" }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
