#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Maps a raw score to [0, 1) by where it falls among reference scores: the empirical CDF, with an exponential tail.
///
/// Up to the reference's 99.9th percentile a score maps to its (interpolated) percentile; above it the map keeps
/// rising towards 1 as 1 − 0.001·e^(−(s − q₀.₉₉₉)/τ), with τ the spread between the 99th and 99.9th percentiles, so
/// that scores beyond everything seen when fitting still keep their order.
struct ScoreCalibration: Sendable, Codable, Hashable {
    /// Reference quantiles at levels 0, 0.001, …, 0.999.
    let quantiles: [Double]
    let tailScale: Double

    init(reference: [Double]) {
        let sorted = reference.filter { !$0.isNaN }.sorted()
        quantiles = (0..<1000).map { Quantiles.sorted(sorted, Double($0) / 1000) }
        let spread = Quantiles.sorted(sorted, 0.999) - Quantiles.sorted(sorted, 0.99)
        let range = (sorted.last ?? 0) - (sorted.first ?? 0)
        tailScale = spread > 0 ? spread : (range > 0 ? range / 100 : 1)
    }

    /// The calibrated value of `score` (NaN maps to 0.5).
    func callAsFunction(_ score: Double) -> Double {
        guard !score.isNaN, let first = quantiles.first, let last = quantiles.last else { return 0.5 }
        if score >= last { return 1 - 0.001 * exp(-(score - last) / tailScale) }
        if score < first { return 0 }
        // The last quantile ≤ score.
        var low = 0
        var high = quantiles.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if quantiles[middle] <= score { low = middle } else { high = middle }
        }
        let width = quantiles[high] - quantiles[low]
        let fraction = width > 0 ? (score - quantiles[low]) / width : 0
        return (Double(low) + fraction) / 1000
    }
}
