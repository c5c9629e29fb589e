import LedgerCore
import LedgerCrypto

@testable import Pipeline

/// A small chain built event by event, in ledger order, with the master data of its facilities.
///
/// Event IDs are the SHA-256 of the record ID; times are ISO 8601 with their offsets; quantities
/// are in kg unless a unit is given.
struct ChainFixture {
    private(set) var events: [ChainEvent] = []
    var facilities: [String: FacilityProfile] = [:]

    // MARK: - Master data

    /// Accra, Ghana.
    static let accra = (latitude: 5.6037, longitude: -0.1870)
    /// Amsterdam, the Netherlands.
    static let amsterdam = (latitude: 52.3676, longitude: 4.9041)

    mutating func facility(
        _ id: String, country: String = "GH", at place: (latitude: Double, longitude: Double) = accra,
        kind: String = "farm", capacity: Double? = nil, unit: String? = nil, workers: Int? = nil,
        certificate: String? = nil, expires: String? = nil, party: String? = nil, parent: String? = nil
    ) {
        facilities[id] = FacilityProfile(
            id: id, party: party ?? id.lowercased(), kind: kind, country: country, latitude: place.latitude,
            longitude: place.longitude,
            capacityPerDay: capacity, unit: unit, workers: workers, certificate: certificate,
            certificateExpires: expires.flatMap(FacilityProfile.dayNumber), parent: parent)
    }

    /// A production plot of `farm`: `area` hectares of `commodity`, its land established or last cleared on
    /// `established` (`YYYY-MM-DD`).
    mutating func plot(
        _ id: String, farm: String, area: Double, commodity: String = "cocoa", established: String? = nil,
        geometry: PlotGeometry? = nil
    ) {
        facility(id, kind: "plot", party: facilities[farm]?.party, parent: farm)
        facilities[id]?.geometry = geometry
        facilities[id]?.areaHectares = area
        facilities[id]?.commodity = commodity
        facilities[id]?.established = established.flatMap(FacilityProfile.dayNumber)
    }

    /// A harvest at `facility` from `plots`.
    @discardableResult
    mutating func harvest(
        _ record: String, at time: String, facility: String, plots: [String], quantity: Double, unit: String = "kg",
        lot: String? = nil
    ) -> Int {
        let position = produce(
            record, at: time, facility: facility, lot: lot ?? "LOT-\(record)", quantity: quantity, unit: unit)
        events[position].plots = plots
        return position
    }

    // MARK: - Events

    /// Appends an event and returns its position.
    @discardableResult
    mutating func append(
        _ kind: EventKind, _ record: String, at time: String, facility: String? = nil, product: String? = "cocoa-beans",
        lot: String? = nil, quantity: Double? = nil, unit: String = "kg", unitPrice: Double? = nil,
        currency: String? = nil,
        shipment: String? = nil, destination: String? = nil, origin: String? = nil, certificate: String? = nil,
        serials: [String] = [], inputLots: [String] = [], inputQuantities: [Double] = []
    ) -> Int {
        let position = events.count
        events.append(
            ChainEvent(
                index: position, id: Self.id(record), kind: kind, signer: (facility ?? "operator").lowercased(),
                recordID: record,
                occurredAt: Self.time(time), product: product, lot: lot, facility: facility, quantity: quantity,
                unit: quantity == nil ? nil : unit, unitPrice: unitPrice, currency: currency, shipmentID: shipment,
                destination: destination, origin: origin, certificate: certificate, serials: serials,
                inputLots: inputLots,
                inputQuantities: inputQuantities))
        return position
    }

    @discardableResult
    mutating func produce(
        _ record: String, at time: String, facility: String, lot: String, quantity: Double, unit: String = "kg",
        product: String = "cocoa-beans", certificate: String? = nil, serials: [String] = []
    ) -> Int {
        append(
            .produce, record, at: time, facility: facility, product: product, lot: lot, quantity: quantity, unit: unit,
            certificate: certificate, serials: serials)
    }

    @discardableResult
    mutating func ship(
        _ record: String, at time: String, from facility: String, to destination: String, lot: String, quantity: Double,
        unit: String = "kg", shipment: String, product: String = "cocoa-beans", unitPrice: Double? = nil,
        currency: String? = nil, certificate: String? = nil
    ) -> Int {
        append(
            .ship, record, at: time, facility: facility, product: product, lot: lot, quantity: quantity, unit: unit,
            unitPrice: unitPrice, currency: unitPrice == nil ? currency : currency ?? "USD", shipment: shipment,
            destination: destination, certificate: certificate)
    }

    @discardableResult
    mutating func receive(
        _ record: String, at time: String, at facility: String, from origin: String, lot: String, quantity: Double,
        unit: String = "kg", shipment: String, product: String = "cocoa-beans"
    ) -> Int {
        append(
            .receive, record, at: time, facility: facility, product: product, lot: lot, quantity: quantity, unit: unit,
            shipment: shipment, origin: origin)
    }

    @discardableResult
    mutating func transform(
        _ record: String, at time: String, facility: String, inputs: [(lot: String, quantity: Double)], lot: String,
        quantity: Double, product: String = "cocoa-nibs"
    ) -> Int {
        append(
            .transform, record, at: time, facility: facility, product: product, lot: lot, quantity: quantity,
            inputLots: inputs.map(\.lot), inputQuantities: inputs.map(\.quantity))
    }

    // MARK: - Running the stages

    func links(unreceivedAfterHours: Double = 720) -> LinkSet {
        LinkSet(events: events, facilities: facilities, unreceivedAfterHours: unreceivedAfterHours)
    }

    func features(minimumCohort: Int = 20) -> (links: LinkSet, table: FeatureTable) {
        let links = links()
        return (links, FeatureTable(links: links, minimumCohort: minimumCohort))
    }

    /// Every rule finding over the chain.
    func findings(rules: PipelineDefinition.Rules = .init(), minimumCohort: Int = 20) -> [RuleFinding] {
        let (links, table) = features(minimumCohort: minimumCohort)
        return RuleEngine(links: links, rules: rules, features: table).findings()
    }

    /// The findings of one rule.
    func findings(
        of rule: RuleName, rules: PipelineDefinition.Rules = .init(), minimumCohort: Int = 20
    ) -> [RuleFinding] {
        findings(rules: rules, minimumCohort: minimumCohort).filter { $0.rule == rule }
    }

    /// The whole pipeline over the chain.
    func run(_ definition: PipelineDefinition = PipelineDefinition()) -> Report {
        let range = Report.LedgerRange(
            origin: "fixture.example/ledger", fromSize: 0, toSize: events.count,
            rootHash: String(repeating: "0", count: 64),
            window: nil)
        return PipelineRun(definition: definition, definitionDigest: String(repeating: "a", count: 64))
            .run(events: events, facilities: facilities, range: range).report
    }

    // MARK: - Values

    static func id(_ record: String) -> Digest { SHA256.hash(Array(record.utf8)) }

    static func time(_ text: String) -> Timestamp {
        do {
            return try Timestamp(iso8601: text)
        } catch {
            fatalError("fixture time '\(text)': \(error)")
        }
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` date.
    static func day(_ date: String) -> Int {
        guard let day = FacilityProfile.dayNumber(date) else { fatalError("fixture date '\(date)' is not YYYY-MM-DD") }
        return day
    }
}
