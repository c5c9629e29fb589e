/// The detector the pipeline uses: isolation forest + clustering combined into one score in [0, 1] per row.
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
/// 4. Both raw scores of the subsample serve as references that calibrate each score to [0, 1] by its percentile
///    (with an exponential tail beyond the 99.9th, so extremes keep their order).
///
/// The combined score is the larger of the two calibrated scores, each weighted (`forestWeight` for the forest,
/// `1 − forestWeight` for the clusters) and divided by the larger weight, so that with the default weight 0.5 it is
/// simply the larger percentile: a row is as anomalous as the detector that finds it most unusual.
///
/// Missing values: the forest fills them with its column medians; the clusters count them as 0, the scaled median.
/// The same data and parameters give the same scores on any number of threads.
public struct CombinedDetector: Sendable, Codable, Hashable {
    /// How the detector is fitted.
    public struct Parameters: Sendable, Codable, Hashable {
        /// The isolation forest's parameters.
        public var forest: IsolationForest.Parameters
        /// The numbers of clusters to choose from by silhouette.
        public var clusterCandidates: ClosedRange<Int>
        /// The weight of the forest's score (the cluster score gets 1 − weight), in [0, 1].
        public var forestWeight: Double
        /// The seed of the clustering (the forest has its own in `forest`).
        public var seed: UInt64

        public init(
            forest: IsolationForest.Parameters = IsolationForest.Parameters(),
            clusterCandidates: ClosedRange<Int> = 2...8, forestWeight: Double = 0.5, seed: UInt64 = 1
        ) {
            self.forest = forest
            self.clusterCandidates = clusterCandidates
            self.forestWeight = forestWeight
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

    /// The number of clusters the mixture kept.
    public var clusterCount: Int { mixture.count }
    let forestCalibration: ScoreCalibration
    let clusterCalibration: ScoreCalibration

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
        let mixture = GaussianMixture(white, labels: clustering.assign(white), k: clustering.k).unwhitened(whitening)

        let forestReference = forest.scores(reference, threads: threads)
        let clusterReference = Self.mixtureScores(mixture, reference, threads: threads).scores
        return CombinedDetector(
            parameters: parameters, scaler: scaler, forest: forest, clustering: clustering, silhouettes: silhouettes,
            mixture: mixture, forestCalibration: ScoreCalibration(reference: forestReference),
            clusterCalibration: ScoreCalibration(reference: clusterReference))
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
        let weight = min(1, max(0, parameters.forestWeight))
        let larger = max(weight, 1 - weight)
        var combined = [Double](repeating: 0, count: x.rows)
        var forestPercentile = [Double](repeating: 0, count: x.rows)
        var cluster = [Double](repeating: 0, count: x.rows)
        for row in 0..<x.rows {
            forestPercentile[row] = forestCalibration(forestScores[row])
            cluster[row] = clusterCalibration(clusterRaw[row])
            combined[row] = max(weight * forestPercentile[row], (1 - weight) * cluster[row]) / larger
        }
        return CombinedScores(
            combined: combined, forest: forestScores, forestPercentile: forestPercentile, cluster: cluster,
            clusters: clusters)
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
