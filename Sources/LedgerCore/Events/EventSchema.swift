/// The fields each kind of event carries: which are required, which are commercially sensitive
/// (committed only as salted digests), and how their values are normalised.
///
/// Normalising here is what makes the encoding canonical: a decimal is spelled one way, a
/// timestamp is UTC with its offset kept, a list is an array of strings.
public enum EventSchema {
    /// How a field's value is checked and normalised.
    public enum ValueType: Sendable {
        /// Non-empty text that ``AdmissibleText`` admits, at most ``AdmissibleText/maximumTextBytes`` long.
        case text
        /// Text as ``text``, at most ``AdmissibleText/maximumIDBytes`` long: a lot, a facility, a participant.
        case identifier
        /// One of the given words.
        case oneOf([String])
        /// An exact decimal; `positive` requires > 0, `nonNegative` ≥ 0.
        case decimal(DecimalBound)
        /// A list of identifiers, given as a JSON array or a `;`-separated string.
        case textList
        /// A list of exact decimals > 0.
        case decimalList
        /// A list of GTINs (8, 12, 13 or 14 digits with a valid check digit), each kept as its GTIN-14, without
        /// repeats.
        case gtinList
        /// A list of parties' GLNs (13 digits with a valid check digit, a PGLN URI or a Digital Link with `/417/`), each
        /// kept as its GLN-13, without repeats.
        case glnList
        /// An integer ≥ 0.
        case count
        /// A calendar date `YYYY-MM-DD`.
        case date
        /// A Harmonized System code: a heading (4 digits), a subheading (6), or a national subdivision of one (8 or
        /// 10, such as the EU's Combined Nomenclature), dots and spaces between the digits dropped.
        case hsCode
        /// An ISO 4217 currency code (three upper-case letters).
        case currency
        /// An ISO 3166-1 alpha-2 country code (two upper-case letters).
        case country
        /// 32 bytes as 64 lower-case hex digits.
        case digestHex
        /// An Ed25519 public key: 32 bytes, standard base64.
        case publicKey
        /// Any JSON object, kept as given (numbers must be integers or strings).
        case object
        /// A plot's GeoJSON geometry (a JSON object, or its text), checked by ``PlotGeometry`` and kept as compact
        /// GeoJSON text with its numbers as written.
        case geometry
    }

    /// The commodities of the EU deforestation regulation (Regulation (EU) 2023/1115, Art. 1), as a plot names them.
    public static let plotCommodities = ["cattle", "cocoa", "coffee", "oil_palm", "rubber", "soya", "wood"]

    public enum DecimalBound: Sendable { case positive, nonNegative, latitude, longitude, any }

    /// One field of one kind.
    public struct Field: Sendable {
        public let name: String
        public let type: ValueType
        public let required: Bool
        public let sensitive: Bool
    }

    /// Names of the sensitive fields of any kind, for redaction options.
    public static let sensitiveFieldNames = [
        "quantity", "unit_price", "currency", "destination", "origin", "carrier", "input_quantities", "flag", "note",
    ]

    /// Convenient groups of sensitive fields that a reader may withhold together.
    public static let redactionGroups: [String: [String]] = [
        "price": ["unit_price", "currency"],
        "quantity": ["quantity", "input_quantities"],
        "counterparty": ["destination", "origin"],
        "carrier": ["carrier"],
        "review": ["flag", "note"],
    ]

    private static func f(_ name: String, _ type: ValueType, required: Bool = false, sensitive: Bool = false) -> Field {
        Field(name: name, type: type, required: required, sensitive: sensitive)
    }

    private static let units = [
        "kg", "t", "g", "lb", "l", "ml", "m3", "pcs", "KGM", "TNE", "GRM", "LBR", "LTR", "MLT", "MTQ", "H87", "C62",
        "XBG", "XBX", "XPK",
    ]

    private static let lotFields: [Field] = [
        f("product", .identifier, required: true),
        f("lot", .identifier, required: true),
        f("facility", .identifier, required: true),
        f("unit", .oneOf(units), required: true),
        f("quantity", .decimal(.positive), required: true, sensitive: true),
        f("unit_price", .decimal(.nonNegative), sensitive: true),
        f("currency", .currency, sensitive: true),
        f("certificate", .identifier),
        f("serials", .textList),
    ]

    /// The EU deforestation regulation's due-diligence statement that covers the goods a ship or receive event passes
    /// on: its reference number and verification number in the EU Information System (docs/regulatory.md).
    private static let ddsFields: [Field] = [f("dds_reference", .identifier), f("dds_verification", .identifier)]

    /// The fields of each kind by name, built once: building content looks every field up.
    static let fieldsByName: [EventKind: [String: Field]] = Dictionary(
        uniqueKeysWithValues: EventKind.allCases.map { kind in
            (kind, Dictionary(fields(of: kind).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }))
        })

    /// The required fields of each kind, in documentation order.
    static let requiredFields: [EventKind: [Field]] = Dictionary(
        uniqueKeysWithValues: EventKind.allCases.map { kind in (kind, fields(of: kind).filter(\.required)) })

    /// The fields of `kind`, in documentation order. Every kind may also carry `extensions`, an
    /// object for data the ledger does not interpret (e.g. EPCIS extension elements), and `event_hash`, the CBV 2.0
    /// event hash ID of the EPCIS event it came from.
    public static func fields(of kind: EventKind) -> [Field] {
        let common = [f("extensions", .object), f("event_hash", .identifier)]
        switch kind {
        case .produce:
            // The production plots the lot came from (docs/regulatory.md).
            return lotFields + [f("plots", .textList)] + common
        case .ship:
            return lotFields + [
                f("shipment_id", .identifier, required: true),
                f("destination", .identifier, required: true, sensitive: true),
                f("carrier", .text, sensitive: true),
            ] + ddsFields + common
        case .receive:
            return lotFields + [
                f("shipment_id", .identifier, required: true),
                f("origin", .identifier, sensitive: true),
                f("carrier", .text, sensitive: true),
            ] + ddsFields + common
        case .transform:
            return lotFields + [
                f("input_lots", .textList, required: true),
                f("input_quantities", .decimalList, required: true, sensitive: true),
            ] + common
        case .observe:
            return [
                f("epcis_type", .text, required: true),
                f("biz_step", .text),
                f("disposition", .text),
                f("action", .oneOf(["ADD", "OBSERVE", "DELETE"])),
                f("facility", .identifier),
                f("product", .identifier),
                f("lot", .identifier),
                f("quantity", .decimal(.nonNegative), sensitive: true),
                f("unit", .text),
                f("epcs", .textList),
                f("parent_id", .identifier),
                f("shipment_id", .identifier),
                f("origin", .identifier, sensitive: true),
                f("destination", .identifier, sensitive: true),
                f("certificate", .identifier),
            ] + common
        case .facility:
            return [
                f("facility", .identifier, required: true),
                f("party", .identifier, required: true),
                f("name", .text, required: true),
                f(
                    "kind", .oneOf(["farm", "plot", "mine", "mill", "factory", "warehouse", "port", "retail"]),
                    required: true),
                f("country", .country, required: true),
                f("latitude", .decimal(.latitude), required: true),
                f("longitude", .decimal(.longitude), required: true),
                f("capacity_per_day", .decimal(.nonNegative)),
                f("unit", .oneOf(units)),
                f("workers", .count),
                f("certificate", .identifier),
                f("certificate_expires", .date),
                f("parent_facility", .identifier),
                // A production plot (kind plot, inside its farm): docs/regulatory.md.
                f("geometry", .geometry),
                f("area_ha", .decimal(.positive)),
                f("commodity", .oneOf(plotCommodities)),
                f("established", .date),
                f("evidence", .text),
            ] + common
        case .product:
            return [
                f("product", .identifier, required: true),
                f("name", .text, required: true),
                f("gtins", .gtinList),
                f("hs_code", .hsCode),
                f("same_as", .identifier),
            ] + common
        case .participant:
            return [
                f("action", .oneOf(["register", "revoke", "identify"]), required: true),
                f("participant", .identifier, required: true),
                f("name", .text),
                f("role", .oneOf(ParticipantRole.allCases.map(\.rawValue))),
                f("public_key", .publicKey),
                f("glns", .glnList),
            ] + common
        case .anchor:
            return [
                f("report_digest", .digestHex, required: true),
                f("pipeline_digest", .digestHex, required: true),
                // The fitted model's SHA-256 and the code version that fitted it (docs/verifiable-detection.md).
                f("model_digest", .digestHex),
                f("code_version", .text),
                f("from_size", .count, required: true),
                f("to_size", .count, required: true),
                f("checkpoint", .text),
                f("parameters", .object),
            ] + common
        case .review:
            return [
                // Which flag a review decides and why are the compliance office's: public readers see that a
                // review exists and its decision (docs/security.md).
                f("flag", .identifier, required: true, sensitive: true),
                f("decision", .oneOf(["confirmed", "dismissed"]), required: true),
                f("note", .text, required: true, sensitive: true),
                f("report_digest", .digestHex),
            ] + common
        }
    }

    /// Checks and normalises one field's value; the error's reason names what is wrong.
    public static func normalize(_ value: JSONValue, as type: ValueType, field: String) throws(LedgerError) -> JSONValue
    {
        func fail(_ reason: String) -> LedgerError {
            LedgerError(.invalidRecord, reason, context: ["field \(field)"])
        }
        func scalarText() throws(LedgerError) -> String {
            switch value {
            case .string(let text): return text
            case .number(let lexeme): return lexeme
            default: throw fail("expected a text or number value")
            }
        }
        func checkedText(_ text: String, maximumBytes: Int = AdmissibleText.maximumIDBytes) throws(LedgerError)
            -> String
        {
            guard !text.isEmpty else { throw fail("is empty") }
            if let problem = AdmissibleText.problem(in: text, maximumBytes: maximumBytes) { throw fail(problem) }
            return text
        }
        func listItems() throws(LedgerError) -> [String] {
            switch value {
            case .array(let elements):
                var items = [String]()
                for element in elements {
                    guard let text = element.stringValue ?? (element.integerValue.map(String.init)) else {
                        throw fail("list items must be texts")
                    }
                    items.append(text)
                }
                return items
            case .string(let text):
                return text.split(separator: ";", omittingEmptySubsequences: false)
                    .map { String($0).trimmingSpaces() }
            default:
                throw fail("expected a list (JSON array or ';'-separated text)")
            }
        }

        switch type {
        case .text:
            return .string(try checkedText(scalarText(), maximumBytes: AdmissibleText.maximumTextBytes))
        case .identifier:
            return .string(try checkedText(scalarText()))
        case .oneOf(let words):
            let text = try scalarText()
            guard words.contains(text) else { throw fail("'\(text)' is not one of \(words.joined(separator: ", "))") }
            return .string(text)
        case .decimal(let bound):
            let text = try scalarText()
            guard let decimal = ExactDecimal(text) else { throw fail("'\(text)' is not a decimal number") }
            switch bound {
            case .positive where decimal.isNegative || decimal.isZero:
                throw fail("must be greater than 0, got \(text)")
            case .nonNegative where decimal.isNegative:
                throw fail("must not be negative, got \(text)")
            case .latitude where abs(decimal.approximateValue) > 90:
                throw fail("latitude must be within -90…90, got \(text)")
            case .longitude where abs(decimal.approximateValue) > 180:
                throw fail("longitude must be within -180…180, got \(text)")
            default:
                return .string(decimal.text)
            }
        case .textList:
            let items = try listItems()
            var out = [JSONValue]()
            for item in items { out.append(.string(try checkedText(item))) }
            guard !out.isEmpty else { throw fail("the list is empty") }
            return .array(out)
        case .gtinList:
            var out = [JSONValue]()
            for item in try listItems() {
                guard let gtin = EPCIdentifier.gtin14(item) else {
                    throw fail("'\(item)' is not a GTIN: 8, 12, 13 or 14 digits whose last is the GS1 check digit")
                }
                if !out.contains(.string(gtin)) { out.append(.string(gtin)) }
            }
            guard !out.isEmpty else { throw fail("the list is empty") }
            return .array(out)
        case .glnList:
            var out = [JSONValue]()
            for item in try listItems() {
                guard let gln = GLN.party(item) else {
                    throw fail(
                        "'\(item)' is not a party's GLN: 13 digits whose last is the GS1 check digit, a PGLN URI (urn:epc:id:pgln:…) or a Digital Link with /417/"
                    )
                }
                if !out.contains(.string(gln)) { out.append(.string(gln)) }
            }
            guard !out.isEmpty else { throw fail("the list is empty") }
            return .array(out)
        case .decimalList:
            var out = [JSONValue]()
            for item in try listItems() {
                guard let decimal = ExactDecimal(item), !decimal.isNegative, !decimal.isZero else {
                    throw fail("'\(item)' is not a decimal greater than 0")
                }
                out.append(.string(decimal.text))
            }
            guard !out.isEmpty else { throw fail("the list is empty") }
            return .array(out)
        case .count:
            let text = try scalarText()
            guard let count = Int(text), count >= 0, count <= CanonicalJSON.maximumInteger else {
                throw fail("'\(text)' is not a whole number ≥ 0")
            }
            return .integer(count)
        case .hsCode:
            let text = try scalarText()
            let digits = text.filter { $0 != "." && $0 != " " }
            guard [4, 6, 8, 10].contains(digits.utf8.count), digits.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw fail("'\(text)' is not an HS code: 4, 6, 8 or 10 digits")
            }
            return .string(digits)
        case .date:
            let text = try scalarText()
            guard text.utf8.count == 10, (try? Timestamp(iso8601: text + "T00:00:00Z")) != nil else {
                throw fail("'\(text)' is not a date YYYY-MM-DD")
            }
            return .string(text)
        case .currency, .country:
            let length = if case .currency = type { 3 } else { 2 }
            let text = try scalarText()
            guard text.utf8.count == length,
                text.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
            else {
                throw fail("'\(text)' is not a \(length)-letter upper-case code")
            }
            return .string(text)
        case .digestHex:
            let text = try scalarText()
            guard Hex.decode(text)?.count == 32 else { throw fail("expected 64 lower-case hex digits") }
            return .string(text)
        case .publicKey:
            let text = try scalarText()
            guard Base64.decode(text)?.count == 32 else { throw fail("expected a 32-byte key in base64") }
            return .string(text)
        case .geometry:
            var geometry = value
            if case .string(let text) = value {
                do {
                    geometry = try JSONParser.parse(text)
                } catch {
                    throw fail("not GeoJSON: \(error)")
                }
            }
            do throws(LedgerError) {
                return .string(try PlotGeometry.normalizedText(geometry))
            } catch {
                throw LedgerError(error.code, error.reason, context: ["field \(field)"] + error.context)
            }
        case .object:
            guard case .object = value else { throw fail("expected a JSON object") }
            if let problem = AdmissibleText.problem(in: value, path: field) {
                throw LedgerError(.invalidRecord, problem.reason, context: ["field \(problem.path)"])
            }
            do {
                try CanonicalJSON.check(value)
            } catch {
                throw fail(error.reason)
            }
            return value
        }
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    package func trimmingSpaces() -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
