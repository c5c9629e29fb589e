/// How established the trade between a shipment's two facilities is, and how much of a sender's volume goes to
/// counterparties it rarely ships to.
///
/// - `relationship_age_days`: the days from the first shipment between the two facilities (in time order, any
///   product) to this one; 0 for the first. A large delivery on a relationship a few days old reads differently from
///   the same delivery on one of two years.
/// - `rare_partner_share`: the share of the sender facility's shipped volume (over the range, in base units) that
///   went to destinations that received at most ``rareShipments`` of its shipments. Volume scattered over one-off
///   counterparties is how goods are layered through shell companies (FATF/Egmont 2021, "Trade-based money
///   laundering: risk indicators"). Missing for a sender with fewer than `minimumCohort` shipments, whose every
///   counterparty is rare.
struct Relationships {
    /// The most shipments a destination can have received from a sender and still count as rare for it.
    static let rareShipments = 2

    /// Per shipment, by position in ``LinkSet/shipments``: the relationship's age in days, `nil` without a ship.
    let ageDays: [Double?]
    /// Per shipment: its sender's share of volume to rare counterparties, `nil` where not computable.
    let rareShare: [Double?]

    init(links: LinkSet, minimumCohort: Int) {
        let events = links.events
        struct Pair: Hashable {
            let origin: String
            let destination: String
        }
        var order = [(position: Int, ship: Int)]()
        for (position, link) in links.shipments.enumerated() {
            if let ship = link.ship, events[ship].facility != nil, events[ship].destination != nil {
                order.append((position, ship))
            }
        }
        order.sort {
            (events[$0.ship].occurredAt.epochSeconds, $0.ship) < (events[$1.ship].occurredAt.epochSeconds, $1.ship)
        }
        var firstShipped = [Pair: Int64]()
        var ageDays = [Double?](repeating: nil, count: links.shipments.count)
        var shipmentsPerPair = [Pair: Int]()
        var volumePerPair = [Pair: Double]()
        var shipmentsPerSender = [String: Int]()
        for (position, ship) in order {
            let event = events[ship]
            let pair = Pair(origin: event.facility ?? "", destination: event.destination ?? "")
            let time = event.occurredAt.epochSeconds
            let first = firstShipped[pair] ?? time
            firstShipped[pair] = first
            ageDays[position] = Double(time - first) / 86_400
            shipmentsPerPair[pair, default: 0] += 1
            volumePerPair[pair, default: 0] += event.baseQuantity ?? 0
            shipmentsPerSender[pair.origin, default: 0] += 1
        }
        var rare = [String: Double]()
        var total = [String: Double]()
        // Summed in a fixed order, so that the shares are the same bits in every process.
        let pairs = volumePerPair.sorted { ($0.key.origin, $0.key.destination) < ($1.key.origin, $1.key.destination) }
        for (pair, volume) in pairs {
            total[pair.origin, default: 0] += volume
            if (shipmentsPerPair[pair] ?? 0) <= Self.rareShipments { rare[pair.origin, default: 0] += volume }
        }
        var rareShare = [Double?](repeating: nil, count: links.shipments.count)
        for (position, ship) in order {
            let origin = events[ship].facility ?? ""
            guard (shipmentsPerSender[origin] ?? 0) >= max(1, minimumCohort), let volume = total[origin], volume > 0
            else { continue }
            rareShare[position] = (rare[origin] ?? 0) / volume
        }
        self.ageDays = ageDays
        self.rareShare = rareShare
    }
}
