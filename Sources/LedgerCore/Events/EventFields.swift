public import LedgerCrypto

/// A stored event's header and visible fields, read straight from its statement and disclosure
/// bytes: what bulk readers (the anomaly pipeline) need, without building a ``SignedEvent`` and its
/// dictionaries.
///
/// Every disclosure is checked against its commitment, as ``SignedEvent`` does; the canonical form
/// of the bytes and the encoding of commitments nothing discloses are left to verification.
public struct EventFields: Sendable {
    /// SHA-256 of the statement: the event ID.
    public let id: Digest
    public let kind: EventKind
    public let signer: String
    public let recordID: String
    public let occurredAt: Timestamp
    /// The visible fields: the public ones, then the disclosed sensitive ones. Each name appears
    /// once; a public value wins over a disclosed one, as in ``SignedEvent/visibleFields``.
    public let fields: [(name: String, value: JSONValue)]

    /// Reads a stored event's statement and its canonical JSON array of disclosures.
    public init(statement: [UInt8], disclosures: [UInt8]) throws(LedgerError) {
        var header: (kind: EventKind?, signer: String?, recordID: String?, occurred: String?, offset: String?)
        var fields = [(name: String, value: JSONValue)]()
        var commitments = [(name: String, digest: String)]()
        /// Bit i: member i of ``SignedEvent/statementMembers`` was read.
        var seen = 0
        do {
            var parser = JSONParser(document: statement)
            try parser.beginObject()
            while let member = try parser.nextMember() {
                guard let slot = SignedEvent.statementMembers.firstIndex(of: member), seen & 1 << slot == 0 else {
                    throw LedgerError(
                        .tampered, "the signed statement has an unexpected or repeated member '\(member)'")
                }
                seen |= 1 << slot
                switch member {
                case "fields":
                    try parser.beginObject()
                    while let name = try parser.nextMember() {
                        guard !fields.contains(where: { $0.name == name }) else {
                            throw LedgerError(
                                .tampered, "field '\(name)' appears twice in the signed statement",
                                context: ["field \(name)"])
                        }
                        fields.append((name, try parser.value()))
                    }
                case "commitments":
                    try parser.beginObject()
                    while let name = try parser.nextMember() {
                        guard case .string(let digest) = try parser.value(),
                            !commitments.contains(where: { $0.name == name })
                        else {
                            throw LedgerError(
                                .tampered, "the commitment of '\(name)' is repeated or not a string",
                                context: ["field \(name)"])
                        }
                        commitments.append((name, digest))
                    }
                case "v":
                    guard try parser.value().integerValue == SignedEvent.formatVersion else {
                        throw LedgerError(.tampered, "unsupported statement version", context: ["field v"])
                    }
                case "kind":
                    guard let kind = try parser.value().stringValue.flatMap(EventKind.init(rawValue:)) else {
                        throw LedgerError(.tampered, "unknown event kind", context: ["field kind"])
                    }
                    header.kind = kind
                case "signer": header.signer = try parser.value().stringValue
                case "record_id": header.recordID = try parser.value().stringValue
                case "occurred_at": header.occurred = try parser.value().stringValue
                default: header.offset = try parser.value().stringValue
                }
            }
            try parser.finish()
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.tampered, "the signed statement is not JSON: \(error)")
        }
        guard seen == 1 << SignedEvent.statementMembers.count - 1, let kind = header.kind, let signer = header.signer,
            let recordID = header.recordID, let occurred = header.occurred, let offset = header.offset
        else {
            throw LedgerError(.tampered, "the signed statement lacks a member or has one of the wrong type")
        }
        do {
            occurredAt = try Timestamp(utc: occurred, offset: offset)
        } catch {
            throw LedgerError(.tampered, error.reason, context: ["field occurred_at"])
        }
        let publicCount = fields.count
        var disclosed = [String]()
        do {
            var parser = JSONParser(document: disclosures)
            try parser.beginArray()
            while try parser.nextElement() {
                let disclosure: Disclosure
                do {
                    disclosure = try Disclosure(json: parser.value())
                } catch let error as LedgerError {
                    throw LedgerError(.tampered, "a stored disclosure is malformed: \(error.reason)")
                }
                try disclosure.check(
                    against: commitments.first { $0.name == disclosure.name }?.digest,
                    alreadyDisclosed: disclosed.contains(disclosure.name))
                disclosed.append(disclosure.name)
                if !fields[..<publicCount].contains(where: { $0.name == disclosure.name }) {
                    fields.append((disclosure.name, disclosure.value))
                }
            }
            try parser.finish()
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.tampered, "stored disclosures are not a JSON array: \(error)")
        }
        id = SHA256.hash(statement)
        self.kind = kind
        self.signer = signer
        self.recordID = recordID
        self.fields = fields
    }
}
