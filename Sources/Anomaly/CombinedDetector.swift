#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The detector the models benchmark measures and the pipeline fits: a density score in [0, 1] per row, with an
/// isolation forest beside it.
///
/// Fitting:
/// 1. The columns are scaled robustly (``RobustScaler``, median/IQR over at most 100,000 rows).
/// 2. An ``IsolationForest`` is grown on the scaled rows; it finds *global* anomalies, far from all the data.
/// 3. On a deterministic subsample of at most 20,000 rows, whitened (decorrelated to unit variance, so that no group
///    of correlated or widely spread columns drowns the others), k-means with k chosen by silhouette in
///    `clusterCandidates` (candidates fitted on at most 5,000 of these rows) finds the clusters, and
///    expectation–maximisation refines them into a Gaussian mixture with a full covariance per cluster. A row's cluster
///    score is its negative log density under that mixture, essentially its Mahalanobis distance to the nearest
///    cluster. It finds *local* anomalies too: rows in the sparse gap between two clusters, which random axis-parallel
///    splits barely tell from the clusters' own edges.
/// 4. On the same subsample, a ``SkewedTailSum`` keeps each column's sorted values: a density that needs no
///    covariance, the sum over the columns of how far into its skewed tail a value lies. It is fitted only when the
///    mixture's weight (below) is under 1: otherwise the density does not use it.
/// 5. The raw scores of the subsample serve as references that calibrate each score to [0, 1] by its percentile
///    (with an exponential tail beyond the 99.9th, so extremes keep their order).
///
/// The density score weighs the mixture against the tail sum by how well the subsample determines the mixture: k full
/// covariances in d columns are k·(d + d(d+1)/2) + k − 1 numbers to estimate. With at least
/// `mixtureRowsPerParameter.upperBound` (10) rows per number the mixture's weight is 1; with at most the lower bound (2),
/// where the covariances are mostly noise (569 rows of 30 columns give 0.6 per number for two clusters), it is 0; in
/// between it moves linearly. The two are combined as p-values (one minus the calibrated score) by a weighted Fisher's
/// method, w·(−ln p_mixture) + (1 − w)·(−ln p_tails), so a row far out in either counts, and the sum is calibrated
/// against the subsample's in turn. The lower bound applies to each component too: one holding fewer rows than twice
/// its own numbers is dropped while the mixture is refined, so a small far group that silhouette gave a cluster of its
/// own is measured against the clusters that remain instead of being found dense.
///
/// The combined score is the density score, raised to the forest's calibrated score where that is at least
/// `forestLevel` (the 99th percentile): a small far group, which k-means may take as a cluster of its own and the
/// mixture then finds dense, is isolated by the forest in a few splits. Below that level the forest does not count: on
/// every data set of `prov bench models` (docs/anomaly.md) its percentile, taken as the larger, only added false alarms
/// to the density's, which ranks the global anomalies as highly. The pipeline weighs the forest's and the mixture's
/// percentiles as p-values of their own beside its per-feature tails, and does not use the combined score.
///
/// Missing values: the forest fills them with its column medians; the clusters and the tails count them as 0, the
/// scaled median. The same data and parameters give the same scores on any number of threads.
public struct CombinedDetector: Sendable, Codable, Hashable {
    /// How the detector is fitted.
    public struct Parameters: Sendable, Codable, Hashable {
        /// The isolation forest's parameters.
        public var forest: IsolationForest.Parameters
        /// The numbers of clusters to choose from by silhouette.
        public var clusterCandidates: ClosedRange<Int>
        /// The forest's calibrated score from which it raises the combined score to its own, in [0, 1] (1: never).
        public var forestLevel: Double
        /// The rows per mixture parameter below which the density is the tail sum's, and above which the mixture's.
        public var mixtureRowsPerParameter: ClosedRange<Double>
        /// The seed of the clustering (the forest has its own in `forest`).
        public var seed: UInt64

        public init(
            forest: IsolationForest.Parameters = IsolationForest.Parameters(),
            clusterCandidates: ClosedRange<Int> = 2...8, forestLevel: Double = 0.99,
            mixtureRowsPerParameter: ClosedRange<Double> = 2...10, seed: UInt64 = 1
        ) {
            self.forest = forest
            self.clusterCandidates = clusterCandidates
            self.forestLevel = forestLevel
            self.mixtureRowsPerParameter = mixtureRowsPerParameter
            self.seed = seed
        }
    }

    /// The parameters the detector was fitted with.
    public let parameters: Parameters
    /// The column scaling applied before both models.
    public let scaler: RobustScaler
    /// The isolation forest, over scaled rows.
    public let forest: IsolationForest
    /// The clusters, over whitened scaled rows.
    let clustering: KMeans
    /// The mean silhouette of each candidate number of clusters.
    public let silhouettes: [Int: Double]
    let mixture: GaussianMixture
    /// The tail sum with its calibration; nil where the mixture's weight is 1, so that the density does not need it.
    let tails: CalibratedTails?
    /// The mixture's share of the density score, from the rows of the subsample per mixture parameter.
    public let mixtureWeight: Double

    /// The number of clusters the mixture kept.
    public var clusterCount: Int { mixture.count }
    let forestCalibration: ScoreCalibration
    let clusterCalibration: ScoreCalibration
    let densityCalibration: ScoreCalibration

    /// Fits the detector on the rows of `x` (at least 2 rows).
    public static func fit(_ x: Matrix, parameters: Parameters) -> CombinedDetector {
        fit(x, parameters: parameters, threads: nil)
    }

    /// ``fit(_:parameters:)`` on at most `threads` threads (all cores when nil); the result does not depend on it.
    public static func fit(_ x: Matrix, parameters: Parameters, threads: Int?) -> CombinedDetector {
        precondition(x.rows >= 2 && x.columns >= 1, "CombinedDetector needs at least two rows and one column")
        let scaler = RobustScaler.fit(x, rowLimit: 100_000)
        let scaled = scaler.transform(x)
        let forest = IsolationForest.fit(scaled, parameters: parameters.forest, threads: threads)

        var random = RandomSource.stream(parameters.seed, 2)
        let reference = KMeans.filled(scaled.rows(random.sample(min(20_000, scaled.rows), of: scaled.rows).sorted()))
        let lower = max(1, min(parameters.clusterCandidates.lowerBound, reference.rows))
        let upper = max(lower, min(parameters.clusterCandidates.upperBound, reference.rows))
        let whitening = Whitening(reference)
        let white = whitening.apply(reference)
        let step = max(1, white.rows / 5_000)
        let choice = white.rows(Array(Swift.stride(from: 0, to: white.rows, by: step)))
        let (chosen, silhouettes) = KMeans.fitChoosingK(choice, candidates: lower...upper, seed: parameters.seed)
        let clustering = KMeans.fit(white, k: chosen.k, seed: parameters.seed)
        // A component needs as many rows per number of its own as the mixture as a whole does to count at all.
        let perComponent = Double(white.columns + white.columns * (white.columns + 1) / 2)
        let mixture = GaussianMixture(
            white, labels: clustering.assign(white), k: clustering.k,
            minimumRows: parameters.mixtureRowsPerParameter.lowerBound * perComponent
        ).unwhitened(whitening)

        let rowsPerParameter = Double(reference.rows) / Double(max(1, mixture.parameterCount))
        let bounds = parameters.mixtureRowsPerParameter
        let mixtureWeight =
            bounds.upperBound > bounds.lowerBound
            ? min(1, max(0, (rowsPerParameter - bounds.lowerBound) / (bounds.upperBound - bounds.lowerBound)))
            : (rowsPerParameter >= bounds.upperBound ? 1 : 0)

        let forestReference = forest.scores(reference, threads: threads)
        let clusterReference = Self.mixtureScores(mixture, reference, threads: threads).scores
        let forestCalibration = ScoreCalibration(reference: forestReference)
        let clusterCalibration = ScoreCalibration(reference: clusterReference)
        let fitted = mixtureWeight < 1 ? CalibratedTails.fit(reference, threads: threads) : nil
        let tails = fitted?.tails
        let tailReference = fitted?.referenceScores
        let densityReference = clusterReference.indices.map { row in
            Self.density(
                cluster: clusterCalibration(clusterReference[row]), tail: tailReference?[row] ?? 0,
                mixtureWeight: mixtureWeight)
        }
        return CombinedDetector(
            parameters: parameters, scaler: scaler, forest: forest, clustering: clustering, silhouettes: silhouettes,
            mixture: mixture, tails: tails, mixtureWeight: mixtureWeight,
            forestCalibration: forestCalibration, clusterCalibration: clusterCalibration,
            densityCalibration: ScoreCalibration(reference: densityReference))
    }

    /// Scores every row of `x`.
    public func scores(_ x: Matrix) -> CombinedScores {
        scores(x, threads: nil)
    }

    /// ``scores(_:)`` on at most `threads` threads (all cores when nil).
    public func scores(_ x: Matrix, threads: Int?) -> CombinedScores {
        let scaled = KMeans.filled(scaler.transform(x))
        let forestScores = forest.scores(scaled, threads: threads)
        let (clusterRaw, clusters) = Self.mixtureScores(mixture, scaled, threads: threads)
        let tail = tails?.scores(scaled, threads: threads)
        var combined = [Double](repeating: 0, count: x.rows)
        var forestPercentile = [Double](repeating: 0, count: x.rows)
        var cluster = [Double](repeating: 0, count: x.rows)
        for row in 0..<x.rows {
            forestPercentile[row] = forestCalibration(forestScores[row])
            cluster[row] = clusterCalibration(clusterRaw[row])
            let density = densityCalibration(
                Self.density(cluster: cluster[row], tail: tail?[row] ?? 0, mixtureWeight: mixtureWeight))
            combined[row] =
                forestPercentile[row] >= parameters.forestLevel ? max(density, forestPercentile[row]) : density
        }
        return CombinedScores(
            combined: combined, forest: forestScores, forestPercentile: forestPercentile, cluster: cluster,
            tail: tail, clusters: clusters)
    }

    /// The skewed tail sum calibrated to [0, 1] by its percentile among the subsample's sums.
    struct CalibratedTails: Sendable, Codable, Hashable {
        let sum: SkewedTailSum
        let calibration: ScoreCalibration

        /// The tails fitted on `reference`, with the calibrated scores of its rows.
        static func fit(_ reference: Matrix, threads: Int?) -> (tails: CalibratedTails, referenceScores: [Double]) {
            let sum = SkewedTailSum(reference)
            let raw = sum.scores(reference, threads: threads)
            let calibration = ScoreCalibration(reference: raw)
            return (CalibratedTails(sum: sum, calibration: calibration), raw.map(calibration.callAsFunction))
        }

        /// The calibrated tail score of every row of `x` (no missing values).
        func scores(_ x: Matrix, threads: Int?) -> [Double] {
            sum.scores(x, threads: threads).map(calibration.callAsFunction)
        }
    }

    /// The weighted Fisher sum of the calibrated cluster and tail scores, each taken as a p-value (one minus it).
    static func density(cluster: Double, tail: Double, mixtureWeight: Double) -> Double {
        let floor = 1e-300
        let mixture: Double = -log(max(floor, 1 - cluster))
        let tails: Double = -log(max(floor, 1 - tail))
        return mixtureWeight * mixture + (1 - mixtureWeight) * tails
    }

    /// The mixture's raw score and most likely component for every row of `x` (no missing values).
    static func mixtureScores(_ mixture: GaussianMixture, _ x: Matrix, threads: Int?) -> (
        scores: [Double], components: [Int]
    ) {
        let parts = ParallelChunks.map(count: x.rows, chunkSize: 8192, threads: threads) { _, range in
            var scores = [Double]()
            var components = [Int]()
            scores.reserveCapacity(range.count)
            components.reserveCapacity(range.count)
            var scratch = [Double](repeating: 0, count: max(1, x.columns))
            x.values.withUnsafeBufferPointer { values in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    for row in range {
                        let (score, component) = mixture.score(values, row: row, scratch: scratch)
                        scores.append(score)
                        components.append(component)
                    }
                }
            }
            return (scores, components)
        }
        return (parts.flatMap(\.0), parts.flatMap(\.1))
    }
}
