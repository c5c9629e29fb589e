public import LedgerCore
public import LedgerCrypto

/// One event of the chain as the pipeline reads it: the fields it links and measures, with every
/// value the ledger holds (sensitive ones included: the pipeline runs for the compliance role).
public struct ChainEvent: Sendable {
    /// Position in the ledger (0-based tree index).
    public var index: Int
    public var id: Digest
    public var kind: EventKind
    public var signer: String
    public var recordID: String
    public var occurredAt: Timestamp
    /// The product's code: an event that names a registered product by a GTIN, SGTIN or LGTIN is measured under the
    /// product's code (``Identity``), its own name kept in ``recordedProduct``.
    public var product: String?
    /// The product as the event names it, when ``product`` is the registered product's code instead; `nil` otherwise.
    public var recordedProduct: String?
    public var lot: String?
    /// Where the event happened; the pipeline measures an event at a site's location (a dock, a line) at the site
    /// itself (``Identity``), and keeps the location as recorded in ``recordedFacility``.
    public var facility: String?
    /// The facility as the event records it, when ``facility`` is its site instead; `nil` otherwise.
    public var recordedFacility: String?
    public var quantity: Double?
    public var unit: String?
    public var unitPrice: Double?
    public var currency: String?
    public var shipmentID: String?
    public var destination: String?
    public var origin: String?
    public var certificate: String?
    public var serials: [String]
    public var inputLots: [String]
    public var inputQuantities: [Double]
    /// The production plots a `produce` event names.
    public var plots: [String] = []

    /// The event at ledger position `index`, from its stored fields.
    public init(index: Int, stored: EventFields) {
        self.init(
            index: index, id: stored.id, kind: stored.kind, signer: stored.signer, recordID: stored.recordID,
            occurredAt: stored.occurredAt)
        for (name, value) in stored.fields {
            switch name {
            case "product": product = value.stringValue
            case "lot": lot = value.stringValue
            case "facility": facility = value.stringValue
            case "quantity": quantity = value.stringValue.flatMap(Double.init)
            case "unit": unit = value.stringValue
            case "unit_price": unitPrice = value.stringValue.flatMap(Double.init)
            case "currency": currency = value.stringValue
            case "shipment_id": shipmentID = value.stringValue
            case "destination": destination = value.stringValue
            case "origin": origin = value.stringValue
            case "certificate": certificate = value.stringValue
            case "serials": serials = value.arrayValue?.compactMap(\.stringValue) ?? []
            case "input_lots": inputLots = value.arrayValue?.compactMap(\.stringValue) ?? []
            case "input_quantities":
                inputQuantities = value.arrayValue?.compactMap(\.stringValue).compactMap(Double.init) ?? []
            case "plots": plots = value.arrayValue?.compactMap(\.stringValue) ?? []
            default: continue
            }
        }
    }

    /// An event given field by field (tests, other adapters).
    public init(
        index: Int, id: Digest, kind: EventKind, signer: String, recordID: String, occurredAt: Timestamp,
        product: String? = nil, lot: String? = nil, facility: String? = nil, quantity: Double? = nil,
        unit: String? = nil,
        unitPrice: Double? = nil, currency: String? = nil, shipmentID: String? = nil, destination: String? = nil,
        origin: String? = nil, certificate: String? = nil, serials: [String] = [], inputLots: [String] = [],
        inputQuantities: [Double] = []
    ) {
        self.index = index
        self.id = id
        self.kind = kind
        self.signer = signer
        self.recordID = recordID
        self.occurredAt = occurredAt
        self.product = product
        self.lot = lot
        self.facility = facility
        self.quantity = quantity
        self.unit = unit
        self.unitPrice = unitPrice
        self.currency = currency
        self.shipmentID = shipmentID
        self.destination = destination
        self.origin = origin
        self.certificate = certificate
        self.serials = serials
        self.inputLots = inputLots
        self.inputQuantities = inputQuantities
    }

    /// The quantity in its dimension's base unit (kg, l or pieces).
    var baseQuantity: Double? {
        guard let quantity, let unit else { return nil }
        return MeasureUnit(unit).map { quantity * $0.factor }
    }

    var dimension: MeasureUnit.Dimension? { unit.flatMap(MeasureUnit.init)?.dimension }

    /// The record as it appears in a flag.
    var flagRecord: Report.FlagRecord {
        Report.FlagRecord(
            recordID: recordID, eventID: id.hex, index: index, kind: kind.rawValue, signer: signer,
            occurredAt: occurredAt.local, facility: recordedFacility ?? facility, recordedProduct: recordedProduct)
    }
}

/// A facility's master data, as its latest `facility` event in the range states it.
public struct FacilityProfile: Sendable, Hashable {
    public var id: String
    public var party: String
    public var kind: String
    public var country: String
    public var latitude: Double
    public var longitude: Double
    public var capacityPerDay: Double?
    public var unit: String?
    public var workers: Int?
    public var certificate: String?
    /// Day number (days since 1970-01-01) of the certificate's last valid day.
    public var certificateExpires: Int?
    /// The site this facility is a location of (`parent_facility`), if any.
    public var parent: String?
    /// A plot's area in hectares, commodity and the day number its land was established or last cleared.
    public var areaHectares: Double?
    public var commodity: String?
    public var established: Int?
    /// A plot's geometry, when its master data holds one that reads.
    public var geometry: PlotGeometry?

    public init(
        id: String, party: String, kind: String, country: String, latitude: Double, longitude: Double,
        capacityPerDay: Double? = nil, unit: String? = nil, workers: Int? = nil, certificate: String? = nil,
        certificateExpires: Int? = nil, parent: String? = nil
    ) {
        self.id = id
        self.party = party
        self.kind = kind
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
        self.capacityPerDay = capacityPerDay
        self.unit = unit
        self.workers = workers
        self.certificate = certificate
        self.certificateExpires = certificateExpires
        self.parent = parent
    }

    /// The profile a `facility` event's fields describe; nil if a required field is missing.
    public init?(fields: [String: JSONValue]) {
        func text(_ name: String) -> String? { fields[name]?.stringValue }
        func number(_ name: String) -> Double? { text(name).flatMap(Double.init) }
        guard let id = text("facility"), let party = text("party"), let kind = text("kind"),
            let country = text("country"),
            let latitude = number("latitude"), let longitude = number("longitude")
        else { return nil }
        self.init(
            id: id, party: party, kind: kind, country: country, latitude: latitude, longitude: longitude,
            capacityPerDay: number("capacity_per_day"), unit: text("unit"), workers: fields["workers"]?.integerValue,
            certificate: text("certificate"), certificateExpires: text("certificate_expires").flatMap(Self.dayNumber),
            parent: text("parent_facility"))
        areaHectares = number("area_ha")
        commodity = text("commodity")
        established = text("established").flatMap(Self.dayNumber)
        geometry = text("geometry").flatMap { try? JSONParser.parse($0) }.flatMap { try? PlotGeometry(geoJSON: $0) }
    }

    /// Capacity per day in the base unit of its dimension.
    var baseCapacity: (value: Double, dimension: MeasureUnit.Dimension)? {
        guard let capacityPerDay, let measure = unit.flatMap(MeasureUnit.init) else { return nil }
        return (capacityPerDay * measure.factor, measure.dimension)
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` date.
    static func dayNumber(_ date: String) -> Int? {
        let parts = date.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        return Timestamp.daysFromCivil(year: year, month: month, day: day)
    }
}

/// A unit of measure, reduced to kilograms, litres or pieces.
public struct MeasureUnit: Sendable {
    public enum Dimension: String, Sendable { case mass = "kg", volume = "l", count = "pcs" }

    public let dimension: Dimension
    /// Base units per one of this unit.
    public let factor: Double

    public init?(_ code: String) {
        switch code {
        case "kg", "KGM": (dimension, factor) = (.mass, 1)
        case "t", "TNE": (dimension, factor) = (.mass, 1000)
        case "g", "GRM": (dimension, factor) = (.mass, 0.001)
        case "lb", "LBR": (dimension, factor) = (.mass, 0.45359237)
        case "l", "LTR": (dimension, factor) = (.volume, 1)
        case "ml", "MLT": (dimension, factor) = (.volume, 0.001)
        case "m3", "MTQ": (dimension, factor) = (.volume, 1000)
        case "pcs", "H87", "C62", "XBG", "XBX", "XPK": (dimension, factor) = (.count, 1)
        default: return nil
        }
    }
}
