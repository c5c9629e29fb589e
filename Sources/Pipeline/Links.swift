internal import Foundation

public import LedgerCore

/// The links the pipeline scores, built from the chain's events: each shipment (a `ship` joined to
/// its `receive` by shipment ID and lot) and each transformation (a `transform` joined to the
/// events that brought its input lots to the facility).
public struct LinkSet: Sendable {
    /// The events read, in ledger order, each at its facility's site (``Identity``); links refer to them by position
    /// in this array.
    public let events: [ChainEvent]
    public let facilities: [String: FacilityProfile]
    public private(set) var shipments: [ShipmentLink] = []
    public private(set) var transforms: [TransformLink] = []
    /// Ships with no receive within the configured time.
    public private(set) var unreceived = 0
    /// Receives whose ship is not in the range.
    public private(set) var unshipped = 0
    /// Where each lot came to each facility: the position of its last receive there, or else of its produce or
    /// transform there.
    private(set) var arrivals: [FacilityLot: Int] = [:]
    /// What each facility took in of each lot and shipped of it (``LotBalance``): what the mass-balance rule and the
    /// `lot_balance` feature both compare.
    private(set) var lotBalances: [FacilityLot: LotBalance] = [:]
    /// Lots that moved between two sites of one party with no ship or receive recorded, counted in both sites'
    /// balances (``UnrecordedTransfer/infer(_:events:facilities:)``).
    private(set) var unrecordedTransfers: [UnrecordedTransfer] = []

    /// A shipment between two facilities.
    public struct ShipmentLink: Sendable {
        /// Position of the `ship` event in ``LinkSet/events``.
        public var ship: Int?
        public var receive: Int?
        /// The ship has no receive and is older than the configured time.
        public var isUnreceived = false
    }

    /// A transformation with its inputs.
    public struct TransformLink: Sendable {
        public var transform: Int
        /// For each input lot: the event that brought it to the facility (a receive, produce or
        /// transform there), when the range holds one.
        public var sources: [Int?]
    }

    /// Joins the events into links, each event measured at its facility's site and under its product's code
    /// (``Identity``).
    ///
    /// - Parameter unreceivedAfterHours: a ship older than this (relative to the last event read)
    ///   with no receive is marked unreceived.
    public init(
        events: [ChainEvent], facilities: [String: FacilityProfile], products: ProductCatalog = ProductCatalog(),
        unreceivedAfterHours: Double
    ) {
        let events = Identity(facilities: facilities, products: products).resolve(events)
        self.events = events
        self.facilities = facilities
        var byShipment = [ShipmentKey: Int]()
        var arrivals = [FacilityLot: Int]()
        var latest: Int64?
        for position in events.indices {
            let event = events[position]
            latest = max(latest ?? .min, event.occurredAt.epochSeconds)
            switch event.kind {
            case .ship, .receive:
                guard let shipmentID = event.shipmentID, let lot = event.lot else { continue }
                let key = ShipmentKey(shipmentID: shipmentID, lot: lot)
                let isShip = event.kind == .ship
                if let existing = byShipment[key],
                    isShip ? shipments[existing].ship == nil : shipments[existing].receive == nil
                {
                    if isShip { shipments[existing].ship = position } else { shipments[existing].receive = position }
                } else {
                    byShipment[key] = shipments.count
                    shipments.append(ShipmentLink(ship: isShip ? position : nil, receive: isShip ? nil : position))
                }
                if !isShip, let facility = event.facility {
                    arrivals[FacilityLot(facility: facility, lot: lot)] = position
                }
            case .produce, .transform:
                if let facility = event.facility, let lot = event.lot {
                    let key = FacilityLot(facility: facility, lot: lot)
                    if arrivals[key] == nil { arrivals[key] = position }
                }
            default:
                continue
            }
        }
        // With no events there is nothing to be old relative to.
        let cutoff = latest.map { $0 - Int64(unreceivedAfterHours * 3600) } ?? .min
        for position in shipments.indices {
            if let ship = shipments[position].ship, shipments[position].receive == nil {
                if events[ship].occurredAt.epochSeconds < cutoff {
                    shipments[position].isUnreceived = true
                    unreceived += 1
                }
            } else if shipments[position].ship == nil {
                unshipped += 1
            }
        }
        for position in events.indices where events[position].kind == .transform {
            let facility = events[position].facility ?? ""
            let sources = events[position].inputLots.map { arrivals[FacilityLot(facility: facility, lot: $0)] }
            transforms.append(TransformLink(transform: position, sources: sources))
        }
        self.arrivals = arrivals
        for position in events.indices {
            let event = events[position]
            guard let facility = event.facility, let lot = event.lot, let quantity = event.baseQuantity else {
                continue
            }
            switch event.kind {
            case .produce, .receive, .transform:
                lotBalances[FacilityLot(facility: facility, lot: lot), default: LotBalance()].takeIn(
                    quantity, at: position, dimension: event.dimension)
            case .ship:
                lotBalances[FacilityLot(facility: facility, lot: lot), default: LotBalance()].ship(
                    quantity, at: position)
            default:
                continue
            }
        }
        unrecordedTransfers = UnrecordedTransfer.infer(&lotBalances, events: events, facilities: facilities)
    }

    /// The facility a shipment goes to.
    func destination(of link: ShipmentLink) -> FacilityProfile? {
        if let ship = link.ship, let destination = events[ship].destination { return facilities[destination] }
        if let receive = link.receive, let facility = events[receive].facility { return facilities[facility] }
        return nil
    }

    /// The facility a shipment leaves from.
    func origin(of link: ShipmentLink) -> FacilityProfile? {
        if let ship = link.ship, let facility = events[ship].facility { return facilities[facility] }
        if let receive = link.receive, let origin = events[receive].origin { return facilities[origin] }
        return nil
    }

    /// A transform's yield (output over inputs, base units) and its product pair.
    func yield(of link: LinkSet.TransformLink) -> (yield: Double, pair: String)? {
        let transform = events[link.transform]
        guard let output = transform.baseQuantity, let product = transform.product,
            link.sources.count == transform.inputQuantities.count, !link.sources.isEmpty
        else { return nil }
        var input = 0.0
        var inputProducts = Set<String>()
        for (source, quantity) in zip(link.sources, transform.inputQuantities) {
            guard let source, let measure = events[source].unit.flatMap(MeasureUnit.init),
                let inputProduct = events[source].product
            else {
                return nil
            }
            input += quantity * measure.factor
            inputProducts.insert(inputProduct)
        }
        guard input > 0 else { return nil }
        return (output / input, inputProducts.sorted().joined(separator: "+") + " -> " + product)
    }

    /// The events of a shipment, ship first.
    func positions(of link: ShipmentLink) -> [Int] { [link.ship, link.receive].compactMap { $0 } }

    /// Where the shipped lot came to the sender's facility (``arrivals``): the event the sender-side features of the
    /// link (dwell, balance, capacity) are about besides the ship itself.
    func arrival(of link: ShipmentLink) -> Int? {
        guard let ship = link.ship, let facility = events[ship].facility, let lot = events[ship].lot else { return nil }
        return arrivals[FacilityLot(facility: facility, lot: lot)]
    }

    /// The share of the shipped quantity not received, (shipped − received) / shipped in base units; `nil` without
    /// both events, a positive shipped quantity or one dimension for both.
    func lossRatio(of link: ShipmentLink) -> Double? {
        guard let ship = link.ship, let receive = link.receive, let sent = events[ship].baseQuantity,
            let got = events[receive].baseQuantity, sent > 0, events[ship].dimension == events[receive].dimension
        else { return nil }
        return (sent - got) / sent
    }

    /// Hours from a shipment's ship to its receive (negative when the receive comes first), or `nil` without both.
    func transitHours(of link: ShipmentLink) -> Double? {
        guard let ship = link.ship, let receive = link.receive else { return nil }
        return Double(events[receive].occurredAt.epochSeconds - events[ship].occurredAt.epochSeconds) / 3600
    }

    /// The great-circle distance between the link's facilities over its transit, km/h; `nil` without both facilities'
    /// coordinates or a positive transit.
    func speedKmh(of link: ShipmentLink) -> Double? {
        guard let hours = transitHours(of: link), hours > 0, let origin = origin(of: link),
            let destination = destination(of: link)
        else { return nil }
        return greatCircleKilometres(origin, destination) / hours
    }
}

struct ShipmentKey: Hashable {
    let shipmentID: String
    let lot: String
}

struct FacilityLot: Hashable {
    let facility: String
    let lot: String
}

/// A lot that left one site of a party and turned up at another site of the same party with no ship or receive
/// between them: an internal move nobody recorded. Companies rarely record moves between their own sites as ship and
/// receive; between parties a missing ship or receive stays a mass-balance failure.
struct UnrecordedTransfer: Hashable {
    let lot: String
    /// The sites, each the top of its location chain (``Identity``).
    let from: String
    let to: String
    /// What the move is taken to have carried, in base units: what the destination shipped, at most what the origin
    /// had left.
    let quantity: Double
    /// The events that brought the lot to `from`.
    let sources: [Int]
    /// The destination's first ship of the lot: the move happened before it.
    let firstShip: Int

    /// Finds the transfers in `balances` and counts each in both sites' balances.
    ///
    /// A site ships a lot it never produced, transformed or received, and another site of the party that ships it
    /// took the lot in before that first ship and has some of it left: the lot moved from there. Of several such
    /// sites, the one whose lot came in last before the ship is taken (then the smaller site ID). Lots are visited in
    /// sorted order and a lot's sites in the order of their first ships (then by ID), so the result does not depend
    /// on dictionary order, and a lot moved on again is found at its third site too. Only lots that some site ships
    /// without an inflow are looked at: on an ordinary chain, next to none.
    static func infer(
        _ balances: inout [FacilityLot: LotBalance], events: [ChainEvent], facilities: [String: FacilityProfile]
    ) -> [UnrecordedTransfer] {
        var candidates = Set<String>()
        for (key, balance) in balances where balance.inflow == 0 && !balance.ships.isEmpty {
            candidates.insert(key.lot)
        }
        guard !candidates.isEmpty else { return [] }
        var sitesOfLot = [String: [String]]()
        for key in balances.keys where candidates.contains(key.lot) {
            sitesOfLot[key.lot, default: []].append(key.facility)
        }
        var transfers = [UnrecordedTransfer]()
        for lot in candidates.sorted() {
            guard let sites = sitesOfLot[lot], sites.count > 1 else { continue }
            let order = sites.map {
                (first: balances[FacilityLot(facility: $0, lot: lot)]?.ships.first ?? .max, site: $0)
            }
            for site in order.sorted(by: { ($0.first, $0.site) < ($1.first, $1.site) }).map(\.site) {
                let key = FacilityLot(facility: site, lot: lot)
                guard let balance = balances[key], balance.inflow == 0, let firstShip = balance.ships.first,
                    let party = facilities[site]?.party
                else { continue }
                var best: (site: String, arrived: Int)?
                for other in sites where other != site && facilities[other]?.party == party {
                    guard let source = balances[FacilityLot(facility: other, lot: lot)],
                        source.inflow > source.outflow,
                        let arrived = source.sources.last(where: { $0 < firstShip })
                    else { continue }
                    if best.map({ arrived > $0.arrived || (arrived == $0.arrived && other < $0.site) }) ?? true {
                        best = (other, arrived)
                    }
                }
                guard let origin = best?.site, let source = balances[FacilityLot(facility: origin, lot: lot)] else {
                    continue
                }
                let quantity = min(balance.outflow, source.inflow - source.outflow)
                balances[FacilityLot(facility: origin, lot: lot)]?.ship(quantity, at: nil)
                balances[key]?.takeIn(quantity, at: nil, dimension: events[firstShip].dimension)
                transfers.append(
                    UnrecordedTransfer(
                        lot: lot, from: origin, to: site, quantity: quantity, sources: source.sources,
                        firstShip: firstShip))
            }
        }
        return transfers
    }
}

/// What a facility took in of a lot (produced, transformed into or received) and shipped of it, in base units, with
/// the events of each side in ledger order.
struct LotBalance {
    private(set) var inflow = 0.0
    private(set) var outflow = 0.0
    /// The produce, transform and receive events, and the ship events.
    private(set) var sources: [Int] = []
    private(set) var ships: [Int] = []
    /// The unit dimension of the last event taken in.
    private(set) var dimension: MeasureUnit.Dimension?

    /// Takes in `quantity` by the event at `position`, or by an unrecorded transfer when nil.
    mutating func takeIn(_ quantity: Double, at position: Int?, dimension: MeasureUnit.Dimension?) {
        inflow += quantity
        if let position { sources.append(position) }
        self.dimension = dimension
    }

    /// Ships `quantity` by the event at `position`, or by an unrecorded transfer when nil.
    mutating func ship(_ quantity: Double, at position: Int?) {
        outflow += quantity
        if let position { ships.append(position) }
    }
}

/// Great-circle distance in kilometres (haversine, mean Earth radius).
func greatCircleKilometres(_ a: FacilityProfile, _ b: FacilityProfile) -> Double {
    let radians = Double.pi / 180
    let lat1 = a.latitude * radians
    let lat2 = b.latitude * radians
    let dLat = lat2 - lat1
    let dLon = (b.longitude - a.longitude) * radians
    let h = sinSquared(dLat / 2) + cos(lat1) * cos(lat2) * sinSquared(dLon / 2)
    return 2 * 6_371.0088 * asin(min(1, h.squareRoot()))
}

private func sinSquared(_ x: Double) -> Double {
    let s = sin(x)
    return s * s
}

extension Timestamp {
    /// Days since 1970-01-01 in the signer's own time zone.
    var localDay: Int {
        let local = epochSeconds + Int64(offsetMinutes) * 60
        return Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }
}
