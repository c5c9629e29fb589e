/// Median/IQR scaling per column, fitted on data; missing values (NaN) are ignored when fitting.
///
/// `transform` maps each value to `(value − median) / scale`. The scale is the interquartile range; where that is
/// zero (a column with more than half its values equal) it falls back to 1.4826 × the median absolute deviation,
/// and where that is zero too, to the column's fallback scale (1 unless given): the smallest departure that should
/// count as one robust z-unit. A column with no values at all gets median 0 and its fallback scale.
public struct RobustScaler: Sendable, Codable, Hashable {
    /// Each column's median.
    public let medians: [Double]
    /// Each column's scale: IQR, else 1.4826 × MAD, else the fallback.
    public let scales: [Double]

    /// A scaler with the given per-column medians and scales (scales must be positive).
    public init(medians: [Double], scales: [Double]) {
        precondition(medians.count == scales.count, "RobustScaler needs one scale per median")
        self.medians = medians
        self.scales = scales
    }

    /// Fits medians and scales on every row of `x`, one column per core.
    public static func fit(_ x: Matrix) -> RobustScaler {
        fit(x, rowLimit: .max)
    }

    /// Fits on at most `rowLimit` rows taken at an even stride (a cheaper fit for very tall matrices).
    ///
    /// - Parameter fallbackScales: per column, the scale used where both the IQR and the MAD are 0 (1 for a column
    ///   not listed, and every fallback must be positive).
    public static func fit(_ x: Matrix, rowLimit: Int, fallbackScales: [Double] = []) -> RobustScaler {
        precondition(fallbackScales.allSatisfy { $0 > 0 }, "RobustScaler's fallback scales must be positive")
        let fitted = ParallelChunks.map(count: x.columns, chunkSize: 1) { column, _ in
            let fallback = column < fallbackScales.count ? fallbackScales[column] : 1.0
            let sorted = Quantiles.sortedColumn(x, column, limit: rowLimit)
            guard !sorted.isEmpty else { return (0.0, fallback) }
            let median = Quantiles.sorted(sorted, 0.5)
            let iqr = Quantiles.sorted(sorted, 0.75) - Quantiles.sorted(sorted, 0.25)
            if iqr > 0, iqr.isFinite { return (median, iqr) }
            let mad = Quantiles.sorted(sorted.map { abs($0 - median) }.sorted(), 0.5) * 1.4826
            if mad > 0, mad.isFinite { return (median, mad) }
            return (median, fallback)
        }
        return RobustScaler(medians: fitted.map(\.0), scales: fitted.map(\.1))
    }

    /// `x` scaled column by column; NaN stays NaN.
    public func transform(_ x: Matrix) -> Matrix {
        precondition(x.columns == medians.count, "RobustScaler fitted on \(medians.count) columns, got \(x.columns)")
        let columns = x.columns
        let medians = medians
        let scales = scales
        let values = x.values
        let scaled = ParallelChunks.fill(count: values.count, chunkSize: 65_536 * max(1, columns)) { range, output in
            values.withUnsafeBufferPointer { input in
                var column = range.lowerBound % max(1, columns)
                for index in range {
                    output[index] = (input[index] - medians[column]) / scales[column]
                    column += 1
                    if column == columns { column = 0 }
                }
            }
        }
        return Matrix(rows: x.rows, columns: columns, values: scaled)
    }

    /// One value of `column` scaled: how many robust spreads it lies from the column's median.
    public func zScore(_ value: Double, column: Int) -> Double {
        (value - medians[column]) / scales[column]
    }
}
