internal import Anomaly

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The per-family tail scores of every scored link, and the combined p-value the models flag by.
///
/// Each feature column gets its own ``TailModel``: the probability that an ordinary link lies at least as far from
/// the column's median, calibrated on the column's body and extrapolated beyond it. A family (timing, quantity,
/// price, …, ``FeatureCatalog/Family``) scores a link by the smallest p-value among its features, times the number
/// of those features (Bonferroni), and the tail score of a link is the smallest family score, times the number of
/// families. Loud and quiet patterns are each measured against their own family's ordinary links, so no pattern
/// fills the flags of another.
///
/// The combined p-value takes the smallest of the tail score and the isolation forest's and the clusters' p-values
/// (one minus their calibrated percentile), times three. Flagging where it is at most α gives at most about α false
/// alarms per ordinary link: the threshold is a false-alarm rate, `threshold.false_alarms_per_1000` links.
struct TailScores {
    /// The families of the definition's features, in catalog order, with their column indices.
    let families: [(family: FeatureCatalog.Family, columns: [Int])]
    /// Per link, per column: the feature's tail p-value (1 where missing).
    let featurePValues: Matrix
    /// Per link, per family (in ``families`` order): the family's p-value.
    let familyPValues: Matrix
    /// Per link: the tail score's p-value over all families.
    let tail: [Double]
    /// Per link: the combined p-value of the tail score, the forest and the clusters.
    let combined: [Double]
    /// Per column: the fitted tail model.
    let models: [TailModel]

    /// - Parameters:
    ///   - scaled: the scaled features, NaN where missing (not imputed), so each tail is fitted on the links where its
    ///     feature exists, and not capped, so that extreme values do not tie at the cap.
    ///   - forest: the forest's calibrated percentile per link, in [0, 1); `cluster` the same for the clusters.
    init(scaled: Matrix, features: [String], forest: [Double], cluster: [Double]) {
        var byFamily = [FeatureCatalog.Family: [Int]]()
        for (column, name) in features.enumerated() {
            byFamily[FeatureCatalog.feature(named: name)?.family ?? .other, default: []].append(column)
        }
        families = FeatureCatalog.Family.allCases.compactMap { family in byFamily[family].map { (family, $0) } }
        let models = (0..<scaled.columns).map { TailModel.fit(scaled, column: $0) }
        let rows = scaled.rows
        var featureValues = [Double](repeating: 1, count: rows * scaled.columns)
        var familyValues = [Double](repeating: 1, count: rows * families.count)
        var tail = [Double](repeating: 1, count: rows)
        var combined = [Double](repeating: 1, count: rows)
        for row in 0..<rows {
            for column in 0..<scaled.columns {
                featureValues[row * scaled.columns + column] = models[column].pValue(scaled[row, column])
            }
            var best = 1.0
            for (index, family) in families.enumerated() {
                var smallest = 1.0
                for column in family.columns { smallest = min(smallest, featureValues[row * scaled.columns + column]) }
                let value = min(1, smallest * Double(family.columns.count))
                familyValues[row * families.count + index] = value
                best = min(best, value)
            }
            tail[row] = min(1, best * Double(max(1, families.count)))
            let forestP = row < forest.count ? 1 - forest[row] : 1
            let clusterP = row < cluster.count ? 1 - cluster[row] : 1
            combined[row] = min(1, 3 * min(tail[row], forestP, clusterP))
        }
        featurePValues = Matrix(rows: rows, columns: scaled.columns, values: featureValues)
        familyPValues = Matrix(rows: rows, columns: families.count, values: familyValues)
        self.tail = tail
        self.combined = combined
        self.models = models
    }

    /// The combined p-value of a link had the forest and the clusters found nothing: its tail score, times three.
    func tailAlone(_ row: Int) -> Double { min(1, 3 * tail[row]) }

    /// The score reports show for a p-value: −log₁₀(p) / 8, at most 1. 0.5 is a one-in-10,000 link, 1 one in
    /// 100 million or rarer; ordinary links lie near 0.
    static func score(pValue: Double) -> Double {
        guard pValue > 0 else { return 1 }
        return min(1, max(0, -log10(pValue) / 8))
    }

    /// The p-value of a report score (the inverse of ``score(pValue:)``).
    static func pValue(score: Double) -> Double { pow(10, -8 * score) }
}
