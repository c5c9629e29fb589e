/// Order statistics over plain arrays, shared by the scaler, the forest's imputation and the score calibration.
enum Quantiles {
    /// The `q`-quantile (0...1) of already sorted values, interpolated linearly between order statistics
    /// (the "type 7" definition numpy and R use by default); NaN when empty.
    static func sorted(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(sorted.count - 1, lower + 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// The non-missing values of `column` of `x` (at most `limit` rows, taken at an even stride), sorted.
    static func sortedColumn(_ x: Matrix, _ column: Int, limit: Int = .max) -> [Double] {
        let stride = x.rows > limit ? (x.rows + limit - 1) / limit : 1
        var values = [Double]()
        values.reserveCapacity(x.rows / stride + 1)
        x.values.withUnsafeBufferPointer { all in
            var row = 0
            while row < x.rows {
                let value = all[row * x.columns + column]
                if !value.isNaN { values.append(value) }
                row += stride
            }
        }
        values.sort()
        return values
    }

    /// The median of `values`, ignoring NaN; NaN when nothing remains.
    static func median(_ values: [Double]) -> Double {
        sorted(values.filter { !$0.isNaN }.sorted(), 0.5)
    }
}
