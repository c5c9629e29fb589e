#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// How far a row lies into the tails its columns lean towards, summed over the columns: a density score that needs no
/// covariance, for data with too few rows to estimate one.
///
/// Each column keeps its sorted reference values and the side its skew points to. A value's tail probability is the
/// share of reference rows at least as far out on that side, counting the value itself, (count + 1) / (n + 1), so it
/// is never 0. A row's score is the sum over the columns of −log of that probability: the negative log likelihood of
/// the row under independent empirical tails. This is the skewness-corrected tail probability of COPOD (Li, Zhao,
/// Botta, Ionescu and Hu 2020, "COPOD: Copula-Based Outlier Detection", IEEE ICDM): a right-skewed column (sizes,
/// counts, amounts) has its anomalies at the top, a left-skewed one at the bottom, and counting both ends of every
/// column would double the false alarms of the columns whose other end is ordinary.
struct SkewedTailSum: Sendable, Codable, Hashable {
    /// Per column, the sorted reference values.
    let sortedColumns: [[Double]]
    /// Per column, whether its skew points up (its anomalies are large values) rather than down.
    let pointsUp: [Bool]

    /// Fits on `reference` (no missing values).
    init(_ reference: Matrix) {
        var sortedColumns = [[Double]]()
        var pointsUp = [Bool]()
        for column in 0..<reference.columns {
            let values = Quantiles.sortedColumn(reference, column)
            sortedColumns.append(values)
            pointsUp.append(Self.skewness(values) >= 0)
        }
        self.sortedColumns = sortedColumns
        self.pointsUp = pointsUp
    }

    /// The sample skewness m₃ / m₂^1.5 (0 for a constant or empty column).
    static func skewness(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        var second = 0.0
        var third = 0.0
        for value in values {
            let deviation = value - mean
            second += deviation * deviation
            third += deviation * deviation * deviation
        }
        second /= Double(values.count)
        third /= Double(values.count)
        return second > 0 ? third / pow(second, 1.5) : 0
    }

    /// The score of every row of `x` (no missing values).
    func scores(_ x: Matrix, threads: Int?) -> [Double] {
        let parts = ParallelChunks.map(count: x.rows, chunkSize: 8192, threads: threads) { _, range in
            range.map { row in
                var sum = 0.0
                for column in 0..<x.columns { sum -= log(tailProbability(x[row, column], column: column)) }
                return sum
            }
        }
        return parts.flatMap { $0 }
    }

    /// The share of reference values at least as far out as `value` on its column's side, counting `value` itself.
    func tailProbability(_ value: Double, column: Int) -> Double {
        let sorted = sortedColumns[column]
        // The first index whose value is ≥ `value` (up) or > `value` (down).
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if pointsUp[column] ? sorted[middle] < value : sorted[middle] <= value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        let beyond = pointsUp[column] ? sorted.count - low : low
        return Double(beyond + 1) / Double(sorted.count + 1)
    }
}
