/// The scores ``CombinedDetector`` gives each row, with the parts they combine.
public struct CombinedScores: Sendable {
    /// The combined score in [0, 1]; higher = more anomalous.
    public let combined: [Double]
    /// The raw isolation-forest scores (2^(−E[h]/c(ψ))).
    public let forest: [Double]
    /// The forest's score calibrated to [0, 1]: its percentile among the reference rows (see ``ScoreCalibration``).
    public let forestPercentile: [Double]
    /// The cluster score, calibrated to [0, 1]: how unlikely the row is under the per-cluster Gaussians.
    public let cluster: [Double]
    /// The tail sum's score, calibrated to [0, 1]: how far into the tails its columns lean towards the row lies; nil
    /// where the density is the mixture's alone (``CombinedDetector/mixtureWeight`` 1), which needs no tails.
    public let tail: [Double]?
    /// The cluster each row most likely belongs to.
    public let clusters: [Int]

    public init(
        combined: [Double], forest: [Double], forestPercentile: [Double], cluster: [Double], tail: [Double]?,
        clusters: [Int]
    ) {
        self.combined = combined
        self.forest = forest
        self.forestPercentile = forestPercentile
        self.cluster = cluster
        self.tail = tail
        self.clusters = clusters
    }
}
