/// What one event states, with every value present and normalised: the form a submitter builds
/// and the ledger stores. Signing it (``SignedEvent/sign(_:signer:key:)``) commits the sensitive
/// fields as salted digests.
public struct EventContent: Sendable, Hashable {
    public let kind: EventKind
    /// The submitter's own ID for the record; unique per signer, the idempotency key.
    public let recordID: String
    /// When the attested fact happened, as the submitter stated it.
    public let occurredAt: Timestamp
    /// Fields anyone may read.
    public let publicFields: [String: JSONValue]
    /// Commercially sensitive fields; readers see them only if disclosed to them.
    public let sensitiveFields: [String: JSONValue]

    /// Builds content from field values, checking them against ``EventSchema``.
    ///
    /// - Throws: ``LedgerError`` with code `invalidRecord` naming the record and field at fault.
    public init(kind: EventKind, recordID: String, occurredAt: Timestamp, fields: [String: JSONValue])
        throws(LedgerError)
    {
        try self.init(kind: kind, recordID: recordID, occurredAt: occurredAt, fields: fields, skipping: [])
    }

    /// Builds content from `fields` less the members named in `skipped` (a record's envelope:
    /// `record_id`, `event`, `occurred_at`), so that a record's members need not be copied to
    /// remove them.
    private init(
        kind: EventKind, recordID: String, occurredAt: Timestamp, fields: [String: JSONValue],
        skipping skipped: [String]
    ) throws(LedgerError) {
        try Self.checkRecordID(recordID)
        let rules = EventSchema.fieldsByName[kind] ?? [:]
        var publicFields = [String: JSONValue](minimumCapacity: fields.count)
        var sensitiveFields = [String: JSONValue](minimumCapacity: fields.count)
        for (name, value) in fields where !skipped.contains(name) {
            guard let rule = rules[name] else {
                let known = EventSchema.fields(of: kind).map(\.name).joined(separator: ", ")
                throw LedgerError(
                    .invalidRecord,
                    "unknown field '\(name)' for a \(kind.rawValue) event (known: \(known); keep other data under 'extensions')",
                    context: ["record \(recordID)"])
            }
            if case .null = value { continue }
            do {
                let normalized = try EventSchema.normalize(value, as: rule.type, field: name)
                if rule.sensitive {
                    sensitiveFields[name] = normalized
                } else {
                    publicFields[name] = normalized
                }
            } catch {
                throw error.at("record \(recordID)")
            }
        }
        for rule in EventSchema.requiredFields[kind] ?? []
        where publicFields[rule.name] == nil && sensitiveFields[rule.name] == nil {
            throw LedgerError(
                .invalidRecord, "missing required field '\(rule.name)' for a \(kind.rawValue) event",
                context: ["record \(recordID)"])
        }
        if let problem = Self.crossFieldProblem(
            kind: kind, publicFields: publicFields, sensitiveFields: sensitiveFields)
        {
            throw LedgerError(.invalidRecord, problem, context: ["record \(recordID)"])
        }
        self.kind = kind
        self.recordID = recordID
        self.occurredAt = occurredAt
        self.publicFields = publicFields
        self.sensitiveFields = sensitiveFields
    }

    /// Refuses a record ID that is empty, too long, or holds a character ``AdmissibleText`` does not admit. Its
    /// errors never quote the ID, which every later error names.
    static func checkRecordID(_ recordID: String) throws(LedgerError) {
        guard !recordID.isEmpty else {
            throw LedgerError(.invalidRecord, "record_id is empty", context: ["field record_id"])
        }
        if let problem = AdmissibleText.problem(in: recordID, maximumBytes: AdmissibleText.maximumIDBytes) {
            throw LedgerError(.invalidRecord, "record_id \(problem)", context: ["field record_id"])
        }
    }

    /// Builds content from one input record: a JSON object with `record_id`, `event` (or `kind`),
    /// `occurred_at` and the kind's fields at the top level, as in the shipment CSV layout.
    ///
    /// For `transform`, `inputs` may be given as `"LOT-A:120.5;LOT-B:30"` or as an array of
    /// `{"lot": …, "quantity": …}` objects instead of `input_lots` and `input_quantities`.
    public init(record: JSONValue) throws(LedgerError) {
        guard let members = record.objectValue else {
            throw LedgerError(.invalidRecord, "a record must be a JSON object")
        }
        guard let recordID = members["record_id"]?.stringValue else {
            throw LedgerError(.invalidRecord, "missing required field 'record_id' (a text)")
        }
        // `kind` names the event only without `event`: a facility's `kind` is one of its fields.
        let kindKey = members["event"] == nil ? "kind" : "event"
        guard let kindName = members[kindKey]?.stringValue else {
            throw LedgerError(.invalidRecord, "missing required field 'event'", context: ["record \(recordID)"])
        }
        guard let kind = EventKind(rawValue: kindName) else {
            let kinds = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw LedgerError(
                .invalidRecord, "unknown event '\(kindName)' (one of: \(kinds))",
                context: ["record \(recordID)", "field event"])
        }
        guard let occurredText = members["occurred_at"]?.stringValue else {
            throw LedgerError(.invalidRecord, "missing required field 'occurred_at'", context: ["record \(recordID)"])
        }
        let occurredAt: Timestamp
        do {
            occurredAt = try Timestamp(iso8601: occurredText)
        } catch {
            throw LedgerError(.invalidRecord, error.reason, context: ["record \(recordID)", "field occurred_at"])
        }
        var envelope = ["record_id", kindKey, "occurred_at"]
        var fields = members
        if let inputs = members["inputs"] {
            let (lots, quantities) = try Self.splitInputs(inputs, recordID: recordID)
            fields["input_lots"] = .array(lots.map(JSONValue.string))
            fields["input_quantities"] = .array(quantities.map(JSONValue.string))
            envelope.append("inputs")
        }
        try self.init(kind: kind, recordID: recordID, occurredAt: occurredAt, fields: fields, skipping: envelope)
    }

    /// The record as one flat JSON object (the inverse of ``init(record:)``), all values included.
    public var record: JSONValue {
        var members = publicFields.merging(sensitiveFields) { first, _ in first }
        members["record_id"] = .string(recordID)
        members["event"] = .string(kind.rawValue)
        members["occurred_at"] = .string(occurredAt.local)
        return .object(members)
    }

    private static func splitInputs(_ inputs: JSONValue, recordID: String) throws(LedgerError) -> ([String], [String]) {
        let fail = LedgerError(
            .invalidRecord, "inputs must be 'LOT:QUANTITY;LOT:QUANTITY' or an array of {\"lot\", \"quantity\"}",
            context: ["record \(recordID)", "field inputs"])
        var lots = [String]()
        var quantities = [String]()
        switch inputs {
        case .string(let text):
            for part in text.split(separator: ";") {
                let pieces = part.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2 else { throw fail }
                lots.append(String(pieces[0]).trimmingSpaces())
                quantities.append(String(pieces[1]).trimmingSpaces())
            }
        case .array(let elements):
            for element in elements {
                guard let lot = element["lot"]?.stringValue else { throw fail }
                switch element["quantity"] {
                case .string(let text)?, .number(let text)?: quantities.append(text)
                default: throw fail
                }
                lots.append(lot)
            }
        default:
            throw fail
        }
        guard !lots.isEmpty else { throw fail }
        return (lots, quantities)
    }

    private static func crossFieldProblem(
        kind: EventKind, publicFields: [String: JSONValue], sensitiveFields: [String: JSONValue]
    ) -> String? {
        switch kind {
        case .transform:
            let lots = publicFields["input_lots"]?.arrayValue?.count
            let quantities = sensitiveFields["input_quantities"]?.arrayValue?.count
            if lots != quantities { return "input_lots and input_quantities must have the same number of entries" }
        case .participant:
            if publicFields["action"]?.stringValue == "register" {
                for name in ["name", "role", "public_key"] where publicFields[name] == nil {
                    return "registering a participant needs '\(name)'"
                }
            }
        case .observe:
            if (sensitiveFields["quantity"] == nil) != (publicFields["unit"] == nil) {
                return "quantity and unit go together: give both or neither"
            }
        case .facility:
            if let problem = plotProblem(publicFields) { return problem }
        case .ship, .receive, .produce, .product, .anchor, .review:
            break
        }
        if sensitiveFields["currency"] != nil, sensitiveFields["unit_price"] == nil {
            return "currency is given without unit_price"
        }
        return nil
    }
}

extension EventContent {
    /// What is wrong with a `facility` event's plot fields: a plot (kind `plot`) needs its geometry, area, commodity
    /// and farm (`parent_facility`), and its geometry must fit its area (``PlotGeometry/check(declaredHectares:commodity:)``);
    /// another facility has none of them.
    static func plotProblem(_ fields: [String: JSONValue]) -> String? {
        let plotFields = ["geometry", "area_ha", "commodity", "established", "evidence"]
        guard fields["kind"]?.stringValue == "plot" else {
            let given = plotFields.filter { fields[$0] != nil }
            return given.isEmpty ? nil : "\(given.joined(separator: ", ")) describe a plot (kind plot)"
        }
        for name in ["geometry", "area_ha", "commodity", "parent_facility"] where fields[name] == nil {
            return "a plot needs '\(name)'" + (name == "parent_facility" ? " (the farm it belongs to)" : "")
        }
        guard let text = fields["geometry"]?.stringValue, let geometryValue = try? JSONParser.parse(text),
            let geometry = try? PlotGeometry(geoJSON: geometryValue),
            let area = fields["area_ha"]?.stringValue.flatMap(Double.init),
            let commodity = fields["commodity"]?.stringValue
        else { return "a plot's geometry or area cannot be read" }
        do throws(LedgerError) {
            try geometry.check(declaredHectares: area, commodity: commodity)
            return nil
        } catch {
            return error.reason
        }
    }

    /// The `product` field, if the kind has one.
    public var product: String? { publicFields["product"]?.stringValue }
    /// The `lot` field (for `transform`, the output lot).
    public var lot: String? { publicFields["lot"]?.stringValue }
    /// The `facility` field.
    public var facility: String? { publicFields["facility"]?.stringValue }
    /// The `shipment_id` field.
    public var shipmentID: String? { publicFields["shipment_id"]?.stringValue }
    /// The lots a `transform` consumed.
    public var inputLots: [String] { publicFields["input_lots"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
