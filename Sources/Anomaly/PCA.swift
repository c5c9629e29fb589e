/// Principal component analysis for the report's scatter plot (two components by default).
///
/// The covariance is taken over at most 200,000 rows (a deterministic subsample drawn from `seed` beyond that) and
/// diagonalised by Jacobi rotations. Each component's sign is fixed so that its largest coefficient is positive.
/// Missing values count as 0: callers pass robustly scaled data, where 0 is the column's median.
public struct PCA: Sendable, Codable, Hashable {
    /// The column means subtracted before projecting.
    public let means: [Double]
    /// One unit-length component per row, by decreasing variance.
    public let components: Matrix
    /// The share of the total variance each component explains.
    public let explainedVarianceRatio: [Double]

    /// Fits `components` principal axes (at most the number of columns) on the rows of `x`.
    public static func fit(_ x: Matrix, components: Int = 2, seed: UInt64 = 1) -> PCA {
        let d = x.columns
        let wanted = max(0, min(components, d))
        var data = KMeans.filled(x)
        if data.rows > 200_000 {
            var random = RandomSource.stream(seed, 0)
            data = data.rows(random.sample(200_000, of: data.rows).sorted())
        }
        let n = max(1, data.rows)
        var means = [Double](repeating: 0, count: d)
        for row in 0..<data.rows { for column in 0..<d { means[column] += data[row, column] } }
        means = means.map { $0 / Double(n) }
        var covariance = [Double](repeating: 0, count: d * d)
        data.values.withUnsafeBufferPointer { values in
            for row in 0..<data.rows {
                for i in 0..<d {
                    let a = values[row * d + i] - means[i]
                    for j in i..<d { covariance[i * d + j] += a * (values[row * d + j] - means[j]) }
                }
            }
        }
        for i in 0..<d {
            for j in i..<d {
                covariance[i * d + j] /= Double(max(1, n - 1))
                covariance[j * d + i] = covariance[i * d + j]
            }
        }
        let (eigenvalues, eigenvectors) = SymmetricEigen.decompose(covariance, size: d)
        let order = (0..<d).sorted { eigenvalues[$0] > eigenvalues[$1] }
        let total = eigenvalues.reduce(0) { $0 + max(0, $1) }
        var rows = [[Double]]()
        var ratios = [Double]()
        for index in order.prefix(wanted) {
            var vector = (0..<d).map { eigenvectors[$0 * d + index] }
            if let largest = vector.max(by: { abs($0) < abs($1) }), largest < 0 { vector = vector.map { -$0 } }
            rows.append(vector)
            ratios.append(total > 0 ? max(0, eigenvalues[index]) / total : 0)
        }
        return PCA(
            means: means, components: Matrix(rows: wanted, columns: d, values: rows.flatMap { $0 }),
            explainedVarianceRatio: ratios)
    }

    init(means: [Double], components: Matrix, explainedVarianceRatio: [Double]) {
        self.means = means
        self.components = components
        self.explainedVarianceRatio = explainedVarianceRatio
    }

    /// The coordinates of every row of `x` on the components (rows × components); missing values count as 0.
    public func project(_ x: Matrix) -> Matrix {
        precondition(x.columns == means.count, "PCA fitted on \(means.count) columns, got \(x.columns)")
        let k = components.rows
        let d = x.columns
        var output = [Double](repeating: 0, count: x.rows * k)
        for row in 0..<x.rows {
            for component in 0..<k {
                var sum = 0.0
                for column in 0..<d {
                    var value = x[row, column]
                    if value.isNaN { value = 0 }
                    sum += (value - means[column]) * components[component, column]
                }
                output[row * k + component] = sum
            }
        }
        return Matrix(rows: x.rows, columns: k, values: output)
    }
}

/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations.
enum SymmetricEigen {
    /// The eigenvalues and the eigenvectors (as columns of a row-major `size` × `size` matrix) of `matrix`.
    static func decompose(_ matrix: [Double], size n: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i * n + j] * a[i * n + j] } }
            if off < 1e-22 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where abs(a[p * n + q]) > 1e-300 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p]
                        let akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k]
                        let aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p]
                        let vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }
}
