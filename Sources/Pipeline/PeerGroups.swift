/// A peer group's statistics: what one item's value is measured against (``PeerGroups``).
struct PeerReference: Equatable {
    /// The broader group a small group's statistics were drawn toward (``PeerGroups``).
    struct Parent: Equatable {
        let group: String
        let count: Int
        let median: Double
        /// The small group's own weight in the blend, in (0, 1).
        let weight: Double
    }

    /// The group's name as explanations quote it: "lane MILL-NL-01 → WH-DE-03", "lanes GH → NL".
    let group: String
    /// The group's values the statistics come from (for a small group, without the item's own).
    let count: Int
    /// The centre: the group's median, or for a small group its blend with the parent's.
    let median: Double
    /// The unit of the deviation: 1.4826 × the median absolute deviation (the standard deviation for normal data),
    /// but at least the floor given and a share of the median, so that a group whose values are all alike still
    /// measures departures on a sensible scale.
    let spread: Double
    /// For a group smaller than the minimum cohort, the broader group it was drawn toward.
    var parent: Parent? = nil

    /// `value` in spreads from the median: positive above it, negative below.
    func deviation(_ value: Double) -> Double { (value - median) / spread }

    /// "the 51.0 h median of 6 shipments on lane FARM → MILL", or for a small group "the 116 h norm of 14 shipments
    /// on lane A → B, drawn 15 % toward the 30.2 h median of 167 shipments on lanes of 400–800 km"; `members` names
    /// what the group holds ("shipments on ", or "" when the group's name says it).
    func text(unit: String, members: String) -> String {
        guard let parent else {
            return "the \(Format.number(median)) \(unit) median of \(count) \(members)\(group)"
        }
        return
            "the \(Format.number(median)) \(unit) norm of \(count) \(members)\(group), drawn \(Format.percent(1 - parent.weight)) toward the \(Format.number(parent.median)) \(unit) median of \(parent.count) \(members)\(parent.group)"
    }
}

/// Values measured against the values of their peers (Bolton & Hand 2001, "Peer group analysis"; Song et al. 2007,
/// "Conditional anomaly detection"): each item names its candidate peer groups from the narrowest to the broadest.
///
/// The item's *reliable* group is the first with at least `minimumCohort` values; its median and spread (the item
/// itself among them) are the starting reference. A narrower group, too small to stand alone, is not ignored: its
/// statistics, without the item's own value, are blended with the reference, the centre with weight
/// `n / (n + κ)` and the spread with weight `(n − 1) / (n − 1 + κ)` for its `n` other values, from the broadest of the
/// narrower groups to the narrowest (Bühlmann credibility, the empirical-Bayes shrinkage of a small group toward its
/// parent). κ is the ratio of the spread within the groups under one parent to the spread between them: where a
/// parent's groups all look alike (κ large), a small group adds little to its parent; where they differ (one lane's
/// goods sail and another's fly, κ small), a handful of a group's own values already outweighs a parent that mixes
/// them. A parent with fewer than two narrower groups of two or more values gives no estimate, and κ is then
/// `minimumCohort`.
///
/// Leaving the item's own value out of a small group keeps a lane's only shipment, or one anomaly among three, from
/// setting its own norm. A group too small at every level gives no reference, and the feature is missing for that
/// item. Deviations are signed, so too little and too much, too fast and too slow, count alike.
/// One kind of peer group as fitted: each group's size, median and spread, and the credibility constant κ with which
/// each broader group blends in the narrower groups that fall back to it; part of the fitted model (``FittedModel``).
struct PeerTable: Sendable, Encodable {
    struct Group: Sendable, Encodable {
        let group: String
        let count: Int
        let median: Double
        let spread: Double
    }

    struct Blend: Sendable, Encodable {
        let group: String
        let kappa: Double
    }

    /// By name, then size and median (names need not be unique).
    let groups: [Group]
    let kappa: [Blend]
}

enum PeerGroups {
    /// The reference of every item: its reliable group, with the narrower groups blended in.
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
    ) -> (references: [PeerReference?], table: PeerTable) {
        let cohort = max(1, minimumCohort)
        var members = [Key: [Double]]()
        for (itemKeys, value) in zip(keys, values) {
            guard let value else { continue }
            for key in itemKeys { members[key, default: []].append(value) }
        }
        func spread(_ values: [Double], center: Double) -> Double {
            max(1.4826 * median(values.map { abs($0 - center) }), minimumSpread, relativeSpread * abs(center))
        }
        var groups = [Key: PeerReference]()
        for (key, values) in members {
            let center = median(values)
            groups[key] = PeerReference(
                group: name(key), count: values.count, median: center, spread: spread(values, center: center))
        }

        // κ per parent: the narrower groups that fall back to it, and how much they differ.
        var children = [Key: Set<Key>]()
        for itemKeys in keys {
            guard let reliable = itemKeys.firstIndex(where: { (groups[$0]?.count ?? 0) >= cohort }) else { continue }
            for level in 0..<reliable { children[itemKeys[level + 1], default: []].insert(itemKeys[level]) }
        }
        var kappa = [Key: Double]()
        for (parent, narrower) in children {
            // In a fixed order: sums in the order a set happens to hash to would differ in the last bits per process.
            let ordered = narrower.compactMap { groups[$0] }.sorted {
                ($0.group, $0.count, $0.median) < ($1.group, $1.count, $1.median)
            }
            kappa[parent] = Self.kappa(ordered) ?? Double(cohort)
        }

        let table = PeerTable(
            groups: groups.values.map { .init(group: $0.group, count: $0.count, median: $0.median, spread: $0.spread) }
                .sorted { ($0.group, $0.count, $0.median) < ($1.group, $1.count, $1.median) },
            kappa: kappa.compactMap { parent, value in
                groups[parent].map { PeerTable.Blend(group: $0.group, kappa: value) }
            }
            .sorted { ($0.group, $0.kappa) < ($1.group, $1.kappa) })
        let references = zip(keys, values).map { itemKeys, value -> PeerReference? in
            guard let reliable = itemKeys.firstIndex(where: { (groups[$0]?.count ?? 0) >= cohort }),
                let start = groups[itemKeys[reliable]]
            else { return nil }
            var reference = start
            var narrowest: (key: Key, count: Int)?
            var parentShare = 1.0
            for level in stride(from: reliable - 1, through: 0, by: -1) {
                var others = members[itemKeys[level]] ?? []
                if let value, let own = others.firstIndex(of: value) { others.remove(at: own) }
                let k = kappa[itemKeys[level + 1]] ?? Double(cohort)
                let n = Double(others.count)
                let weight = n / (n + k)
                guard weight > 0 else { continue }
                let spreadWeight = (n - 1) / (n - 1 + k)
                let center = median(others)
                let blended = weight * center + (1 - weight) * reference.median
                let blendedSpread =
                    spreadWeight * spread(others, center: center) + (1 - spreadWeight) * reference.spread
                reference = PeerReference(
                    group: reference.group, count: reference.count, median: blended,
                    spread: max(blendedSpread, minimumSpread, relativeSpread * abs(blended)))
                narrowest = (itemKeys[level], others.count)
                parentShare *= 1 - weight
            }
            guard let narrowest else { return start }
            return PeerReference(
                group: name(narrowest.key), count: narrowest.count, median: reference.median, spread: reference.spread,
                parent: PeerReference.Parent(
                    group: start.group, count: start.count, median: start.median, weight: 1 - parentShare))
        }
        return (references, table)
    }

    /// κ = within-group variance / between-group variance over `groups` with at least two values each (the
    /// between variance net of the noise of the groups' own medians), or nil with fewer than two such groups.
    static func kappa(_ groups: [PeerReference]) -> Double? {
        let usable = groups.filter { $0.count >= 2 }
        guard usable.count >= 2 else { return nil }
        let total = Double(usable.reduce(0) { $0 + $1.count })
        let within =
            usable.reduce(0) { $0 + Double($1.count - 1) * $1.spread * $1.spread } / (total - Double(usable.count))
        let mean = usable.reduce(0) { $0 + Double($1.count) * $1.median } / total
        let between = usable.reduce(0) { $0 + Double($1.count) * ($1.median - mean) * ($1.median - mean) } / total
        let noise = usable.reduce(0) { $0 + within / Double($1.count) } / Double(usable.count)
        let tau = between - noise
        guard tau > 0 else { return .infinity }
        return within / tau
    }
}
