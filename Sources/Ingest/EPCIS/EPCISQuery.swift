public import LedgerCore

/// A simple event query of the GS1 EPCIS 2.0 REST binding, read from its query string (docs/epcis.md, "REST
/// interface"), and the values an exported event matches (``terms(of:)``), which the ledger's query index holds.
///
/// Each parameter is a clause that every event found matches; a parameter's values are alternatives, separated by
/// `|`. EPC patterns (`urn:epc:idpat:sgtin:4012345.012345.*`) match the EPCs (and, for the class parameters, the
/// classes and LGTINs) that begin as they do. CBV terms match in any of their three forms.
public struct EPCISQuery: Sendable, Hashable {
    public typealias Clause = EventQuery.Clause

    /// The query the parameters ask.
    public private(set) var query = EventQuery(perPage: Self.defaultPerPage)

    public static let defaultPerPage = 30
    public static let maximumPerPage = 1_000

    /// The event types.
    public static let eventTypes = [
        "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent",
    ]

    /// The parameters taken, besides `EQ_source_{type}` and `EQ_destination_{type}`.
    public static let parameterNames = [
        "eventType", "GE_eventTime", "LT_eventTime", "EQ_eventID", "EQ_action", "EQ_bizStep", "EQ_disposition",
        "EQ_readPoint", "EQ_bizLocation", "WD_readPoint", "WD_bizLocation", "MATCH_epc", "MATCH_parentID",
        "MATCH_inputEPC", "MATCH_outputEPC",
        "MATCH_anyEPC", "MATCH_epcClass", "MATCH_inputEPCClass", "MATCH_outputEPCClass", "MATCH_anyEPCClass",
        "perPage", "nextPageToken",
    ]

    /// The query of `parameters` (name, value), in the order given.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` naming the parameter, for an unknown or unsupported parameter, a
    ///   time that is not ISO 8601, an unknown event type, or `perPage` out of its bounds.
    /// `descendants` names the locations inside a location (its sub-locations, theirs, and so on), for `WD_readPoint`
    /// and `WD_bizLocation`.
    public init(
        parameters: [(name: String, value: String)], descendants: (String) -> [String] = { _ in [] }
    ) throws(LedgerError) {
        var ranked = [(rank: Int, clause: Clause)]()
        for (name, value) in parameters {
            func fail(_ reason: String) -> LedgerError {
                LedgerError(.invalidRecord, "query parameter \(name): \(reason)")
            }
            let values = value.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard !values.contains(where: \.isEmpty) else { throw fail("an empty value") }
            switch name {
            case "perPage":
                guard let count = Int(value), (1...Self.maximumPerPage).contains(count) else {
                    throw fail("an integer from 1 to \(Self.maximumPerPage), not '\(value.prefix(40))'")
                }
                query.perPage = count
            case "nextPageToken":
                query.pageToken = value
            case "GE_eventTime", "LT_eventTime":
                let time: Timestamp
                do {
                    // A `+` of an offset that the query string did not encode reads as a space.
                    time = try Timestamp(iso8601: value.replacingOccurrences(of: " ", with: "+"))
                } catch {
                    throw fail("an ISO 8601 time with its offset, not '\(value.prefix(40))'")
                }
                if name == "GE_eventTime" { query.from = time } else { query.until = time }
            case "eventType":
                if let unknown = values.first(where: { !Self.eventTypes.contains($0) }) {
                    throw fail(
                        "'\(unknown.prefix(40))' is no event type; the types are \(Self.eventTypes.joined(separator: ", "))"
                    )
                }
                ranked.append((6, Clause(names: ["eventType"], values: values)))
            case "EQ_eventID":
                ranked.append((0, Clause(names: ["eventID"], values: values)))
            case "EQ_action":
                ranked.append((5, Clause(names: ["action"], values: values)))
            case "EQ_bizStep", "EQ_disposition":
                let field = name == "EQ_bizStep" ? "bizStep" : "disposition"
                ranked.append((5, Clause(names: [field], values: values.map { Self.normal(field, $0) })))
            case "WD_readPoint", "WD_bizLocation":
                var locations = [String]()
                for location in values.flatMap({ [$0] + descendants($0) }).map(Self.identifier)
                where !locations.contains(location) {
                    locations.append(location)
                }
                ranked.append((3, Clause(names: [String(name.dropFirst(3))], values: locations)))
            case "EQ_readPoint", "EQ_bizLocation":
                ranked.append((3, Clause(names: [String(name.dropFirst(3))], values: values.map(Self.identifier))))
            case "MATCH_epc", "MATCH_parentID", "MATCH_inputEPC", "MATCH_outputEPC", "MATCH_anyEPC":
                let names =
                    switch name {
                    case "MATCH_epc": ["epc"]
                    case "MATCH_anyEPC": ["epc", "parentID", "inputEPC", "outputEPC"]
                    default: [String(name.dropFirst(6))]
                    }
                do {
                    ranked.append((1, try Self.patterns(values, names: names, classes: false)))
                } catch {
                    throw fail(error.reason)
                }
            case "MATCH_epcClass", "MATCH_inputEPCClass", "MATCH_outputEPCClass", "MATCH_anyEPCClass":
                let names =
                    switch name {
                    case "MATCH_epcClass": ["epcClass"]
                    case "MATCH_anyEPCClass": ["epcClass", "inputEPCClass", "outputEPCClass"]
                    default: [String(name.dropFirst(6))]
                    }
                do {
                    ranked.append((2, try Self.patterns(values, names: names, classes: true)))
                } catch {
                    throw fail(error.reason)
                }
            default:
                if let party = Self.partyField(name) {
                    ranked.append((4, Clause(names: [party], values: values.map(Self.identifier))))
                } else if ["EQ_", "GE_", "GT_", "LE_", "LT_", "WD_", "MATCH_", "EXISTS_", "HASATTR_", "EQATTR_"]
                    .contains(where: { name.hasPrefix($0) })
                {
                    throw fail(
                        "not supported here; the parameters taken are \(Self.parameterNames.joined(separator: ", ")), EQ_source_{type} and EQ_destination_{type}"
                    )
                } else {
                    throw fail(
                        "unknown; the parameters taken are \(Self.parameterNames.joined(separator: ", ")), EQ_source_{type} and EQ_destination_{type}"
                    )
                }
            }
        }
        // A stable sort: clauses of one rank keep their order.
        query.clauses = ranked.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
            .map(\.element.clause)
    }

    /// The index name of `EQ_source_{type}` or `EQ_destination_{type}`: `source:owning_party`.
    private static func partyField(_ parameter: String) -> String? {
        for side in ["source", "destination"] where parameter.hasPrefix("EQ_\(side)_") {
            let type = String(parameter.dropFirst("EQ_\(side)_".count))
            guard !type.isEmpty else { return nil }
            return "\(side):\(normal(side, type))"
        }
        return nil
    }

    /// A clause of EPCs or classes. A GTIN's pattern (`urn:epc:idpat:sgtin:4012345.012345.*`) matches, for EPCs, the
    /// serials of the GTIN and, for classes, the GTIN and its lots.
    private static func patterns(_ values: [String], names: [String], classes: Bool) throws(LedgerError) -> Clause {
        var exact = [String]()
        var prefixes = [String]()
        for value in values {
            guard value.hasPrefix("urn:epc:idpat:"), value.contains("*") else {
                exact.append(identifier(value))
                continue
            }
            guard let gtin = GS1DigitalLink.canonical(value) else {
                throw LedgerError(
                    .invalidRecord,
                    "the pattern '\(value.prefix(80))' is not a GTIN's; patterns here name a company prefix and an item reference (urn:epc:idpat:sgtin:4012345.012345.*)"
                )
            }
            if classes {
                exact.append(gtin)
                prefixes.append(gtin + "/10/")
            } else {
                prefixes.append(gtin + "/21/")
            }
        }
        return Clause(names: names, values: exact, prefixes: prefixes)
    }

    /// A GS1 identifier (EPC URI, class, Digital Link) in one form, its canonical Digital Link; another as written.
    static func identifier(_ value: String) -> String {
        GS1DigitalLink.canonical(value) ?? value
    }

    /// `value` of the vocabulary field `field` in one form: a CBV term as its bare word, anything else as written.
    static func normal(_ field: String, _ value: String) -> String {
        let vocabulary: (urn: String, web: String)? =
            switch field {
            case "bizStep": ("bizstep", "BizStep")
            case "disposition": ("disp", "Disp")
            case "source", "destination": ("sdt", "SDT")
            default: nil
            }
        guard let vocabulary else { return value }
        return CBV.term(value, urn: vocabulary.urn, web: vocabulary.web) ?? value
    }

    // MARK: What an event matches

    /// The (name, value) pairs the exported event `tree` (``EPCISExport/events(_:productOfLot:)``) matches: those its
    /// JSON-LD form gives ``terms(of:)``, read from the tree itself.
    public static func terms(ofExported tree: XMLTree) -> [(name: String, value: String)] {
        var terms: [(name: String, value: String)] = [("eventType", tree.name.localName)]
        func add(_ name: String, _ text: String) {
            if !text.isEmpty { terms.append((name, identifier(text))) }
        }
        let lists = [
            "epcList": "epc", "childEPCs": "epc", "inputEPCList": "inputEPC", "outputEPCList": "outputEPC",
        ]
        let quantities = [
            "quantityList": "epcClass", "childQuantityList": "epcClass", "inputQuantityList": "inputEPCClass",
            "outputQuantityList": "outputEPCClass",
        ]
        for child in tree.children where child.name.namespaceURI.isEmpty {
            let field = child.name.localName
            switch field {
            case "eventID", "action":
                if !child.trimmedText.isEmpty { terms.append((field, child.trimmedText)) }
            case "bizStep", "disposition":
                if !child.trimmedText.isEmpty { terms.append((field, normal(field, child.trimmedText))) }
            case "readPoint", "bizLocation":
                add(field, child.children.first { $0.name.localName == "id" }?.trimmedText ?? "")
            case "parentID":
                add(field, child.trimmedText)
            case "sourceList", "destinationList":
                let side = field == "sourceList" ? "source" : "destination"
                for item in child.children {
                    guard let type = item.attribute("type") else { continue }
                    add("\(side):\(normal(side, type))", item.trimmedText)
                }
            default:
                if let name = lists[field] {
                    for epc in child.children { add(name, epc.trimmedText) }
                } else if let name = quantities[field] {
                    for element in child.children {
                        add(name, element.children.first { $0.name.localName == "epcClass" }?.trimmedText ?? "")
                    }
                }
            }
        }
        var seen = Set<String>()
        return terms.filter { seen.insert($0.name + "\u{0}" + $0.value).inserted }
    }

    /// The (name, value) pairs `event` (an event of an EPCIS 2.0 JSON-LD document) matches, as ``Clause`` names
    /// them.
    public static func terms(of event: JSONValue) -> [(name: String, value: String)] {
        var terms = [(name: String, value: String)]()
        func add(_ name: String, _ value: JSONValue?) {
            if let text = value?.stringValue, !text.isEmpty { terms.append((name, identifier(text))) }
        }
        for name in ["type", "eventID", "action"] {
            if let text = event[name]?.stringValue { terms.append((name == "type" ? "eventType" : name, text)) }
        }
        for field in ["bizStep", "disposition"] {
            if let value = event[field]?.stringValue { terms.append((field, normal(field, value))) }
        }
        add("readPoint", event["readPoint"]?["id"])
        add("bizLocation", event["bizLocation"]?["id"])
        add("parentID", event["parentID"])
        for (list, name) in [
            ("epcList", "epc"), ("childEPCs", "epc"), ("inputEPCList", "inputEPC"), ("outputEPCList", "outputEPC"),
        ] {
            for item in event[list]?.arrayValue ?? [] { add(name, item) }
        }
        for (list, name) in [
            ("quantityList", "epcClass"), ("childQuantityList", "epcClass"), ("inputQuantityList", "inputEPCClass"),
            ("outputQuantityList", "outputEPCClass"),
        ] {
            for item in event[list]?.arrayValue ?? [] { add(name, item["epcClass"]) }
        }
        for side in ["source", "destination"] {
            for item in event[side + "List"]?.arrayValue ?? [] {
                guard let type = item["type"]?.stringValue else { continue }
                add("\(side):\(normal(side, type))", item[side])
            }
        }
        // Each pair once, in a stable order.
        var seen = Set<String>()
        return terms.filter { seen.insert($0.name + "\u{0}" + $0.value).inserted }
    }
}

/// Ledger events as EPCIS events for the query index: the parts of a split event are one event (``EPCISExport``
/// joins them), and each matches the values its export holds; an event without an `eventID` is found by its CBV 2.0
/// event hash.
public struct EPCISQueryView: QueryIndexView {
    public init() {}

    public func eventKey(of event: SignedEvent) -> String? {
        guard EPCISExport.exportedKinds.contains(event.header.kind) else { return nil }
        return event.header.signer + "\u{0}" + EPCISExport.baseID(of: event.header.recordID)
    }

    public func terms(of parts: [SignedEvent]) -> [(name: String, value: String)] {
        guard let tree = EPCISExport.events(parts.map { EPCISExport.Event($0) }).first else { return [] }
        var terms = EPCISQuery.terms(ofExported: tree)
        if !terms.contains(where: { $0.name == "eventID" }),
            let hash = parts.first?.visibleFields["event_hash"]?.stringValue
        {
            terms.append(("eventID", hash))
        }
        return terms
    }
}
