public import LedgerCore

extension SampleNetwork {
    /// One supply-chain event as a row of the canonical shipment CSV. Absent values are empty.
    public struct ShipmentRow: Sendable, Hashable {
        /// Column names of the shipment CSV, in order.
        public static let csvHeader = [
            "record_id", "event", "occurred_at", "product", "lot", "quantity", "unit", "facility", "shipment_id",
            "destination", "origin", "inputs", "unit_price", "currency", "carrier", "certificate", "serials", "plots",
        ]

        public var recordID: String
        public var event: EventKind
        /// The instant, for ordering; ``occurredAt`` is its text in the facility's local time.
        public var epochSeconds: Int64
        public var occurredAt: String
        public var product: String
        public var lot: String
        public var quantity: String
        public var unit: String
        public var facility: String
        public var shipmentID: String = ""
        public var destination: String = ""
        public var origin: String = ""
        public var inputs: String = ""
        public var unitPrice: String = ""
        public var currency: String = ""
        public var carrier: String = ""
        public var certificate: String = ""
        public var serials: String = ""
        /// The plots a harvest came from, `;`-separated (networks with plots only).
        public var plots: String = ""

        /// The row's cells, in ``csvHeader`` order.
        public var csvFields: [String] {
            [
                recordID, event.rawValue, occurredAt, product, lot, quantity, unit, facility, shipmentID, destination,
                origin,
                inputs, unitPrice, currency, carrier, certificate, serials, plots,
            ]
        }

        /// The row as an input record: a flat JSON object of the non-empty cells, as the shipment
        /// CSV reader builds it; ``EventContent/init(record:)`` turns it into an event.
        public var record: JSONValue {
            var members: [String: JSONValue] = [:]
            for (name, value) in zip(Self.csvHeader, csvFields) where !value.isEmpty {
                members[name] = .string(value)
            }
            return .object(members)
        }

        /// Appends the CSV line (no cell needs quoting: generated values hold no comma, quote or
        /// line break) with its line feed.
        func appendCSVLine(to bytes: inout [UInt8]) {
            let cells = csvFields
            for (index, cell) in cells.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: cell.utf8)
            }
            bytes.append(0x0A)
        }

        /// Sort order of a party's file: by instant, then by record ID.
        static func precedes(_ lhs: ShipmentRow, _ rhs: ShipmentRow) -> Bool {
            if lhs.epochSeconds != rhs.epochSeconds { return lhs.epochSeconds < rhs.epochSeconds }
            return lhs.recordID.utf8.lexicographicallyPrecedes(rhs.recordID.utf8)
        }
    }

    /// An injected anomaly pattern, named as in the anomaly pipeline's rules and features.
    public enum AnomalyKind: String, Sendable, CaseIterable, Comparable {
        /// A farm or mine paid far below the cohort median: the ship record's unit price is 6–18 %
        /// of the reference price for the product. Labels the ship record.
        case exploitativePrice = "exploitative_price"
        /// Receipt too soon after dispatch for any transport mode: implied great-circle speed of
        /// 1,500–6,000 km/h on a link of at least 2,000 km. Labels the ship and the receive record.
        case impossibleTransit = "impossible_transit"
        /// The receive record's time is 2–48 hours before its ship record's. Labels both.
        case receiveBeforeShip = "receive_before_ship"
        /// 8–35 % of a shipment lost between ship and receive (normal: 0–2 %). Labels both.
        case excessShrinkage = "excess_shrinkage"
        /// A lot ships more than its facility produced or received (20–60 % more): either the
        /// origin's ship record, or all of a distributor's ship records of the lot. Labels those
        /// ship records.
        case massBalance = "mass_balance"
        /// A transform makes 30–90 % more than its inputs × the product's maximum yield. Labels
        /// the transform record.
        case transformYield = "transform_yield"
        /// Serial numbers of an earlier lot of the same product reused in a later lot. Labels
        /// every record of the later lot that carries a reused serial.
        case clonedSerial = "cloned_serial"
        /// A farm's certificate claimed for a lot after it expired (one the facility never held is
        /// refused by the ledger's admission checks, so it is not generated). Labels the produce and
        /// ship records that claim it.
        case certificateInvalid = "certificate_invalid"
        /// A single produce record above the facility's capacity per day (1.3–2.2 ×). Labels the
        /// produce record.
        case overCapacity = "over_capacity"
        /// A shipment priced 3–7 × what the link would ordinarily charge (over-invoicing, moving value across a border
        /// as trade: FATF and Egmont Group, "Trade-Based Money Laundering: Risk Indicators", 2021). No rule names it.
        /// Labels the ship record.
        case overInvoicing = "over_invoicing"
        /// A shipment that takes 3–8 × its lane's ordinary transit, at least two days more (an unexplained detour or
        /// transshipment: FATF and Egmont Group, 2021; OECD Due Diligence Guidance for Minerals, Annex II red flags).
        /// No rule names it. Labels the ship and the receive record.
        case circuitousRoute = "circuitous_route"
        /// A lot's raw material goes to a processor in a country its origin region never supplies (goods diverted off
        /// their usual route: FATF and Egmont Group, 2021; OECD-FAO Guidance for Responsible Agricultural Supply
        /// Chains, 2016). No rule names it. Labels the ship and the receive record of each raw shipment.
        case unusualDestination = "unusual_destination"

        public static func < (lhs: AnomalyKind, rhs: AnomalyKind) -> Bool {
            lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
        }
    }

    /// One labelled record: `record_id` carries anomaly `kind`; `signer` is the participant whose
    /// shipment file holds it.
    public struct Label: Sendable, Hashable, Comparable {
        public static let csvHeader = ["record_id", "kind", "signer"]

        public let recordID: String
        public let kind: AnomalyKind
        public let signer: String

        public var csvFields: [String] { [recordID, kind.rawValue, signer] }

        public static func < (lhs: Label, rhs: Label) -> Bool {
            if lhs.recordID != rhs.recordID { return lhs.recordID.utf8.lexicographicallyPrecedes(rhs.recordID.utf8) }
            return lhs.kind < rhs.kind
        }
    }
}
