/// How long each shipped lot stayed at its sender: the hours from its arrival at the sender's facility (its receive
/// there, or else its produce or transform there: ``LinkSet/arrival(of:)``) to the ship, measured against the dwells
/// of its peers (``PeerGroups``).
///
/// A shipment's reliable peer group is the first of these with at least `minimumCohort` known dwells, and the
/// narrower ones before it are blended in by credibility (``PeerGroups``):
/// 1. the sender's facility, for the product;
/// 2. facilities of the sender's kind (farm, mill, warehouse, …), for the product;
/// 3. facilities of the sender's kind, for any product.
///
/// The spread is at least 1 h and 5 % of the median. A lot held far longer than its peers (stock kept back and
/// shipped weeks later, where products of unknown origin could join it) and one shipped before it arrived both
/// stand out.
struct DwellTimes {
    private enum Key: Hashable {
        case facility(String, product: String)
        case kind(String, product: String)
        case anyProduct(kind: String)
    }

    /// Per shipment, by position in ``LinkSet/shipments``: its dwell in hours, `nil` where its arrival is not in
    /// the range.
    let hours: [Double?]
    /// Per shipment: its peer group's statistics, `nil` where every group is too small.
    let references: [PeerReference?]

    init(links: LinkSet, minimumCohort: Int) {
        let events = links.events
        var hours = [Double?]()
        var keys = [[Key]]()
        hours.reserveCapacity(links.shipments.count)
        keys.reserveCapacity(links.shipments.count)
        for link in links.shipments {
            guard let ship = link.ship, let arrival = links.arrival(of: link), let product = events[ship].product,
                let facility = events[ship].facility
            else {
                hours.append(nil)
                keys.append([])
                continue
            }
            let seconds = events[ship].occurredAt.epochSeconds - events[arrival].occurredAt.epochSeconds
            hours.append(Double(seconds) / 3600)
            let kind = links.facilities[facility]?.kind ?? ""
            keys.append([.facility(facility, product: product), .kind(kind, product: product), .anyProduct(kind: kind)])
        }
        self.hours = hours
        (references, table) = PeerGroups.resolve(
            keys: keys, values: hours, minimumCohort: minimumCohort, minimumSpread: 1, relativeSpread: 0.05,
            name: Self.name(of:))
    }

    /// The senders' dwell peer groups as fitted.
    let table: PeerTable

    /// The shipment's dwell against its peers', in spreads, or `nil`.
    func deviation(ofShipment position: Int) -> Double? {
        guard let hours = hours[position], let reference = references[position] else { return nil }
        return reference.deviation(hours)
    }

    private static func name(of key: Key) -> String {
        switch key {
        case .facility(let facility, let product): "\(product) shipped from \(facility)"
        case .kind(let kind, let product): "\(product) shipped from \(kind.isEmpty ? "facilities" : kind + "s")"
        case .anyProduct(let kind): "shipments from \(kind.isEmpty ? "facilities" : kind + "s")"
        }
    }
}
