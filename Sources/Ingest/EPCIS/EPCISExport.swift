public import LedgerCore

/// Ledger events written back as GS1 EPCIS 2.0 events (docs/epcis.md, "Export"): the inverse of ``EPCISMapping``,
/// so that an event imported from EPCIS, exported and imported again gives the same ledger contents.
///
/// Each event is built as the element tree of its XML form: first what the ledger kept in `extensions` (every child
/// of the original event that no field holds), then the standard fields the ledger's fields hold (`eventTime`, the
/// location, the objects and quantities, the shipment's counterparty). The parts an event was split into (`#1`,
/// `#2`…, one per product class) are joined again. An event that did not come from EPCIS gets the EPCIS event its
/// kind stands for: `produce` an `ObjectEvent` with action `ADD` and business step `commissioning`, `ship` and
/// `receive` `shipping` and `receiving` with the shipment as a despatch advice, `transform` a `TransformationEvent`.
/// Each event also names its ledger event in ``namespace`` (`ledgerEvent`, `proof`), which the importer and the
/// event hash leave out.
public enum EPCISExport {
    /// The namespace of what the ledger adds to an exported event.
    public static let namespace = "urn:provenance:epcis"

    /// The prefixes an exported document gives the namespaces it knows, in JSON-LD and XML alike; another namespace
    /// is `ext1`, `ext2`… in the order it is met.
    static let prefixes = [
        namespace: "prov", EPCISMapping.masterDataNamespace: "cbvmda", EPCISMapping.eudrNamespace: "eudr",
    ]

    /// One ledger event to export.
    public struct Event: Sendable {
        public let kind: EventKind
        public let recordID: String
        public let occurredAt: Timestamp
        /// Every field the reader may see (public and disclosed sensitive ones).
        public let fields: [String: JSONValue]
        /// The ledger event's ID, as hex.
        public let ledgerID: String

        public init(
            kind: EventKind, recordID: String, occurredAt: Timestamp, fields: [String: JSONValue], ledgerID: String
        ) {
            self.kind = kind
            self.recordID = recordID
            self.occurredAt = occurredAt
            self.fields = fields
            self.ledgerID = ledgerID
        }

        /// `event` with the fields its reader sees (withhold the others first).
        public init(_ event: SignedEvent) {
            self.init(
                kind: event.header.kind, recordID: event.header.recordID, occurredAt: event.header.occurredAt,
                fields: event.visibleFields, ledgerID: event.id.hex)
        }

        public init(content: EventContent, ledgerID: String) {
            self.init(
                kind: content.kind, recordID: content.recordID, occurredAt: content.occurredAt,
                fields: content.publicFields.merging(content.sensitiveFields) { visible, _ in visible },
                ledgerID: ledgerID)
        }
    }

    /// The kinds of events that are EPCIS events (the others are master data, reviews and anchors).
    public static let exportedKinds: Set<EventKind> = [.produce, .ship, .receive, .transform, .observe]

    /// The EPCIS events of `events` (in their order, parts joined; kinds that are no EPCIS events left out), as
    /// element trees. `productOfLot` names the product of a transformation's input lot, which its event does not.
    public static func events(_ events: [Event], productOfLot: (String) -> String? = { _ in nil }) -> [XMLTree] {
        var order = [String]()
        var parts = [String: [Event]]()
        for event in events where exportedKinds.contains(event.kind) {
            let base = baseID(of: event)
            if parts[base] == nil { order.append(base) }
            parts[base, default: []].append(event)
        }
        return order.compactMap { parts[$0] }.map { tree(of: $0, productOfLot: productOfLot) }
    }

    /// The record ID without the part number the importer gave a split event.
    static func baseID(of event: Event) -> String {
        baseID(of: event.recordID)
    }

    /// `recordID` without the part number (`#2`) the importer gives each part of a split event.
    public static func baseID(of recordID: String) -> String {
        guard let hash = recordID.lastIndex(of: "#") else { return recordID }
        let suffix = recordID[recordID.index(after: hash)...]
        return !suffix.isEmpty && suffix.allSatisfy(\.isNumber) ? String(recordID[..<hash]) : recordID
    }

    /// The ID of the EPCIS event a record came from: its record ID without a part number or the suffix of an error
    /// declaration.
    static func eventID(of event: Event) -> String {
        let base = baseID(of: event)
        let declaration = "#error-declaration"
        return base.hasSuffix(declaration) ? String(base.dropLast(declaration.count)) : base
    }

    // MARK: One event

    private static func tree(of parts: [Event], productOfLot: (String) -> String?) -> XMLTree {
        let first = parts[0]
        let fields = first.fields
        let extensions = fields["extensions"]?.objectValue ?? [:]
        let type: String =
            switch first.kind {
            case .transform: "TransformationEvent"
            case .observe: fields["epcis_type"]?.stringValue ?? "ObjectEvent"
            default: "ObjectEvent"
            }
        var children = [XMLTree]()
        func add(_ name: String, _ text: String?) {
            guard let text, !text.isEmpty else { return }
            children.append(XMLTree(name: XMLName(name), text: text, line: 0))
        }
        func has(_ name: String) -> Bool { extensions[name] != nil }

        add("eventTime", first.occurredAt.local)
        // EPCIS writes UTC's offset as +00:00, never Z.
        let offset = first.occurredAt.offset
        add("eventTimeZoneOffset", offset == "Z" ? "+00:00" : offset)
        // An event without eventID is named by its hash; one from elsewhere by its record.
        let fromEPCIS = fields["event_hash"] != nil
        if !has("eventID"), fields["event_hash"]?.stringValue != eventID(of: first) {
            add("eventID", "urn:provenance:record:" + baseID(of: first))
        }
        if let certificate = fields["certificate"]?.stringValue, !has("certificationInfo") {
            add("certificationInfo", certificate)
        }
        if first.kind == .observe {
            add("parentID", has("parentID") ? nil : fields["parent_id"]?.stringValue)
        }

        // Objects and quantities, in the lists the event's type uses.
        let (epcList, quantityList) =
            switch (first.kind, type) {
            case (.transform, _), (_, "TransformationEvent"): ("outputEPCList", "outputQuantityList")
            case (_, "AggregationEvent"), (_, "AssociationEvent"): ("childEPCs", "childQuantityList")
            default: ("epcList", "quantityList")
            }
        var epcs = [XMLTree]()
        var quantities = [XMLTree]()
        for part in parts {
            let serials = (part.fields["serials"] ?? part.fields["epcs"])?.arrayValue?.compactMap(\.stringValue) ?? []
            epcs += serials.map { XMLTree(name: XMLName("epc"), text: $0, line: 0) }
            let derivedFromEPCs =
                !serials.isEmpty && part.fields["unit"]?.stringValue == "pcs"
                && part.fields["quantity"]?.stringValue == String(serials.count)
            guard !derivedFromEPCs, let product = part.fields["product"]?.stringValue else { continue }
            quantities.append(
                quantityElement(
                    product: product, lot: part.fields["lot"]?.stringValue,
                    quantity: part.fields["quantity"]?.stringValue, unit: part.fields["unit"]?.stringValue))
        }
        if !epcs.isEmpty { children.append(XMLTree(name: XMLName(epcList), children: epcs, line: 0)) }
        if !quantities.isEmpty { children.append(XMLTree(name: XMLName(quantityList), children: quantities, line: 0)) }
        if first.kind == .transform {
            let lots = fields["input_lots"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let amounts = fields["input_quantities"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let units = extensions["input_units"]?.arrayValue?.compactMap(\.stringValue)
            let products = extensions["input_products"]?.arrayValue?.map(\.stringValue)
            // Input quantities are sensitive: a reader who may not see them sees the input lots without them.
            let inputs = lots.enumerated().map { index, lot in
                let product = products.flatMap { index < $0.count ? $0[index] : nil }
                return quantityElement(
                    product: product ?? productOfLot(lot) ?? lot, lot: lot,
                    quantity: index < amounts.count ? amounts[index] : nil,
                    unit: units.map { index < $0.count ? $0[index] : "" } ?? fields["unit"]?.stringValue)
            }
            if !inputs.isEmpty {
                children.append(XMLTree(name: XMLName("inputQuantityList"), children: inputs, line: 0))
            }
        }

        switch first.kind {
        case .produce:
            if !has("action") { add("action", "ADD") }
            if !has("bizStep") { add("bizStep", "urn:epcglobal:cbv:bizstep:commissioning") }
        case .ship, .receive:
            if !has("action") { add("action", "OBSERVE") }
            if !has("bizStep") {
                add("bizStep", "urn:epcglobal:cbv:bizstep:" + (first.kind == .ship ? "shipping" : "receiving"))
            }
        case .observe:
            for (field, element) in [("action", "action"), ("biz_step", "bizStep"), ("disposition", "disposition")]
            where !has(element) {
                add(element, fields[field]?.stringValue)
            }
        default:
            break
        }

        // The facility is the business location (an EPCIS event's own is in `extensions`).
        if let facility = fields["facility"]?.stringValue, !fromEPCIS, !has("bizLocation") {
            children.append(
                XMLTree(
                    name: XMLName("bizLocation"), children: [XMLTree(name: XMLName("id"), text: facility, line: 0)],
                    line: 0))
        }
        if let shipment = fields["shipment_id"]?.stringValue, !has("bizTransactionList"),
            shipment != extensions["eventID"]?.stringValue
        {
            children.append(
                list("bizTransactionList", "bizTransaction", [(type: "urn:epcglobal:cbv:btt:desadv", value: shipment)]))
        }
        for (field, listName, item) in [
            ("destination", "destinationList", "destination"), ("origin", "sourceList", "source"),
        ] {
            guard let place = fields[field]?.stringValue else { continue }
            let type = extensions["\(item)_type"]?.stringValue ?? "urn:epcglobal:cbv:sdt:location"
            var entries = [(type: type, value: place)]
            // The entries the importer did not map stay in `extensions` under the list's name.
            for kept in XMLTree.elements(XMLName(listName), json: extensions[listName] ?? .null)
            where !kept.isNil {
                entries += kept.children.map { ($0.attribute("type") ?? "", $0.trimmedText) }
            }
            children.append(list(listName, item, entries))
        }
        if let lot = fields["lot"]?.stringValue, !has("ilmd"), !isGTIN(fields["product"]?.stringValue ?? "") {
            // A lot of a product that is no GTIN has no class URI to carry it: the ILMD does, where EPCIS allows one
            // (an event that adds objects, a transformation); elsewhere this ledger's namespace.
            let action =
                extensions["action"]?.stringValue ?? children.first { $0.name == XMLName("action") }?.trimmedText
            if let action, action != "ADD" {
                children.append(XMLTree(name: XMLName("lot", namespace: namespace), text: lot, line: 0))
            } else {
                children.append(
                    XMLTree(
                        name: XMLName("ilmd"),
                        children: [
                            XMLTree(
                                name: XMLName("lotNumber", namespace: "urn:epcglobal:cbv:mda"), text: lot, line: 0)
                        ],
                        line: 0))
            }
        }

        // The due-diligence statement covering the goods, as the importer reads it.
        for (field, element) in EPCISMapping.eudrFields {
            guard let text = fields[field]?.stringValue else { continue }
            children.append(XMLTree(name: XMLName(element, namespace: EPCISMapping.eudrNamespace), text: text, line: 0))
        }

        // What the importer kept, as it was, but what it replaced.
        var replaced: Set<String> = ["input_units", "input_products", "destination_type", "source_type"]
        if fields["destination"] != nil { replaced.insert("destinationList") }
        if fields["origin"] != nil { replaced.insert("sourceList") }
        for key in extensions.keys.sorted() where !replaced.contains(key) && !key.hasPrefix("@") {
            guard let value = extensions[key] else { continue }
            children += XMLTree.elements(XMLName(clark: key), json: value)
        }
        children.append(XMLTree(name: XMLName("ledgerEvent", namespace: namespace), text: first.ledgerID, line: 0))
        children.append(
            XMLTree(name: XMLName("proof", namespace: namespace), text: "/v1/events/\(first.ledgerID)/proof", line: 0))
        let attributes = extensions.compactMap { key, value -> XMLAttribute? in
            guard key.hasPrefix("@"), let text = value.stringValue else { return nil }
            return XMLAttribute(name: XMLName(clark: String(key.dropFirst())), value: text)
        }
        return XMLTree(name: XMLName(clark: type), attributes: attributes, children: children, line: 0)
    }

    /// A quantity element of `product` (a GTIN-14 as a Digital Link class with its lot, anything else as it is).
    private static func quantityElement(product: String, lot: String?, quantity: String?, unit: String?) -> XMLTree {
        let epcClass: String
        if isGTIN(product) {
            epcClass = "https://id.gs1.org/01/\(product)" + (lot.map { "/10/\($0)" } ?? "")
        } else {
            epcClass = product
        }
        var children = [XMLTree(name: XMLName("epcClass"), text: epcClass, line: 0)]
        // A unit without its quantity (withheld from the reader) says nothing, and EPCIS has no place for it.
        guard let quantity else { return XMLTree(name: XMLName("quantityElement"), children: children, line: 0) }
        children.append(XMLTree(name: XMLName("quantity"), text: quantity, line: 0))
        if let unit, !unit.isEmpty, unit != "pcs" {
            children.append(XMLTree(name: XMLName("uom"), text: unitCodes[unit] ?? unit, line: 0))
        }
        return XMLTree(name: XMLName("quantityElement"), children: children, line: 0)
    }

    /// The UN/CEFACT Recommendation 20 codes EPCIS writes units in, for the ledger's short units.
    static let unitCodes = [
        "kg": "KGM", "t": "TNE", "g": "GRM", "lb": "LBR", "l": "LTR", "ml": "MLT", "m3": "MTQ",
    ]

    /// Whether `product` is a GTIN-14, as the importer writes a trade item's product.
    private static func isGTIN(_ product: String) -> Bool {
        product.utf8.count == 14 && product.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    private static func list(_ name: String, _ item: String, _ entries: [(type: String, value: String)]) -> XMLTree {
        XMLTree(
            name: XMLName(name),
            children: entries.map { entry in
                XMLTree(
                    name: XMLName(item),
                    attributes: entry.type.isEmpty ? [] : [XMLAttribute(name: XMLName("type"), value: entry.type)],
                    text: entry.value, line: 0)
            }, line: 0)
    }
}
