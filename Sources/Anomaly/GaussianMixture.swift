#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A Gaussian mixture with full covariances (weight, mean, covariance per cluster).
///
/// The components start from hard k-means clusters and are refined by expectation–maximisation (components left
/// with too little weight for a covariance are dropped). A row's score is its negative log density under the mixture:
/// within a cluster that is half its squared Mahalanobis distance to the centre, plus terms that penalise broad and
/// small clusters, so a handful of scattered outliers forming a cluster of their own still score high.
struct GaussianMixture: Sendable, Codable, Hashable {
    let columns: Int
    let logWeights: [Double]
    let means: [Double]
    /// Lower Cholesky factor of each covariance, row after row.
    let factors: [Double]
    let logDeterminants: [Double]

    /// Fits on `x` from hard `labels` in 0..<k. A component that holds no more than `minimumRows` rows (by default
    /// d + 1, the fewest that span a covariance) is dropped, but the largest is always kept.
    init(_ x: Matrix, labels: [Int], k: Int, minimumRows: Double? = nil, iterations: Int = 30) {
        let minimum = max(Double(x.columns + 1), minimumRows ?? 0)
        // Start from the hard clusters, then refine by expectation–maximisation.
        var weights = [[Double]](repeating: [], count: k)
        for cluster in 0..<k { weights[cluster] = labels.map { $0 == cluster ? 1 : 0 } }
        var model = Self.maximise(x, Self.kept(weights.filter { $0.contains { $0 > 0 } }, minimum: minimum))
        for _ in 0..<iterations {
            model = Self.maximise(x, Self.kept(model.responsibilities(x), minimum: minimum))
        }
        self = model
    }

    /// The components holding more than `minimum` rows, or the largest when none does.
    private static func kept(_ components: [[Double]], minimum: Double) -> [[Double]] {
        let sizes = components.map { $0.reduce(0, +) }
        let kept = zip(components, sizes).filter { $0.1 > minimum }.map(\.0)
        guard kept.isEmpty, let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }) else { return kept }
        return [components[largest]]
    }

    private init(columns: Int, logWeights: [Double], means: [Double], factors: [Double], logDeterminants: [Double]) {
        self.columns = columns
        self.logWeights = logWeights
        self.means = means
        self.factors = factors
        self.logDeterminants = logDeterminants
    }

    /// The mixture whose components are the weighted means and covariances of `x` under each row of `weights`.
    static func maximise(_ x: Matrix, _ weights: [[Double]]) -> GaussianMixture {
        let total = weights.reduce(0.0) { $0 + $1.reduce(0, +) }
        var logWeights = [Double]()
        var means = [Double]()
        var factors = [Double]()
        var logDeterminants = [Double]()
        for component in weights {
            let estimate = estimate(x, component)
            logWeights.append(log(component.reduce(0, +) / max(total, .leastNormalMagnitude)))
            means.append(contentsOf: estimate.mean)
            factors.append(contentsOf: estimate.factor)
            logDeterminants.append(estimate.logDeterminant)
        }
        return GaussianMixture(
            columns: x.columns, logWeights: logWeights, means: means, factors: factors, logDeterminants: logDeterminants
        )
    }

    /// Each component's posterior probability for each row (one array per component).
    func responsibilities(_ x: Matrix) -> [[Double]] {
        var result = [[Double]](repeating: [Double](repeating: 0, count: x.rows), count: count)
        var scratch = [Double](repeating: 0, count: columns)
        var densities = [Double](repeating: 0, count: count)
        x.values.withUnsafeBufferPointer { values in
            scratch.withUnsafeMutableBufferPointer { scratch in
                for row in 0..<x.rows {
                    let total = -score(values, row: row, scratch: scratch, logDensities: &densities).score
                    for component in 0..<count { result[component][row] = exp(densities[component] - total) }
                }
            }
        }
        return result
    }

    var count: Int { logWeights.count }

    /// The numbers the mixture estimates: per component a mean and a symmetric covariance, and the weights but one.
    var parameterCount: Int { count * (columns + columns * (columns + 1) / 2) + count - 1 }

    /// The same mixture over the original rows, when it was fitted on rows `whitening` had transformed.
    func unwhitened(_ whitening: Whitening) -> GaussianMixture {
        let d = columns
        let l = whitening.factor
        var means = [Double]()
        var factors = [Double]()
        for component in 0..<count {
            for i in 0..<d {
                var sum = whitening.mean[i]
                for k in 0...i { sum += l[i * d + k] * self.means[component * d + k] }
                means.append(sum)
            }
            for i in 0..<d {
                for j in 0..<d {
                    var sum = 0.0
                    if j <= i { for k in j...i { sum += l[i * d + k] * self.factors[component * d * d + k * d + j] } }
                    factors.append(sum)
                }
            }
        }
        return GaussianMixture(
            columns: d, logWeights: logWeights, means: means, factors: factors,
            logDeterminants: logDeterminants.map { $0 + whitening.logDeterminant })
    }

    /// Weighted mean, Cholesky factor and log-determinant of the covariance of `x`; a ridge of 0.1 % of the mean
    /// variance (more if needed) keeps the covariance invertible.
    static func estimate(_ x: Matrix, _ weights: [Double]) -> (mean: [Double], factor: [Double], logDeterminant: Double)
    {
        let d = x.columns
        let total = weights.reduce(0, +)
        var mean = [Double](repeating: 0, count: d)
        var covariance = [Double](repeating: 0, count: d * d)
        x.values.withUnsafeBufferPointer { values in
            for row in 0..<x.rows where weights[row] > 0 {
                for column in 0..<d { mean[column] += weights[row] * values[row * d + column] }
            }
            mean = mean.map { $0 / total }
            var centred = [Double](repeating: 0, count: d)
            for row in 0..<x.rows where weights[row] > 1e-12 {
                let weight = weights[row]
                for column in 0..<d { centred[column] = values[row * d + column] - mean[column] }
                for i in 0..<d {
                    let a = weight * centred[i]
                    for j in 0...i { covariance[i * d + j] += a * centred[j] }
                }
            }
        }
        var trace = 0.0
        for i in 0..<d {
            for j in 0...i {
                covariance[i * d + j] /= total
                covariance[j * d + i] = covariance[i * d + j]
            }
            trace += covariance[i * d + i]
        }
        // Too little weight for a full covariance: keep only its diagonal.
        if total <= Double(d + 1) {
            for i in 0..<d { for j in 0..<d where i != j { covariance[i * d + j] = 0 } }
        }
        var ridge = max(1e-3 * trace / Double(d), 1e-9)
        while true {
            var regular = covariance
            for i in 0..<d { regular[i * d + i] += ridge }
            if let factor = cholesky(regular, d) {
                var logDeterminant = 0.0
                for i in 0..<d { logDeterminant += 2 * log(factor[i * d + i]) }
                return (mean, factor, logDeterminant)
            }
            ridge *= 10
        }
    }

    /// The lower Cholesky factor of a symmetric positive-definite matrix, or nil when it is not one.
    static func cholesky(_ a: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var sum = a[i * d + j]
                for k in 0..<j { sum -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * d + i] = sum.squareRoot()
                } else {
                    l[i * d + j] = sum / l[j * d + j]
                }
            }
        }
        return l
    }

    /// Negative log density (without the constant) of each row of `rows` (contiguous, no missing values), and the
    /// most likely component; `scratch` holds `columns` doubles.
    func score(
        _ rows: UnsafeBufferPointer<Double>, row: Int, scratch: UnsafeMutableBufferPointer<Double>
    ) -> (score: Double, component: Int) {
        var unused = [Double]()
        return score(rows, row: row, scratch: scratch, logDensities: &unused)
    }

    /// ``score(_:row:scratch:)``, also writing each component's log density into `logDensities` when it has room.
    func score(
        _ rows: UnsafeBufferPointer<Double>, row: Int, scratch: UnsafeMutableBufferPointer<Double>,
        logDensities: inout [Double]
    ) -> (score: Double, component: Int) {
        let d = columns
        let base = row * d
        var best = -Double.infinity
        var bestComponent = 0
        var total = 0.0
        // Log-sum-exp over components, accumulated with a running maximum.
        var runningMax = -Double.infinity
        for component in 0..<count {
            let meanBase = component * d
            let factorBase = component * d * d
            var distance = 0.0
            for i in 0..<d {
                var sum = rows[base + i] - means[meanBase + i]
                for k in 0..<i { sum -= factors[factorBase + i * d + k] * scratch[k] }
                let solved = sum / factors[factorBase + i * d + i]
                scratch[i] = solved
                distance += solved * solved
            }
            let logDensity = logWeights[component] - 0.5 * (distance + logDeterminants[component])
            if component < logDensities.count { logDensities[component] = logDensity }
            if logDensity > best {
                best = logDensity
                bestComponent = component
            }
            if logDensity > runningMax {
                total = total * exp(runningMax - logDensity) + 1
                runningMax = logDensity
            } else {
                total += exp(logDensity - runningMax)
            }
        }
        return (-(runningMax + log(total)), bestComponent)
    }
}

/// An affine map that decorrelates rows to zero mean and unit covariance: x ↦ L⁻¹(x − mean), with L the lower
/// Cholesky factor of the rows' covariance (plus a small ridge).
struct Whitening: Sendable {
    let mean: [Double]
    let factor: [Double]
    let logDeterminant: Double

    init(_ x: Matrix) {
        let fitted = GaussianMixture.estimate(x, [Double](repeating: 1, count: x.rows))
        mean = fitted.mean
        factor = fitted.factor
        logDeterminant = fitted.logDeterminant
    }

    func apply(_ x: Matrix) -> Matrix {
        let d = x.columns
        var output = [Double](repeating: 0, count: x.values.count)
        for row in 0..<x.rows {
            for i in 0..<d {
                var sum = x[row, i] - mean[i]
                for k in 0..<i { sum -= factor[i * d + k] * output[row * d + k] }
                output[row * d + i] = sum / factor[i * d + i]
            }
        }
        return Matrix(rows: x.rows, columns: d, values: output)
    }
}
