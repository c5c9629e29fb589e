/// A peer group's statistics: what one item's value is measured against (``PeerGroups``).
struct PeerReference: Equatable {
    /// The group's name as explanations quote it: "lane MILL-NL-01 → WH-DE-03", "lanes GH → NL".
    let group: String
    let count: Int
    let median: Double
    /// The unit of the deviation: 1.4826 × the median absolute deviation (the standard deviation for normal data),
    /// but at least the floor given and a share of the median, so that a group whose values are all alike still
    /// measures departures on a sensible scale.
    let spread: Double

    /// `value` in spreads from the median: positive above it, negative below.
    func deviation(_ value: Double) -> Double { (value - median) / spread }
}

/// Values measured against the values of their peers (Bolton & Hand 2001, "Peer group analysis"; Song et al. 2007,
/// "Conditional anomaly detection"): each item names its candidate peer groups from the narrowest to the broadest,
/// and is measured against the first that has at least `minimumCohort` values.
///
/// The item itself is one of its peers. A group too small at every level gives no reference, and the feature is
/// missing for that item. Deviations are signed, so too little and too much, too fast and too slow, count alike.
enum PeerGroups {
    /// The reference of every item: its narrowest group with enough values, each group's statistics computed once.
    ///
    /// - Parameters:
    ///   - keys: per item, its peer groups from the narrowest.
    ///   - values: per item, its value, `nil` where unknown (it counts in no group but still gets a reference).
    ///   - minimumSpread: the smallest spread, in the values' units; `relativeSpread` the smallest as a share of
    ///     the group's median.
    ///   - name: a group's name for explanations.
    static func resolve<Key: Hashable>(
        keys: [[Key]], values: [Double?], minimumCohort: Int, minimumSpread: Double, relativeSpread: Double,
        name: (Key) -> String
    ) -> [PeerReference?] {
        var members = [Key: [Double]]()
        for (itemKeys, value) in zip(keys, values) {
            guard let value else { continue }
            for key in itemKeys { members[key, default: []].append(value) }
        }
        var groups = [Key: PeerReference]()
        for (key, values) in members where values.count >= max(1, minimumCohort) {
            let center = median(values)
            let spread = max(
                1.4826 * median(values.map { abs($0 - center) }), minimumSpread, relativeSpread * abs(center))
            groups[key] = PeerReference(group: name(key), count: values.count, median: center, spread: spread)
        }
        return keys.map { itemKeys in itemKeys.lazy.compactMap { groups[$0] }.first }
    }
}
