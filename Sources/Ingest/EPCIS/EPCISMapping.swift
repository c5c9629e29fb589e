internal import Dispatch
internal import Synchronization
internal import LedgerCrypto
internal import LedgerCore

/// How one EPCIS event becomes ledger events (the full table is in `docs/xml.md`).
///
/// - `ObjectEvent` with business step commissioning → `produce`, shipping → `ship`, receiving →
///   `receive`; `TransformationEvent` → `transform`. When such an event lacks what the kind
///   requires (a lot, a quantity, a destination, a unit the ledger knows…), and for every other
///   event (aggregation, association, transaction, other business steps) and every error
///   declaration, it becomes `observe`, keeping what it recorded rather than being refused.
/// - An event naming objects of several product classes (GTIN + lot) becomes one ledger event per
///   class, its `record_id` suffixed `#1`, `#2`… in document order; EPCs that name no trade item
///   (SSCC, GIAI…) form a class of their own. The rest of the event is repeated in each. A
///   transformation is never split, so that its inputs are not counted twice: one with several
///   outputs becomes `observe`.
/// - Every child the ledger fields do not hold is kept in `extensions` by its Clark name
///   (``XMLTree/json``); EPCIS 1.2's `extension` wrappers are flattened away.
enum EPCISMapping {
    /// Objects of one product class that an event names.
    struct Part: Equatable {
        var product: String?
        var lot: String?
        var quantity: String?
        var unit: String?
        var epcs = [String]()

        /// The ledger fields of a produce, ship or receive event that the part fills.
        var fields: [String: JSONValue] {
            // Only the fields it has: a ledger event leaves out those without a value.
            var fields = [String: JSONValue](minimumCapacity: 5)
            for (name, value) in [("product", product), ("lot", lot), ("quantity", quantity), ("unit", unit)] {
                if let value { fields[name] = .string(value) }
            }
            if !epcs.isEmpty { fields["serials"] = .array(epcs.map(JSONValue.string)) }
            return fields
        }
    }

    static let masterDataNamespace = "urn:epcglobal:cbv:mda"

    /// The extension namespace of the EU deforestation regulation's due-diligence statement on a shipping or
    /// receiving event (`eudr:ddsReference`, `eudr:ddsVerification`; docs/epcis.md).
    public static let eudrNamespace = "urn:provenance:eudr"

    /// The ledger fields of the due-diligence statement, with their extension elements in ``eudrNamespace``.
    static let eudrFields = [("dds_reference", "ddsReference"), ("dds_verification", "ddsVerification")]

    /// The ledger events for `event`, which starts on `line` of `file`.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` for an event that is malformed (no or a bad
    ///   `eventTime`, a value the ledger cannot hold), context `file:line`, the element and the field.
    static func contents(of event: EPCISEvent, file: String, hash: String) throws(LedgerError) -> [EventContent] {
        let place = "\(file):\(event.element.line)"
        let occurredAt = try occurredAt(event, file: file)
        let recordID = recordID(event, hash: hash)
        let kind = candidateKind(event)
        if kind != .observe,
            let contents = try? supplyChain(kind, event, recordID: recordID, hash: hash, occurredAt: occurredAt)
        {
            return contents
        }
        do {
            return try observe(event, recordID: recordID, hash: hash, occurredAt: occurredAt)
        } catch {
            var context = [place, "element \(event.element.name.localName)"]
            if let field = error.context.last(where: { $0.hasPrefix("field ") }) { context.append(field) }
            throw LedgerError(error.code, error.reason, context: context)
        }
    }

    /// The kind the event's type and business step ask for, before checking it has the data.
    static func candidateKind(_ event: EPCISEvent) -> EventKind {
        if event.field("errorDeclaration") != nil { return .observe }
        switch event.type {
        case "TransformationEvent":
            return .transform
        case "ObjectEvent":
            return objectEventKind(bizStep: event.text("bizStep"))
        default:
            return .observe
        }
    }

    /// The kind an `ObjectEvent` with business step `bizStep` asks for.
    static func objectEventKind(bizStep: String?) -> EventKind {
        switch bizStep.flatMap({ CBV.term($0, urn: "bizstep", web: "BizStep") }) {
        case "commissioning": .produce
        case "shipping": .ship
        case "receiving": .receive
        default: .observe
        }
    }

    /// The instant `time` (ISO 8601) in the offset `offset` (`±HH:MM`, or empty for the time's own); a time without
    /// an offset takes `offset`. `nil` if either is malformed.
    static func instant(time: String, offset: String) -> Timestamp? {
        var offsetMinutes: Int?
        if !offset.isEmpty {
            guard let parsed = try? Timestamp(iso8601: "2000-01-01T00:00:00" + offset) else { return nil }
            offsetMinutes = parsed.offsetMinutes
        }
        guard
            let instant = (try? Timestamp(iso8601: time))
                ?? (offset.isEmpty ? nil : try? Timestamp(iso8601: time + offset))
        else { return nil }
        return Timestamp(
            epochSeconds: instant.epochSeconds, fraction: instant.fraction,
            offsetMinutes: offsetMinutes ?? instant.offsetMinutes)
    }

    /// `eventTime` in the offset of `eventTimeZoneOffset` (the same instant).
    static func occurredAt(_ event: EPCISEvent, file: String) throws(LedgerError) -> Timestamp {
        guard let timeElement = event.field("eventTime"), !timeElement.trimmedText.isEmpty else {
            throw LedgerError(
                .invalidRecord, "an EPCIS event needs an eventTime",
                context: ["\(file):\(event.element.line)", "element \(event.element.name.localName)"])
        }
        let text = timeElement.trimmedText
        let offsetElement = event.field("eventTimeZoneOffset")
        let offsetText = offsetElement.map(\.trimmedText) ?? ""
        // EPCIS requires an offset on eventTime; one left to eventTimeZoneOffset is accepted.
        if let instant = instant(time: text, offset: offsetText) { return instant }
        if let offsetElement, !offsetText.isEmpty, (try? Timestamp(iso8601: "2000-01-01T00:00:00" + offsetText)) == nil
        {
            throw LedgerError(
                .invalidRecord, "eventTimeZoneOffset '\(offsetText)' is not an offset ±HH:MM",
                context: ["\(file):\(offsetElement.line)", "element eventTimeZoneOffset"])
        }
        var reason = "'\(text)' is not a time"
        do {
            _ = try Timestamp(iso8601: text)
        } catch {
            reason = error.reason
        }
        throw LedgerError(
            .invalidRecord, "eventTime: \(reason)", context: ["\(file):\(timeElement.line)", "element eventTime"])
    }

    /// The event's `eventID`, else its CBV 2.0 event hash ID `hash` (``EPCISEventHash``), so that importing a file
    /// twice, or the same event written in the other syntax, gives the same IDs. An error declaration is a new
    /// statement about an earlier event (the hash leaves the declaration out), so it gets that event's ID plus
    /// `#error-declaration` instead of conflicting with it.
    static func recordID(_ event: EPCISEvent, hash: String) -> String {
        let base = event.text("eventID") ?? hash
        return event.field("errorDeclaration") == nil ? base : base + "#error-declaration"
    }

    // MARK: Supply-chain kinds

    /// The `produce`/`ship`/`receive`/`transform` events, or an error when the event lacks data
    /// the kind needs (the caller then keeps it as `observe`).
    private static func supplyChain(
        _ kind: EventKind, _ event: EPCISEvent, recordID: String, hash: String, occurredAt: Timestamp
    ) throws(LedgerError) -> [EventContent] {
        var common = Shared(event)
        var fieldsOfParts: [[String: JSONValue]]
        switch kind {
        case .transform:
            fieldsOfParts = [try transformFields(event, shared: &common)]
        default:
            let parts = parts(
                epcs: event.epcs("epcList"), quantities: event.quantities("quantityList"), lot: common.ilmdLot)
            common.consumed.formUnion(["epcList", "quantityList"])
            fieldsOfParts = parts.map(\.fields)
        }
        guard !fieldsOfParts.isEmpty else { throw unfit("names no objects") }
        var shared: [String: JSONValue] = ["facility": common.facility.json, "certificate": common.certificate.json]
        switch kind {
        case .ship:
            guard let destination = common.choose("destinationList", entry: "destination") else {
                throw unfit("has no destination")
            }
            shared["destination"] = .string(destination)
            shared["shipment_id"] = (common.shipmentID ?? event.text("eventID")).json
        case .receive:
            shared["origin"] = common.choose("sourceList", entry: "source").json
            shared["shipment_id"] = (common.shipmentID ?? event.text("eventID")).json
        default:
            break
        }
        if kind == .ship || kind == .receive {
            for (field, element) in eudrFields {
                shared[field] = common.take(XMLName(element, namespace: eudrNamespace)).json
            }
        }
        shared["extensions"] = .object(common.extensions)
        shared["event_hash"] = .string(hash)
        return try contents(
            kind, recordID: recordID, occurredAt: occurredAt, parts: fieldsOfParts, shared: consume shared)
    }

    /// One ledger event of `kind` per part, each with the part's fields and those `shared` by all; the record IDs
    /// suffixed `#1`, `#2`… when there are several.
    static func contents(
        _ kind: EventKind, recordID: String, occurredAt: Timestamp, parts fieldsOfParts: [[String: JSONValue]],
        shared: consuming [String: JSONValue]
    ) throws(LedgerError) -> [EventContent] {
        if fieldsOfParts.count == 1 {
            // The part's fields and the shared ones have no name in common.
            for (name, value) in fieldsOfParts[0] { shared[name] = value }
            return [try EventContent(kind: kind, recordID: recordID, occurredAt: occurredAt, fields: shared)]
        }
        let common = shared
        var contents = [EventContent]()
        contents.reserveCapacity(fieldsOfParts.count)
        for (index, fields) in fieldsOfParts.enumerated() {
            let id = "\(recordID)#\(index + 1)"
            var merged = [String: JSONValue](minimumCapacity: fields.count + common.count)
            for (name, value) in common { merged[name] = value }
            for (name, value) in fields { merged[name] = value }
            contents.append(try EventContent(kind: kind, recordID: id, occurredAt: occurredAt, fields: merged))
        }
        return contents
    }

    /// The fields of a transformation with one output class whose inputs all have a lot and a
    /// quantity. Input quantities are taken in their own units; when any differs from the output's
    /// unit, the units are kept in `extensions` as `input_units`, in the order of `input_lots`.
    private static func transformFields(
        _ event: EPCISEvent, shared: inout Shared
    ) throws(LedgerError) -> [String: JSONValue] {
        let outputs = parts(
            epcs: event.epcs("outputEPCList"), quantities: event.quantities("outputQuantityList"),
            lot: shared.ilmdLot)
        let inputs = parts(
            epcs: event.epcs("inputEPCList"), quantities: event.quantities("inputQuantityList"), lot: nil)
        guard outputs.count == 1, let output = outputs.first else {
            throw unfit("does not have exactly one output class")
        }
        guard !inputs.isEmpty else { throw unfit("has no inputs") }
        var lots = [JSONValue]()
        var quantities = [JSONValue]()
        for input in inputs {
            guard let lot = input.lot, let quantity = input.quantity else {
                throw unfit("has an input without lot or quantity")
            }
            lots.append(.string(lot))
            quantities.append(.string(quantity))
        }
        let inputUnits = inputs.map { $0.unit ?? "" }
        if inputUnits.contains(where: { $0 != output.unit }) {
            shared.replacements["input_units"] = .array(inputUnits.map(JSONValue.string))
        }
        // The inputs' products, which the transform's fields do not hold, for an export to name them again.
        shared.replacements["input_products"] = .array(inputs.map { $0.product.json })
        shared.consumed.formUnion(["inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList"])
        return [
            "product": output.product.json, "lot": output.lot.json, "quantity": output.quantity.json,
            "unit": output.unit.json,
            "serials": output.epcs.isEmpty ? .null : .array(output.epcs.map(JSONValue.string)),
            "input_lots": .array(lots), "input_quantities": .array(quantities),
        ]
    }

    // MARK: observe

    /// The `observe` events: one per product class named, or one naming none.
    private static func observe(_ event: EPCISEvent, recordID: String, hash: String, occurredAt: Timestamp)
        throws(LedgerError) -> [EventContent]
    {
        var shared = Shared(event)
        let (epcList, quantityList) =
            switch event.type {
            case "AggregationEvent", "AssociationEvent": ("childEPCs", "childQuantityList")
            case "TransformationEvent": ("outputEPCList", "outputQuantityList")
            default: ("epcList", "quantityList")
            }
        var parts = parts(
            epcs: event.epcs(epcList), quantities: event.quantities(quantityList), lot: shared.ilmdLot)
        if parts.isEmpty { parts = [Part()] }
        shared.consumed.formUnion([epcList, quantityList])
        var fields: [String: JSONValue] = [
            "epcis_type": .string(event.type),
            "facility": shared.facility.json,
            "certificate": shared.certificate.json,
            // Only a transaction typed as a shipment document links an observation to a shipment.
            "shipment_id": shared.typedShipmentID.json,
        ]
        for (field, element) in [
            ("biz_step", "bizStep"), ("disposition", "disposition"), ("action", "action"), ("parent_id", "parentID"),
        ]
        where event.count(element) == 1 {
            fields[field] = event.text(element).json
            shared.consumed.insert(element)
        }
        fields["origin"] = shared.choose("sourceList", entry: "source").json
        fields["destination"] = shared.choose("destinationList", entry: "destination").json
        fields["extensions"] = .object(shared.extensions)
        fields["event_hash"] = .string(hash)
        var contents = [EventContent]()
        for (index, part) in parts.enumerated() {
            let id = parts.count == 1 ? recordID : "\(recordID)#\(index + 1)"
            var partFields = fields
            partFields["product"] = part.product.json
            partFields["lot"] = part.lot.json
            partFields["quantity"] = part.quantity.json
            partFields["unit"] = part.unit.json
            partFields["epcs"] = part.epcs.isEmpty ? .null : .array(part.epcs.map(JSONValue.string))
            contents.append(try EventContent(kind: .observe, recordID: id, occurredAt: occurredAt, fields: partFields))
        }
        return contents
    }

    // MARK: Shared pieces

    /// What every mapping of an event reads the same way, and which children it consumed.
    private struct Shared {
        let event: EPCISEvent
        /// Standard fields the ledger fields hold, left out of `extensions`.
        var consumed: Set<String> = ["eventTime", "eventTimeZoneOffset"]
        /// Keys of `extensions` replaced (a list with its mapped entry removed) or added.
        var replacements = [String: JSONValue?]()
        let facility: String?
        let certificate: String?
        let ilmdLot: String?
        /// The business transaction that identifies a shipment: a despatch advice, else a bill of
        /// lading, else a purchase order.
        let typedShipmentID: String?
        /// ``typedShipmentID``, else the first business transaction.
        let shipmentID: String?

        init(_ event: EPCISEvent) {
            self.event = event
            if let location = event.locationID("bizLocation") {
                // Kept in `extensions` too: the facility may also be the read point's, and an export tells them apart.
                facility = location
            } else {
                facility = event.locationID("readPoint")
            }
            if event.count("certificationInfo") == 1, let certificate = event.text("certificationInfo") {
                self.certificate = certificate
                consumed.insert("certificationInfo")
            } else {
                certificate = nil
            }
            ilmdLot =
                event.field("ilmd")?.children.first {
                    $0.name == XMLName("lotNumber", namespace: EPCISMapping.masterDataNamespace)
                }
                .map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 } ?? event.exportedLot
            let transactions = event.field("bizTransactionList")?.children("bizTransaction") ?? []
            let typed = ["desadv", "bol", "po"].lazy.compactMap { preferred in
                transactions.first {
                    $0.attribute("type").flatMap { CBV.term($0, urn: "btt", web: "BTT") } == preferred
                }
            }.first
            typedShipmentID = typed.map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 }
            shipmentID = typedShipmentID ?? transactions.first.map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 }
        }

        /// The text of the one extension element named `name`, which then leaves `extensions`; `nil` if there is none,
        /// or more than one (they then stay in `extensions`).
        mutating func take(_ name: XMLName) -> String? {
            let matches = event.children.filter { $0.name == name }
            guard matches.count == 1, case let text = matches[0].trimmedText, !text.isEmpty else { return nil }
            replacements[name.clark] = JSONValue?.none
            return text
        }

        /// The source or destination to map: the one of type `location`, else the first. The
        /// others stay in `extensions` under the list's name.
        mutating func choose(_ list: String, entry: String) -> String? {
            guard event.count(list) == 1, let element = event.field(list) else { return nil }
            let entries = element.children(entry)
            let isLocation: (XMLTree) -> Bool = {
                $0.attribute("type").flatMap { CBV.term($0, urn: "sdt", web: "SDT") } == "location"
            }
            guard let index = entries.firstIndex(where: isLocation) ?? entries.indices.first,
                !entries[index].trimmedText.isEmpty
            else {
                return nil
            }
            var rest = element
            rest.children.removeAll { $0 == entries[index] }
            replacements[list] = rest.children.isEmpty ? JSONValue?.none : rest.json
            // The type of the entry mapped, when it is not a location (its value is sensitive; its type is not).
            if !isLocation(entries[index]), let type = entries[index].attribute("type") {
                replacements["\(entry)_type"] = .string(type)
            }
            return entries[index].trimmedText
        }

        var extensions: [String: JSONValue] {
            event.extensions(consuming: consumed, replacing: replacements)
        }
    }

    /// The product classes of an event's EPCs and quantity elements: EPCs grouped by GTIN and lot
    /// (counted in `pcs`), EPCs naming no trade item together (not counted), one part per quantity
    /// element (its `uom`, or `pcs` for a count); EPCs of a class that a quantity element also
    /// names join that element. `lot` applies where the identifiers carry none (an ILMD lot number).
    static func parts(epcs: [String], quantities: [EPCISQuantity], lot: String?) -> [Part] {
        var groups = [Part]()
        for epc in epcs {
            let identifier = EPCIdentifier(epc)
            let product = identifier?.gtin
            let groupLot = product == nil ? nil : identifier?.lot ?? lot
            if let index = groups.firstIndex(where: { $0.product == product && $0.lot == groupLot }) {
                groups[index].epcs.append(epc)
            } else {
                groups.append(Part(product: product, lot: groupLot, epcs: [epc]))
            }
        }
        for index in groups.indices where groups[index].product != nil {
            groups[index].quantity = String(groups[index].epcs.count)
            groups[index].unit = "pcs"
        }
        var elements = [Part]()
        for element in quantities {
            let classURI = element.epcClass ?? ""
            let identifier = EPCIdentifier(classURI)
            let (quantity, uom) = (element.quantity, element.uom)
            var part = Part(
                product: identifier?.gtin ?? (classURI.isEmpty ? nil : classURI), lot: identifier?.lot ?? lot,
                quantity: quantity, unit: quantity == nil ? nil : uom ?? "pcs")
            if part.product != nil,
                let index = groups.firstIndex(where: { $0.product == part.product && $0.lot == part.lot })
            {
                part.epcs = groups.remove(at: index).epcs
            }
            elements.append(part)
        }
        return groups + elements
    }

    /// The error that makes the caller keep an event as `observe`; never shown.
    private static func unfit(_ reason: String) -> LedgerError {
        LedgerError(.invalidRecord, "the event \(reason)")
    }
}

extension Optional where Wrapped == String {
    /// The text as a JSON string, or `null` (a field left out).
    var json: JSONValue { map(JSONValue.string) ?? .null }
}

extension EPCISMapping {
    /// Events mapped per batch: enough to keep every core busy, few enough to hold in memory.
    static let batchSize = 64

    /// The source items of a batch of events of a document, in its order: each event's ledger events, or a reject
    /// naming the event's place when it is malformed or its ID, or the record ID of one of its ledger events, already
    /// appeared on an earlier line (`seen`, the first line of each so far). Each event's mapping and CBV event hash
    /// (the costly part) are computed on all cores; the check for repeated IDs follows in document order, so the
    /// items are those one event at a time would give. An event's label is its first reject cell (the element's name
    /// in XML, the JSON pointer in JSON); with `labelIsPointer`, the pointer is also named in its errors, beside the
    /// element the mapping names.
    static func items(
        of elements: [EPCISEventElement], file: String, labelIsPointer: Bool, seen: inout FirstLines,
        columns: [String]
    ) -> [SourceItem] {
        // Elements already read cannot fail to be read.
        (try? items(
            of: elements, reading: { .element($0) }, file: file, labelIsPointer: labelIsPointer, seen: &seen,
            columns: columns)) ?? []
    }

    /// The source items of a batch of events of a document as ``items(of:file:labelIsPointer:seen:columns:)`` gives
    /// them, each event first read from what the document's reader kept of it (the bytes of a JSON event) by
    /// `reading`, on all cores with its mapping.
    ///
    /// - Throws: the first error `reading` throws, in document order (the document is then unreadable): no item of
    ///   the batch is returned.
    static func items<Input: Sendable>(
        of inputs: [Input], reading: @Sendable (Input) throws(LedgerError) -> ReadEvent, file: String,
        labelIsPointer: Bool, seen: inout FirstLines, columns: [String]
    ) throws(LedgerError) -> [SourceItem] {
        let slots = Mutex([Outcome?](repeating: nil, count: inputs.count))
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let outcome: Outcome
            do throws(LedgerError) {
                switch try reading(inputs[index]) {
                case .mapped(let mapped):
                    outcome = .mapped(mapped)
                case .element(.event(let tree, let line, let label)):
                    outcome = .mapped(Mapped(EPCISEvent(tree), file: file, line: line, label: label))
                case .element(.unreadable(let reject)):
                    outcome = .unreadable(reject)
                }
            } catch {
                outcome = .failed(error)
            }
            slots.withLock { $0[index] = outcome }
        }
        let outcomes = slots.withLock { $0 }
        for case .failed(let error)? in outcomes { throw error }
        var items = [SourceItem]()
        for outcome in outcomes {
            guard case .mapped(let event)? = outcome else {
                if case .unreadable(let reject)? = outcome { items.append(.reject(reject)) }
                continue
            }
            var result = event.contents
            if case .success(let contents) = result, let repeated = repeated(event, contents, seen: seen) {
                result = .failure(
                    LedgerError(
                        .invalidRecord, repeated, context: ["\(file):\(event.line)", "element \(event.element)"]))
            }
            switch result {
            case .success(let contents):
                seen[event.base] = event.line
                for content in contents where content.recordID != event.base { seen[content.recordID] = event.line }
                items += contents.map {
                    .record(SourceRecord(line: event.line, content: $0, cells: [event.label, $0.recordID, event.time]))
                }
            case .failure(let error):
                var context = error.context
                if labelIsPointer { context.insert(event.label, at: min(1, context.count)) }
                items.append(
                    .reject(
                        SourceReject(
                            line: event.line, fields: [event.label, event.base, event.time],
                            error: LedgerError(error.code, error.reason, context: context), columns: columns)))
            }
        }
        return items
    }

    /// Why an event is refused as a repeat, if it is one: its ID (`base`), or the record ID of one of its ledger
    /// events (an event of several parts numbers them after its ID), already appeared on an earlier line.
    private static func repeated(_ event: Mapped, _ contents: [EventContent], seen: FirstLines) -> String? {
        if let earlier = seen[event.base] {
            return "the event '\(event.base)' already appears on line \(earlier) of this file"
        }
        for content in contents where content.recordID != event.base {
            if let earlier = seen[content.recordID] {
                return "its record '\(content.recordID)' already appears on line \(earlier) of this file"
            }
        }
        return nil
    }

    /// An event as a document's reader hands it to the mapping: the element tree of its XML form, or the event
    /// already mapped (a plain JSON-LD event, ``EPCISPlainEvent``, read without a tree).
    enum ReadEvent: Sendable {
        case element(EPCISEventElement)
        case mapped(Mapped)
    }

    /// What became of one event of a batch.
    private enum Outcome: Sendable {
        case mapped(Mapped)
        case unreadable(SourceReject)
        /// The event could not be read: the document cannot be read on.
        case failed(LedgerError)
    }

    /// One event mapped, before the file-wide check for repeated IDs.
    struct Mapped: Sendable {
        let line: Int
        let label: String
        let element: String
        let time: String
        let base: String
        let contents: Result<[EventContent], LedgerError>

        /// A plain JSON-LD event mapped without its tree; `nil` if it does not map onto a supply-chain kind
        /// (``EPCISMapping/contents(ofPlain:hash:)``).
        init?(plain event: EPCISPlainEvent, line: Int, label: String) {
            let hash = EPCISEventHash.hash(ofPlain: event)
            guard let contents = EPCISMapping.contents(ofPlain: event, hash: hash) else { return nil }
            self.line = line
            self.label = label
            element = event.type
            time = event.eventTime
            base = event.eventID ?? hash
            self.contents = .success(contents)
        }

        init(_ event: EPCISEvent, file: String, line: Int, label: String) {
            self.line = line
            self.label = label
            element = event.element.name.localName
            time = event.text("eventTime") ?? ""
            let hash = EPCISEventHash.hash(of: event.element)
            base = recordID(event, hash: hash)
            do throws(LedgerError) {
                contents = .success(try EPCISMapping.contents(of: event, file: file, hash: hash))
            } catch {
                contents = .failure(error)
            }
        }
    }
}
