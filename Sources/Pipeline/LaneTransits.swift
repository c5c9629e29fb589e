/// Transit times and implied speeds measured against the shipments most like each one: those of its lane
/// (``PeerGroups``).
///
/// A shipment's reliable peer group is the first of these with at least `minimumCohort` shipments whose transit is
/// known (both the ship and the receive are in the range), and the narrower ones before it are blended in by
/// credibility (``PeerGroups``):
/// 1. its facility lane, origin facility → destination facility, for its product;
/// 2. its country lane, origin country → destination country, in its distance band (below), for its product;
/// 3. its distance band, great-circle distances within a factor of two of each other (0–100 km, 100–200 km,
///    200–400 km, …), for its product;
/// 4. to 6. the same three for any product.
///
/// The product comes first because it decides how goods travel: on one lane, fresh fish flies and frozen goods sail,
/// and a lane's air freight measured against its sea freight would look impossibly fast.
///
/// The shipment itself is one of the reliable group's peers, but not of the smaller groups blended in. A group too
/// small at every level gives no reference, and the feature is missing for that shipment. The deviation is signed,
/// so a transit too fast and one too slow count alike, and a receive before its ship (a negative transit) is far
/// below any lane's norm.
///
/// Losses (the share of the shipped quantity not received) are measured against the same lanes: perishable goods
/// on a long lane lose more than sacks of beans on a short one.
///
/// Speeds (great-circle distance over a positive transit) get their own groups on the same lanes: a transit that
/// cannot be shorter than 0 h moves only a bounded number of spreads below a long lane's median, while a speed many
/// times its lane's has no bound. That is how a flight of 3 h on a lane whose air freight takes 25 h shows.
struct LaneTransits {
    /// A lane's transit statistics, hours; the spread is at least 1 h and 5 % of the median.
    typealias Reference = PeerReference

    private enum Key: Hashable {
        case facilities(String, String, product: String?)
        case countries(String, String, band: Int, product: String?)
        case band(Int, product: String?)
    }

    /// The reference of each shipment of the links, by position in ``LinkSet/shipments``.
    private let references: [Reference?]
    /// The same for implied speeds, km/h.
    private let speedReferences: [Reference?]
    /// The same for losses, the share of the shipped quantity not received.
    private let lossReferences: [Reference?]

    /// The peer group of every shipment of `links`, each group's statistics computed once.
    init(links: LinkSet, minimumCohort: Int) {
        let keys = links.shipments.map { Self.keys(of: $0, in: links) }
        let transits = PeerGroups.resolve(
            keys: keys, values: links.shipments.map { links.transitHours(of: $0) }, minimumCohort: minimumCohort,
            minimumSpread: 1, relativeSpread: 0.05, name: Self.name(of:))
        let speeds = PeerGroups.resolve(
            keys: keys, values: links.shipments.map { links.speedKmh(of: $0) }, minimumCohort: minimumCohort,
            minimumSpread: 1, relativeSpread: 0.05, name: Self.name(of:))
        // A loss of half a percent is one spread where a lane's losses are all alike (most often none at all).
        let losses = PeerGroups.resolve(
            keys: keys, values: links.shipments.map { links.lossRatio(of: $0) }, minimumCohort: minimumCohort,
            minimumSpread: 0.005, relativeSpread: 0.05, name: Self.name(of:))
        references = transits.references
        speedReferences = speeds.references
        lossReferences = losses.references
        tables = ["lane_transit_hours": transits.table, "lane_speed_kmh": speeds.table, "lane_loss": losses.table]
    }

    /// The lanes' peer groups as fitted, by what they measure.
    let tables: [String: PeerTable]

    /// The reference of the smallest peer group of the shipment at `position` that is large enough, or `nil`.
    func reference(ofShipment position: Int) -> Reference? { references[position] }

    /// The speed reference of the shipment at `position`, or `nil`.
    func speedReference(ofShipment position: Int) -> Reference? { speedReferences[position] }

    /// The loss reference of the shipment at `position`, or `nil`.
    func lossReference(ofShipment position: Int) -> Reference? { lossReferences[position] }

    /// The link's peer groups, from the narrowest.
    private static func keys(of link: LinkSet.ShipmentLink, in links: LinkSet) -> [Key] {
        guard let origin = links.origin(of: link), let destination = links.destination(of: link) else { return [] }
        let distance = greatCircleKilometres(origin, destination)
        let band = distance < 100 ? 0 : Int((distance / 100).rounded(.down)).bitWidthOfValue
        let product = (link.ship ?? link.receive).flatMap { links.events[$0].product }
        var keys = [Key]()
        for product in product.map({ [$0, nil] }) ?? [nil] {
            keys += [
                .facilities(origin.id, destination.id, product: product),
                .countries(origin.country, destination.country, band: band, product: product),
                .band(band, product: product),
            ]
        }
        return keys
    }

    private static func name(of key: Key) -> String {
        let (name, product): (String, String?) =
            switch key {
            case .facilities(let origin, let destination, let product): ("lane \(origin) → \(destination)", product)
            case .countries(let origin, let destination, let band, let product):
                ("lanes \(origin) → \(destination) of \(Self.bandName(band))", product)
            case .band(let band, let product): ("lanes of \(Self.bandName(band))", product)
            }
        return product.map { "\(name) (\($0))" } ?? name
    }

    /// "0–100 km", "100–200 km", "200–400 km", …
    private static func bandName(_ band: Int) -> String {
        band == 0 ? "0–100 km" : "\(Format.number(Double(100 << (band - 1))))–\(Format.number(Double(100 << band))) km"
    }
}

extension Int {
    /// The number of bits after the highest set one, plus one: 1 for 1, 2 for 2–3, 3 for 4–7, …; 0 for 0.
    fileprivate var bitWidthOfValue: Int { self <= 0 ? 0 : Int.bitWidth - leadingZeroBitCount }
}
