#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// How far into its column's tail a value lies, as the probability that an ordinary row lies at least as far out:
/// a per-column tail p-value, calibrated on the body of the column and extrapolated beyond it.
///
/// The statistic is the distance |z| of a scaled value from the column's median (so a departure counts the same
/// either way). Fitting sorts the non-missing distances of the column. Up to the `body` quantile (by default the
/// 99th percentile) the p-value is empirical: the share of rows at least as far out. Beyond it, where the few
/// anomalous rows of a column live, counting them would let one loud pattern hide another; instead the tail is
/// extrapolated as an exponential, the peaks-over-threshold model with shape 0 (Pickands 1975; Coles 2001, ch. 4):
///
///     p(s) = (1 − body) · exp(−(s − q_body) / β),  β = (q_body − q_reference) / ln((1 − reference) / (1 − body))
///
/// β is the exponential scale that passes through the `reference` (90th) and `body` (99th) percentiles, at least
/// `minimumScale`. A column whose body is bounded (a share that never exceeds 1 in ordinary rows) gets a small β, so
/// that a value just past every ordinary row is already improbable; a heavy-tailed column gets a large one.
///
/// A value that many rows share exactly is common however far out it lies: a bounded share at its bound (a sender's
/// only destination takes all of its volume), a flag that is 1 for a few percent of the rows. So beyond the edge the
/// p-value is at least the share of rows holding exactly that distance, when at least ``Parameters/minimumTies`` do.
/// Injected or real anomalies spread their values, so they rarely tie, and one pattern still does not hide another.
///
/// The anomalous rows of a column are too few to move its 90th and 99th percentiles, so the model is in effect
/// calibrated on the ordinary rows, and flagging p ≤ α gives about α false alarms per ordinary row per column
/// whatever the number of anomalies.
public struct TailModel: Sendable, Hashable, Codable {
    /// The fitting levels and the floor of the tail's scale.
    public struct Parameters: Sendable, Hashable, Codable {
        /// The quantile level of the body's edge, beyond which the tail is extrapolated.
        public var body = 0.99
        /// The lower quantile level the tail's scale is measured from.
        public var reference = 0.9
        /// The smallest tail scale, in the statistic's units.
        public var minimumScale = 0.05
        /// How many rows must share a distance beyond the edge for it to count as a common value.
        public var minimumTies = 5

        public init(body: Double = 0.99, reference: Double = 0.9, minimumScale: Double = 0.05) {
            precondition(0 < reference && reference < body && body < 1, "TailModel needs 0 < reference < body < 1")
            self.body = body
            self.reference = reference
            self.minimumScale = minimumScale
        }
    }

    public let parameters: Parameters
    /// Distances at levels 0, 0.001, …, up to `body`, for the empirical part.
    let bodyQuantiles: [Double]
    /// q_body: where the extrapolated tail starts.
    public let edge: Double
    /// β: the tail's scale.
    public let scale: Double
    /// The sorted distances beyond the edge, and the number of distances fitted, for the shares of tied values.
    let beyondEdge: [Double]
    let count: Int

    /// Fits on the non-missing values of `column` of a scaled matrix (at most `rowLimit` rows at an even stride).
    /// A column with no values gives p = 1 everywhere.
    public static func fit(
        _ x: Matrix, column: Int, parameters: Parameters = Parameters(), rowLimit: Int = 200_000
    ) -> TailModel {
        let distances = Quantiles.sortedColumn(x, column, limit: rowLimit).map(abs).sorted()
        return TailModel(distances: distances, parameters: parameters)
    }

    /// Fits on sorted non-negative distances.
    init(distances sorted: [Double], parameters: Parameters) {
        self.parameters = parameters
        count = sorted.count
        guard !sorted.isEmpty else {
            bodyQuantiles = []
            edge = .infinity
            scale = 1
            beyondEdge = []
            return
        }
        let levels = Int((parameters.body * 1000).rounded(.down))
        bodyQuantiles = (0...levels).map { Quantiles.sorted(sorted, Double($0) / 1000) }
        let edge = Quantiles.sorted(sorted, parameters.body)
        self.edge = edge
        let lower = Quantiles.sorted(sorted, parameters.reference)
        let decay = log((1 - parameters.reference) / (1 - parameters.body))
        scale = max(parameters.minimumScale, (edge - lower) / decay)
        let firstBeyond = sorted.firstIndex { $0 > edge } ?? sorted.count
        beyondEdge = Array(sorted[firstBeyond...])
    }

    /// The share of the fitted rows whose distance is exactly `distance`, when at least ``Parameters/minimumTies``
    /// of those beyond the edge are; 0 otherwise.
    private func tiedShare(_ distance: Double) -> Double {
        var low = 0
        var high = beyondEdge.count
        while low < high {
            let middle = (low + high) / 2
            if beyondEdge[middle] < distance { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < beyondEdge.count, beyondEdge[end] == distance { end += 1 }
        let ties = end - low
        return ties >= parameters.minimumTies ? Double(ties) / Double(max(1, count)) : 0
    }

    /// The tail p-value of a scaled value: 1 for NaN and at the median, falling towards 0 far out.
    public func pValue(_ value: Double) -> Double {
        guard !value.isNaN, !bodyQuantiles.isEmpty else { return 1 }
        let distance = abs(value)
        let tail = 1 - parameters.body
        if distance > edge { return max(tail * exp(-(distance - edge) / scale), tiedShare(distance)) }
        // The share of body quantiles at or beyond the distance, plus the tail's share.
        var low = 0
        var high = bodyQuantiles.count
        while low < high {
            let middle = (low + high) / 2
            if bodyQuantiles[middle] < distance { low = middle + 1 } else { high = middle }
        }
        let beyond = Double(bodyQuantiles.count - low) / Double(bodyQuantiles.count)
        return min(1, tail + beyond * parameters.body)
    }
}
