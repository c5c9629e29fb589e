public import LedgerCrypto

/// Signs events as one participant with one key: builds each content's statement (sensitive fields
/// committed with salts derived from the key, see ``Disclosure``) and signs it.
///
/// The salt key is derived once, so a signer made for a batch costs nothing per event beyond the
/// event itself. Safe to share across threads.
public struct EventSigner: Sendable {
    /// The participant ID that signs.
    public let participant: String
    public let key: Ed25519.PrivateKey
    private let saltKey: SHA256.HMACKey

    public init(participant: String, key: Ed25519.PrivateKey) {
        self.participant = participant
        self.key = key
        saltKey = Disclosure.saltKey(for: key)
    }

    /// Signs `content`.
    public func sign(_ content: EventContent) throws(LedgerError) -> SignedEvent {
        let prepared = try statement(for: content)
        let signature = try signature(for: prepared.bytes, of: content)
        return SignedEvent(
            statement: prepared.bytes, signature: signature, header: prepared.header, disclosures: prepared.disclosures)
    }

    /// What a store keeps of a signed content: statement, signature, ID and the canonical JSON of
    /// the disclosures array.
    package struct SignedRow: Sendable {
        package let statement: [UInt8]
        package let signature: [UInt8]
        package let id: Digest
        package let disclosures: [UInt8]
    }

    /// Signs `content` for a store that keeps only its row: the same statement and signature as
    /// ``sign(_:)``, and the disclosures array as the signer writes it anyway, without decoding the
    /// statement into a ``SignedEvent`` (its header's and disclosures' dictionaries), which a bulk
    /// import never reads.
    package func signRow(_ content: EventContent) throws(LedgerError) -> SignedRow {
        let written = try write(content)
        return SignedRow(
            statement: written.bytes, signature: try signature(for: written.bytes, of: content),
            id: SHA256.hash(written.bytes),
            disclosures: written.disclosuresJSON)
    }

    private func signature(for statement: [UInt8], of content: EventContent) throws(LedgerError) -> [UInt8] {
        do {
            return try key.signature(for: statement)
        } catch {
            throw LedgerError(.invalidState, "cannot sign: \(error.reason)", context: ["record \(content.recordID)"])
        }
    }

    /// The ID `content` gets when signed, without signing it: what an importer compares with a
    /// stored record of the same record ID.
    public func id(of content: EventContent) throws(LedgerError) -> Digest {
        SHA256.hash(try write(content).bytes)
    }

    private func statement(for content: EventContent) throws(LedgerError) -> Statement {
        try Self.statement(for: content, participant: participant, saltKey: saltKey)
    }

    /// The statement's bytes and its disclosures array, without decoding either.
    private func write(_ content: EventContent) throws(LedgerError) -> (bytes: [UInt8], disclosuresJSON: [UInt8]) {
        try Self.write(content, participant: participant, saltKey: saltKey) { _, _, _, _ in }
    }

    /// A statement with its decoded header and its disclosures.
    struct Statement {
        let bytes: [UInt8]
        let header: SignedEvent.Header
        let disclosures: [String: Disclosure]
    }

    /// The statement `participant` signs for `content`, its header and disclosures. Without a salt
    /// key only content without sensitive fields has a statement.
    static func statement(for content: EventContent, participant: String, saltKey: SHA256.HMACKey?) throws(LedgerError)
        -> Statement
    {
        var disclosures = [String: Disclosure](minimumCapacity: content.sensitiveFields.count)
        var commitments = [String: String](minimumCapacity: content.sensitiveFields.count)
        let written = try write(content, participant: participant, saltKey: saltKey) { name, salt, value, digest in
            disclosures[name] = Disclosure(salt: salt, name: name, value: value)
            commitments[name] = digest
        }
        let header = SignedEvent.Header(
            kind: content.kind, signer: participant, recordID: content.recordID, occurredAt: content.occurredAt,
            publicFields: content.publicFields, commitments: commitments)
        return Statement(bytes: written.bytes, header: header, disclosures: disclosures)
    }

    /// Writes the statement `participant` signs for `content` and the canonical JSON of its
    /// disclosures array sorted by name, passing each disclosure's name, salt, value and digest to
    /// `disclose` as it is made.
    ///
    /// The canonical JSON is written directly, members in RFC 8785 order, rather than built as a
    /// `JSONValue` and encoded: the same bytes (`CanonicalJSON.encode` of
    /// `{"v", "kind", "signer", "record_id", "occurred_at", "occurred_offset", "fields", "commitments"}`)
    /// at a fraction of the allocations.
    private static func write(
        _ content: EventContent, participant: String, saltKey: SHA256.HMACKey?,
        disclose: (_ name: String, _ salt: String, _ value: JSONValue, _ digest: String) -> Void
    ) throws(LedgerError) -> (bytes: [UInt8], disclosuresJSON: [UInt8]) {
        let sensitive = CanonicalJSON.sortedMembers(content.sensitiveFields)
        var digests = [String]()
        digests.reserveCapacity(sensitive.count)
        // Each disclosure's canonical `[salt, name, value]`, one after another: hashed for its
        // commitment and joined into the disclosures array.
        var canonical = [UInt8]()
        var ranges = [Range<Int>]()
        ranges.reserveCapacity(sensitive.count)
        for (name, value) in sensitive {
            guard let saltKey else {
                throw LedgerError(
                    .invalidRecord, "a statement with sensitive fields needs the signer's key to derive their salts",
                    context: ["record \(content.recordID)"])
            }
            let salt = Disclosure.salt(signer: participant, recordID: content.recordID, name: name, saltKey: saltKey)
            let start = canonical.count
            try Disclosure.appendCanonical(salt: salt, name: name, value: value, to: &canonical)
            ranges.append(start..<canonical.count)
            let digest = Disclosure.digest(ofCanonical: canonical[start...])
            disclose(name, salt, value, digest)
            digests.append(digest)
        }

        var out = [UInt8]()
        out.reserveCapacity(256 + 64 * sensitive.count)
        let occurredAtUTC = content.occurredAt.utc
        do {
            // Members in canonical order: commitments, fields, kind, occurred_at, occurred_offset,
            // record_id, signer, v.
            out.append(contentsOf: #"{"commitments":{"#.utf8)
            for (index, member) in sensitive.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.append(string: member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                CanonicalJSON.append(string: digests[index], to: &out)
            }
            out.append(contentsOf: #"},"fields":"#.utf8)
            try CanonicalJSON.append(sortedMembers: CanonicalJSON.sortedMembers(content.publicFields), to: &out)
            out.append(contentsOf: #","kind":"#.utf8)
            CanonicalJSON.append(string: content.kind.rawValue, to: &out)
            out.append(contentsOf: #","occurred_at":"#.utf8)
            CanonicalJSON.append(string: occurredAtUTC, to: &out)
            out.append(contentsOf: #","occurred_offset":"#.utf8)
            CanonicalJSON.append(string: content.occurredAt.offset, to: &out)
            out.append(contentsOf: #","record_id":"#.utf8)
            CanonicalJSON.append(string: content.recordID, to: &out)
            out.append(contentsOf: #","signer":"#.utf8)
            CanonicalJSON.append(string: participant, to: &out)
            out.append(contentsOf: #","v":"#.utf8)
            try CanonicalJSON.append(.integer(SignedEvent.formatVersion), to: &out)
            out.append(UInt8(ascii: "}"))
        } catch {
            throw LedgerError(.invalidRecord, error.reason, context: ["record \(content.recordID)"])
        }

        // The disclosures array is ordered by name as Swift compares strings
        // (`SignedEvent.disclosuresJSON`), which for the schema's ASCII names is the canonical order.
        var order = Array(ranges.indices)
        if !sensitive.indices.dropFirst().allSatisfy({ sensitive[$0 - 1].key < sensitive[$0].key }) {
            order.sort { sensitive[$0].key < sensitive[$1].key }
        }
        var disclosuresJSON = [UInt8]()
        disclosuresJSON.reserveCapacity(canonical.count + ranges.count + 2)
        disclosuresJSON.append(UInt8(ascii: "["))
        for (position, index) in order.enumerated() {
            if position > 0 { disclosuresJSON.append(UInt8(ascii: ",")) }
            disclosuresJSON.append(contentsOf: canonical[ranges[index]])
        }
        disclosuresJSON.append(UInt8(ascii: "]"))
        return (out, disclosuresJSON)
    }
}
