/// A sender's volume over time against its own history and against the other senders of the product: for each
/// shipment, what its sending facility shipped of the product in the 30 days up to and including it (a sliding
/// window) over the median of that window at the facility's shipments of the product, divided by the same ratio for
/// everyone else who shipped the product in the same windows (Bolton & Hand 2001: an account's change measured
/// against its peers' change).
///
/// Dividing by the others takes out what all senders share: a harvest season, a flow that reaches the ports weeks
/// after the farms start shipping, the end of a range after which nothing more is shipped upstream. A tenth of the
/// median is added to each window and to its median, so that an empty window is a ratio of 1/11, not 0, and a
/// window in which the others shipped nothing does not divide by zero. A product with no other sender is measured
/// against the sender's own history alone.
///
/// A value far above 1 is a burst: a facility that ships three months' volume in one (stock of unknown origin
/// passed through, capacity it does not have); far below 1, a sudden drop while its peers go on. A window that would
/// reach back before the range's first event or the sender's first shipment of the product is not full: its
/// shipment gets no value rather than a false drop. A sender with fewer than ``minimumWindows`` full windows of the
/// product has no history to compare with.
struct VolumeWindows {
    /// A shipment's window against its sender's typical window, and the others' window against theirs, in base units
    /// (kg, l or pieces).
    struct Window: Equatable {
        let volume: Double
        let median: Double
        /// The full windows the medians are over.
        let count: Int
        /// What the product's other senders shipped in the same window, and the median of that over the full windows.
        let others: Double
        let othersMedian: Double
        /// The window's shipments: `first...last` of the sender's ship events in ``VolumeWindows/ships``.
        let sender: Int
        let first: Int
        let last: Int

        /// The sender's smoothed ratio to its own median.
        var own: Double { (volume + median / 10) / (median * 1.1) }
        /// The others' smoothed ratio to their median; 1 when they have none.
        var market: Double { othersMedian > 0 ? (others + othersMedian / 10) / (othersMedian * 1.1) : 1 }
        /// The feature: the sender's ratio over the others'.
        var ratio: Double { own / market }
    }

    /// The window's length.
    static let seconds: Int64 = 30 * 86_400
    /// The fewest full windows a sender needs for a median.
    static let minimumWindows = 5

    private let windows: [Window?]
    /// Per sender and product, the positions in ``LinkSet/events`` of its ship events in time order.
    let ships: [[Int]]

    init(links: LinkSet) {
        let events = links.events
        let start = events.lazy.map(\.occurredAt.epochSeconds).min() ?? 0
        struct Sender: Hashable {
            let facility: String
            let product: String
        }
        var senders = [Sender: [Int]]()
        var products = [String: [Int]]()
        for (position, link) in links.shipments.enumerated() {
            guard let ship = link.ship, let facility = events[ship].facility, let product = events[ship].product,
                events[ship].baseQuantity != nil
            else { continue }
            senders[Sender(facility: facility, product: product), default: []].append(position)
            products[product, default: []].append(position)
        }
        // Everyone's window of the product at each of its shipments.
        var market = [Double?](repeating: nil, count: links.shipments.count)
        for positions in products.values {
            for sum in Self.sums(of: positions, in: links) { market[sum.position] = sum.volume }
        }
        var windows = [Window?](repeating: nil, count: links.shipments.count)
        var ships = [[Int]]()
        let ordered = senders.sorted { ($0.key.facility, $0.key.product) < ($1.key.facility, $1.key.product) }
        for (sender, positions) in ordered.map(\.value).enumerated() {
            let sums = Self.sums(of: positions, in: links)
            ships.append(sums.map(\.ship))
            // Full once the window lies after both the range's first event and the sender's first shipment.
            let history = max(start, sums.first?.time ?? start)
            let full = sums.enumerated().filter { $0.element.time - Self.seconds >= history }.map {
                (index: $0.offset, sum: $0.element)
            }
            guard full.count >= Self.minimumWindows else { continue }
            let others = full.map { max(0, (market[$0.sum.position] ?? $0.sum.volume) - $0.sum.volume) }
            let typical = median(full.map(\.sum.volume))
            guard typical > 0 else { continue }
            // Sums of sums round: a sender that is the product's only one has others of about 0, not exactly 0.
            let othersMedian = median(others)
            let othersTypical = othersMedian > typical * 1e-9 ? othersMedian : 0
            for (entry, other) in zip(full, others) {
                windows[entry.sum.position] = Window(
                    volume: entry.sum.volume, median: typical, count: full.count, others: other,
                    othersMedian: othersTypical, sender: sender, first: entry.sum.first, last: entry.index)
            }
        }
        self.windows = windows
        self.ships = ships
    }

    /// One shipment's window: its position in ``LinkSet/shipments``, its ship event, the base quantity shipped in the
    /// 30 days up to and including it, its time, and the index of the window's first shipment.
    private typealias Sum = (position: Int, ship: Int, volume: Double, time: Int64, first: Int)

    /// The window sums of the shipments at `positions`, in time order (ties in ledger order).
    private static func sums(of positions: [Int], in links: LinkSet) -> [Sum] {
        let events = links.events
        let ordered = positions.map { (position: $0, ship: links.shipments[$0].ship ?? 0) }.sorted {
            (events[$0.ship].occurredAt.epochSeconds, $0.ship) < (events[$1.ship].occurredAt.epochSeconds, $1.ship)
        }
        let times = ordered.map { events[$0.ship].occurredAt.epochSeconds }
        let quantities = ordered.map { events[$0.ship].baseQuantity ?? 0 }
        var result = [Sum]()
        result.reserveCapacity(ordered.count)
        // Two pointers: the window of shipment i holds shipments first...i.
        var first = 0
        var sum = 0.0
        for index in ordered.indices {
            sum += quantities[index]
            while times[first] <= times[index] - Self.seconds {
                sum -= quantities[first]
                first += 1
            }
            result.append((ordered[index].position, ordered[index].ship, max(0, sum), times[index], first))
        }
        return result
    }

    /// The window of the shipment at `position` in ``LinkSet/shipments``, or `nil`.
    func window(ofShipment position: Int) -> Window? { windows[position] }
}
