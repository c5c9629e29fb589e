/// An error of the ledger: a stable ``code``, a human ``reason`` that says what to do, and where
/// it happened (record, event, block, field) when that is known.
///
/// The CLI maps codes to exit statuses and the server to HTTP statuses; nothing below them does.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Input that does not describe a valid event (missing or malformed field).
        public static let invalidRecord = Code("invalid_record")
        /// The signer is not a registered participant.
        public static let unknownSigner = Code("unknown_signer")
        /// The signer's registration has been revoked.
        public static let revokedSigner = Code("revoked_signer")
        /// The signature does not verify under the signer's registered key.
        public static let badSignature = Code("bad_signature")
        /// The signer's role may not submit this kind of event.
        public static let notAuthorized = Code("not_authorized")
        /// A record ID already in the ledger with different content.
        public static let conflict = Code("conflict")
        /// Something asked for is not in the ledger.
        public static let notFound = Code("not_found")
        /// A file or ledger that must not be overwritten already exists.
        public static let alreadyExists = Code("already_exists")
        /// A proof, checkpoint or bundle does not verify.
        public static let invalidProof = Code("invalid_proof")
        /// The stored ledger differs from what its signatures and hashes commit to.
        public static let tampered = Code("tampered")
        /// The storage engine failed.
        public static let storage = Code("storage")
        /// A file could not be read or written.
        public static let io = Code("io")
        /// A request that is well-formed but not possible in this state.
        public static let invalidState = Code("invalid_state")
        /// Another writer appended a block after this one was planned: nothing of it was written, and planning it
        /// again on the new head may succeed.
        public static let headMoved = Code("head_moved")

        public var description: String { name }
    }

    public let code: Code
    public let reason: String
    /// Where the failure was found, outermost first (e.g. `block 3`, `event 9f…`, `field quantity`).
    public var context: [String]

    public init(_ code: Code, _ reason: String, context: [String] = []) {
        self.code = code
        self.reason = reason
        self.context = context
    }

    /// This error with `place` prepended to its context.
    public func at(_ place: String) -> LedgerError {
        var copy = self
        copy.context.insert(place, at: 0)
        return copy
    }

    public var description: String {
        context.isEmpty ? reason : context.joined(separator: ", ") + ": " + reason
    }
}
