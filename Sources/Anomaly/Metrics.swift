/// Ranking quality of anomaly scores against known labels (`true` = anomaly; higher score = more anomalous).
public enum Metrics {
    /// The area under the ROC curve: the probability that a random anomaly scores above a random normal row, ties
    /// counting one half (computed from average ranks). NaN when either class is empty.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "rocAUC needs one label per score")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + 1 + end) / 2
            for position in start..<end where labels[order[position]] { rankSum += averageRank }
            start = end
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds from the highest down, with Pₙ and Rₙ
    /// the precision and recall of flagging every row scoring at least that threshold (scikit-learn's definition).
    /// NaN when there is no anomaly.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "averagePrecision needs one label per score")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0
        var flagged = 0
        var previousRecall = 0.0
        var precisionSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end < order.count && scores[order[end]] == scores[order[start]] {
                if labels[order[end]] { truePositives += 1 }
                flagged += 1
                end += 1
            }
            let recall = Double(truePositives) / Double(positives)
            precisionSum += (recall - previousRecall) * Double(truePositives) / Double(flagged)
            previousRecall = recall
            start = end
        }
        return precisionSum
    }
}
