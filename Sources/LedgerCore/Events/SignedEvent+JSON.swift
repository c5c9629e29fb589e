/// The two JSON forms of an event: the transport form, which carries the signed bytes and
/// verifies anywhere, and the reader's summary.
extension SignedEvent {
    /// The event as it travels in proof bundles and batches: `{"statement": {…}, "signature": base64,
    /// "disclosures": [[salt, name, value], …]}`, the statement as a JSON object whose canonical bytes
    /// are the signed bytes, the disclosures sorted by name (`docs/encoding.md`).
    public var transportJSON: JSONValue {
        // The statement was decoded from canonical bytes, so decoding it again cannot fail.
        let statement = (try? CanonicalJSON.decode(statement)) ?? .null
        return .object([
            "statement": statement,
            "signature": .string(Base64.encode(signature)),
            "disclosures": disclosuresJSON,
        ])
    }

    /// Reads the transport form, checking the statement and every disclosure against its
    /// commitment (not the signature: that needs the signer's key).
    ///
    /// - Throws: `invalidRecord` for a malformed member, `tampered` for a disclosure that does not
    ///   match its commitment.
    public init(transportJSON value: JSONValue) throws(LedgerError) {
        guard let members = value.objectValue, Set(members.keys) == ["statement", "signature", "disclosures"],
            let statementValue = members["statement"], let signatureText = members["signature"]?.stringValue,
            let signature = Base64.decode(signatureText), let disclosureValues = members["disclosures"]?.arrayValue
        else {
            throw LedgerError(
                .invalidRecord, "an event is an object of statement, signature (base64) and disclosures (array)")
        }
        var disclosures = [Disclosure]()
        for item in disclosureValues { disclosures.append(try Disclosure(json: item)) }
        guard zip(disclosures, disclosures.dropFirst()).allSatisfy({ $0.name < $1.name }) else {
            throw LedgerError(.invalidRecord, "the disclosures are not sorted by name")
        }
        let statement: [UInt8]
        do {
            statement = try CanonicalJSON.encode(statementValue)
        } catch {
            throw LedgerError(.invalidRecord, "the statement has no canonical form: \(error.reason)")
        }
        try self.init(statement: statement, signature: signature, disclosures: disclosures)
    }

    /// What a reader sees: ID, kind, signer, record ID, time (with its original offset), the
    /// visible fields, the names of withheld ones, and where the event sits when given.
    public func summaryJSON(index: Int? = nil, blockHeight: Int? = nil) -> JSONValue {
        var members = [String: JSONValue](minimumCapacity: 10)
        members["id"] = .string(id.hex)
        members["kind"] = .string(header.kind.rawValue)
        members["signer"] = .string(header.signer)
        members["record_id"] = .string(header.recordID)
        members["occurred_at"] = .string(header.occurredAt.local)
        members["fields"] = .object(disclosures.isEmpty ? header.publicFields : visibleFields)
        let withheld = withheldFields
        if !withheld.isEmpty { members["withheld"] = .array(withheld.map(JSONValue.string)) }
        if let index { members["index"] = .integer(index) }
        if let blockHeight { members["block"] = .integer(blockHeight) }
        return .object(members)
    }
}
