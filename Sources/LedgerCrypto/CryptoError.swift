/// An error from the cryptographic layer: a stable code plus a human reason.
///
/// Match on ``code`` to react programmatically; ``reason`` is for people and may change.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case invalidKey, unsupportedKeyType, invalidPEM, signingFailed, randomFailed, internalFailure
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Key bytes or a key file that cannot be used (wrong length, corrupt).
        public static let invalidKey = Code(.invalidKey)
        /// A well-formed key of an algorithm other than Ed25519.
        public static let unsupportedKeyType = Code(.unsupportedKeyType)
        /// Text that is not a PEM private or public key.
        public static let invalidPEM = Code(.invalidPEM)
        /// OpenSSL refused to produce a signature.
        public static let signingFailed = Code(.signingFailed)
        /// The system random source failed.
        public static let randomFailed = Code(.randomFailed)
        /// Any other OpenSSL failure; the reason carries OpenSSL's own message.
        public static let internalFailure = Code(.internalFailure)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let reason: String
    public let location: String

    public init(_ code: Code, _ reason: String, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.location = "\(fileID):\(line)"
    }

    public var description: String { reason }
}
