extension SignedEvent {
    /// The content this event states, checked as every adapter's records are: the event schema of its kind
    /// (``EventContent/init(kind:recordID:occurredAt:fields:)``), its values in the canonical form the signer writes,
    /// each sensitive field committed (never public) and disclosed, each commitment for a known field.
    ///
    /// This is how an event signed elsewhere enters the same admission path as a record read from a file: the
    /// ledger admits it only if it is exactly what signing that content here would have stated.
    ///
    /// - Throws: `invalidRecord` naming the field at fault.
    public func admissibleContent() throws(LedgerError) -> EventContent {
        let header = self.header
        if let problem = AdmissibleText.problem(in: header.signer, maximumBytes: AdmissibleText.maximumIDBytes) {
            throw LedgerError(.invalidRecord, "signer \(problem)", context: ["field signer"])
        }
        // Before any error names the record by its ID.
        try EventContent.checkRecordID(header.recordID)
        let place = "record \(header.recordID)"
        let rules = EventSchema.fieldsByName[header.kind] ?? [:]
        for name in header.commitments.keys.sorted() {
            guard let rule = rules[name], rule.sensitive else {
                throw LedgerError(
                    .invalidRecord,
                    "a commitment for '\(name)', which is not a sensitive field of a \(header.kind.rawValue) event",
                    context: [place, "field commitments"])
            }
            guard disclosures[name] != nil else {
                throw LedgerError(
                    .invalidRecord,
                    "the commitment for '\(name)' comes without its disclosure: the ledger admits only the sensitive values it can check",
                    context: [place, "field disclosures"])
            }
        }
        for name in header.publicFields.keys.sorted() where rules[name]?.sensitive == true {
            throw LedgerError(
                .invalidRecord,
                "'\(name)' is commercially sensitive: it must be committed as a salted digest with its disclosure, not stated in public fields",
                context: [place, "field \(name)"])
        }
        let content = try EventContent(
            kind: header.kind, recordID: header.recordID, occurredAt: header.occurredAt,
            fields: header.publicFields.merging(disclosures.mapValues(\.value)) { first, _ in first })
        for (name, value) in header.publicFields where content.publicFields[name] != value {
            throw LedgerError(
                .invalidRecord,
                "the value is not in its canonical form (\(Self.canonicalForm(content.publicFields[name])))",
                context: [place, "field \(name)"])
        }
        for (name, disclosure) in disclosures where content.sensitiveFields[name] != disclosure.value {
            throw LedgerError(
                .invalidRecord,
                "the disclosed value is not in its canonical form (\(Self.canonicalForm(content.sensitiveFields[name])))",
                context: [place, "field \(name)"])
        }
        return content
    }

    /// How a field's canonical value reads in an error: short, and only what the schema made of it.
    private static func canonicalForm(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?:
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "expected \"\(shown)\""
        case .number(let lexeme)?: return "expected \(lexeme)"
        case .array?: return "expected a JSON array of texts"
        case .object?: return "expected a JSON object"
        case .bool?, .null?, nil: return "dropped by the schema"
        }
    }
}
