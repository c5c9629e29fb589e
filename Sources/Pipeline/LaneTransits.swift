/// Transit times measured against the shipments most like each one: those of its lane (``PeerGroups``).
///
/// A shipment's peer group is the first of these with at least `minimumCohort` shipments whose transit is known
/// (both the ship and the receive are in the range):
/// 1. its facility lane, origin facility → destination facility;
/// 2. its country lane, origin country → destination country;
/// 3. its distance band, great-circle distances within a factor of two of each other (0–100 km, 100–200 km,
///    200–400 km, …).
///
/// The shipment itself is one of its peers. A group too small at every level gives no reference, and the feature is
/// missing for that shipment. The deviation is signed, so a transit too fast and one too slow count alike, and a
/// receive before its ship (a negative transit) is far below any lane's norm.
struct LaneTransits {
    /// A lane's transit statistics, hours; the spread is at least 1 h and 5 % of the median.
    typealias Reference = PeerReference

    private enum Key: Hashable {
        case facilities(String, String)
        case countries(String, String)
        case band(Int)
    }

    /// The reference of each shipment of the links, by position in ``LinkSet/shipments``.
    private let references: [Reference?]

    /// The peer group of every shipment of `links`, each group's statistics computed once.
    init(links: LinkSet, minimumCohort: Int) {
        references = PeerGroups.resolve(
            keys: links.shipments.map { Self.keys(of: $0, in: links) },
            values: links.shipments.map { links.transitHours(of: $0) }, minimumCohort: minimumCohort,
            minimumSpread: 1, relativeSpread: 0.05, name: Self.name(of:))
    }

    /// The reference of the smallest peer group of the shipment at `position` that is large enough, or `nil`.
    func reference(ofShipment position: Int) -> Reference? { references[position] }

    /// The link's peer groups, from the narrowest.
    private static func keys(of link: LinkSet.ShipmentLink, in links: LinkSet) -> [Key] {
        guard let origin = links.origin(of: link), let destination = links.destination(of: link) else { return [] }
        let distance = greatCircleKilometres(origin, destination)
        let band = distance < 100 ? 0 : Int((distance / 100).rounded(.down)).bitWidthOfValue
        return [
            .facilities(origin.id, destination.id), .countries(origin.country, destination.country), .band(band),
        ]
    }

    private static func name(of key: Key) -> String {
        switch key {
        case .facilities(let origin, let destination): "lane \(origin) → \(destination)"
        case .countries(let origin, let destination): "lanes \(origin) → \(destination)"
        case .band(let band):
            band == 0
                ? "lanes of 0–100 km"
                : "lanes of \(Format.number(Double(100 << (band - 1))))–\(Format.number(Double(100 << band))) km"
        }
    }
}

extension Int {
    /// The number of bits after the highest set one, plus one: 1 for 1, 2 for 2–3, 3 for 4–7, …; 0 for 0.
    fileprivate var bitWidthOfValue: Int { self <= 0 ? 0 : Int.bitWidth - leadingZeroBitCount }
}
