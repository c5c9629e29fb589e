public import LedgerCore
internal import Spreadsheets

/// The key data elements of a lot's critical tracking events as FDA's food traceability rule (FSMA 204, 21 CFR
/// 1.1300–1.1465) asks a firm to hand over within 24 hours of a request, as an electronic sortable spreadsheet
/// (§ 1.1455(c)(3)(ii)): one row per critical tracking event the ledger holds for the lot, for the lots it was made
/// from and for those made from it, in time order.
///
/// Ledger kinds map onto the rule's events: `produce` is harvesting (§ 1.1325), `ship` shipping (§ 1.1340),
/// `receive` receiving (§ 1.1345) and `transform` transformation (§ 1.1350). Cooling and initial packing (§ 1.1330,
/// § 1.1335) have no ledger kind, and other kinds (observations, master data) are no critical tracking events: they
/// make no row. Locations are described from the facilities' master data (name, country, coordinates); every row
/// names the ledger event it comes from, whose proof `prov proof` gives. docs/regulatory.md.
public struct FSMA204Report: Sendable {
    /// One critical tracking event and its key data elements.
    public struct Row: Sendable, Equatable {
        /// The rule's name of the event: Harvesting, Shipping, Receiving, Transformation.
        public let event: String
        public let lotCode: String
        public let productDescription: String
        public let quantity: String
        public let unit: String
        /// The date of the event where it happened (its own offset), and the instant in UTC.
        public let date: String
        public let time: String
        /// Where the event happened, and for a shipment where the goods left and went.
        public let location: String
        public let shipFrom: String
        public let shipTo: String
        /// Where the lot code was assigned: the facility of the harvest or transformation that made the lot.
        public let lotCodeSource: String
        public let referenceDocumentType: String
        public let referenceDocumentNumber: String
        /// For a transformation, its input lots with their quantities.
        public let inputLots: String
        /// How the row relates to what was asked for: the lot itself (`subject`), one it was made from
        /// (`upstream`), one made from it (`downstream`); `in range` for a range of time.
        public let relation: String
        public let ledgerEventID: String
        public let ledgerIndex: Int

        /// The row's cells, in the order of ``FSMA204Report/columns``.
        public var cells: [String] {
            [
                event, lotCode, productDescription, quantity, unit, date, time, location, shipFrom, shipTo,
                lotCodeSource, referenceDocumentType, referenceDocumentNumber, inputLots, relation, ledgerEventID,
                String(ledgerIndex),
            ]
        }
    }

    /// The spreadsheet's column headings.
    public static let columns = [
        "Critical Tracking Event", "Traceability Lot Code", "Product Description", "Quantity", "Unit of Measure",
        "Event Date", "Event Time (UTC)", "Location Description", "Ship-From Location", "Ship-To Location",
        "Traceability Lot Code Source", "Reference Document Type", "Reference Document Number",
        "Input Traceability Lot Codes (Quantity)", "Relation to the Requested Lot", "Ledger Event ID", "Ledger Index",
    ]

    /// One event the report reads: where it is in the ledger, and how it relates to what was asked for.
    public struct Entry: Sendable {
        public let index: Int
        public let event: SignedEvent
        public let relation: String

        public init(index: Int, event: SignedEvent, relation: String) {
            self.index = index
            self.event = event
            self.relation = relation
        }
    }

    /// What was asked for: a lot, or a range of time.
    public let request: String
    public let rows: [Row]

    /// The report of `entries` in time order (a lot's history, ``Ledger/history(of:as:withholdingSensitiveFields:)``,
    /// or the events of a range of time), describing locations by `facilities` (each facility's current public
    /// fields) and products by `products`.
    public init(
        request: String, entries: [Entry], facilities: [String: [String: JSONValue]], products: ProductCatalog
    ) {
        self.request = request
        // Where each lot's code was assigned: the facility of the event that made it.
        var sources = [String: String]()
        for entry in entries {
            let header = entry.event.header
            guard header.kind == .produce || header.kind == .transform,
                let made = entry.event.visibleFields["lot"]?.stringValue, sources[made] == nil,
                let facility = entry.event.visibleFields["facility"]?.stringValue
            else { continue }
            sources[made] = facility
        }
        func describe(_ facility: String?) -> String {
            guard let facility, !facility.isEmpty else { return "" }
            guard let fields = facilities[facility] else { return facility }
            var parts = ["\(fields["name"]?.stringValue ?? facility) [\(facility)]"]
            if let country = fields["country"]?.stringValue { parts.append(country) }
            if let latitude = fields["latitude"]?.stringValue, let longitude = fields["longitude"]?.stringValue {
                parts.append("\(latitude) \(longitude)")
            }
            return parts.joined(separator: ", ")
        }
        var rows = [Row]()
        for entry in entries {
            let event = entry.event
            let header = event.header
            guard let name = Self.criticalTrackingEvent(header.kind) else { continue }
            let fields = event.visibleFields
            func text(_ name: String) -> String { fields[name]?.stringValue ?? "" }
            let lot = text("lot")
            let product = text("product")
            let productName = products.names[products.product(named: product, signer: header.signer) ?? product]
            let facility = text("facility")
            var inputs = [String]()
            if header.kind == .transform {
                let lots = fields["input_lots"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let quantities = fields["input_quantities"]?.arrayValue?.compactMap(\.stringValue) ?? []
                for (index, input) in lots.enumerated() {
                    inputs.append(index < quantities.count ? "\(input) (\(quantities[index]))" : input)
                }
            }
            let shipment = text("shipment_id")
            rows.append(
                Row(
                    event: name, lotCode: lot,
                    productDescription: productName.map { "\($0) (\(product))" } ?? product,
                    quantity: text("quantity"), unit: text("unit"),
                    date: String(header.occurredAt.local.prefix(10)), time: header.occurredAt.utc,
                    location: describe(facility),
                    shipFrom: describe(
                        header.kind == .ship ? facility : header.kind == .receive ? text("origin") : nil),
                    shipTo: describe(
                        header.kind == .ship ? text("destination") : header.kind == .receive ? facility : nil),
                    lotCodeSource: describe(sources[lot]),
                    referenceDocumentType: shipment.isEmpty ? "" : "Shipment ID",
                    referenceDocumentNumber: shipment, inputLots: inputs.joined(separator: "; "),
                    relation: entry.relation, ledgerEventID: event.id.hex, ledgerIndex: entry.index))
        }
        self.rows = rows
    }

    /// The rule's name of the critical tracking event a ledger kind records, if it records one.
    public static func criticalTrackingEvent(_ kind: EventKind) -> String? {
        switch kind {
        case .produce: "Harvesting"
        case .ship: "Shipping"
        case .receive: "Receiving"
        case .transform: "Transformation"
        default: nil
        }
    }

    /// The spreadsheet as CSV (RFC 4180, a header line then a line per row).
    public var csv: String {
        rows.reduce(into: CSVText.line(Self.columns, ending: "\r\n")) { text, row in
            text += CSVText.line(row.cells, ending: "\r\n")
        }
    }

    /// The spreadsheet as an Office Open XML workbook (`.xlsx`): one sheet, "FSMA 204", its header row frozen and
    /// filtered, the quantity and the ledger index as numbers and every other cell as text (dates and times in
    /// ISO 8601, which sort as text in time order).
    public func xlsx() throws(LedgerError) -> [UInt8] {
        let workbook = XLSXWorkbook(
            sheetName: "FSMA 204", header: Self.columns,
            rows: rows.map { row in
                row.cells.enumerated().map { column, cell in
                    Self.numericColumns.contains(column) ? .number(cell) : .text(cell)
                }
            })
        do {
            return Array(try workbook.data())
        } catch {
            throw LedgerError(.io, "cannot write the FSMA 204 workbook: \(error.reason)")
        }
    }

    /// The columns whose cells are numbers: the quantity and the ledger index.
    static let numericColumns = Set(["Quantity", "Ledger Index"].compactMap { columns.firstIndex(of: $0) })
}

extension Ledger {
    /// The FSMA 204 sortable spreadsheet of `lot` (``FSMA204Report``): its history, with the lots it was made from
    /// and those made from it, with every field the ledger holds.
    ///
    /// - Throws: ``LedgerError`` `notFound` for a lot the ledger does not hold.
    public func fsma204Report(lot: String) async throws(LedgerError) -> FSMA204Report {
        let history = try await history(of: lot, as: .lot)
        let current = try await masterDataNow()
        return FSMA204Report(
            request: lot,
            entries: history.entries.map { .init(index: $0.index, event: $0.event, relation: $0.relation.rawValue) },
            facilities: current.facilityFields, products: current.products)
    }

    /// The FSMA 204 sortable spreadsheet of every event that happened from `from` (inclusive) until `until`
    /// (exclusive), either open, as the query index `view` finds them in time order, with every field the ledger
    /// holds.
    public func fsma204Report(from: Timestamp?, until: Timestamp?, view: some QueryIndexView) async throws(LedgerError)
        -> FSMA204Report
    {
        let found = try await events(
            allMatching: EventQuery(from: from, until: until, perPage: 1_000), reader: .everything, view: view)
        let entries = zip(found.events.joined(), found.indexes.joined()).map { event, index in
            FSMA204Report.Entry(index: index, event: event, relation: "in range")
        }
        let current = try await masterDataNow()
        let range = "\(from?.utc ?? "the start") to \(until?.utc ?? "now")"
        return FSMA204Report(
            request: range, entries: entries, facilities: current.facilityFields, products: current.products)
    }
}
