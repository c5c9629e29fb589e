extension KMeans {
    /// Chooses k in `candidates` by the mean silhouette (computed on a deterministic subsample of at most `sampleSize`
    /// rows).
    ///
    /// Every candidate k is fitted on all rows of `x` with the same seed; the silhouettes are measured on one
    /// subsample drawn from `seed`, and the k with the highest mean silhouette wins (the smaller k on a tie).
    /// Candidates above the number of rows are skipped; k = 1 has no silhouette and scores 0.
    public static func fitChoosingK(
        _ x: Matrix, candidates: ClosedRange<Int> = 2...8, seed: UInt64, sampleSize: Int = 2000
    ) -> (model: KMeans, silhouettes: [Int: Double]) {
        precondition(x.rows >= 1, "KMeans needs at least one row")
        let data = filled(x)
        var random = RandomSource.stream(seed, 1)
        let subsample = data.rows(random.sample(min(sampleSize, data.rows), of: data.rows).sorted())
        let distances = pairwiseDistances(subsample)
        let ks = candidates.filter { $0 >= 1 && $0 <= data.rows }
        // Candidates are independent: fit them side by side, then compare in order.
        let fitted = ParallelChunks.map(count: ks.count, chunkSize: 1) { index, _ in
            let k = ks[index]
            let model = fit(data, k: k, seed: seed)
            let score =
                k == 1 ? 0 : meanSilhouette(distances, count: subsample.rows, labels: model.assign(subsample), k: k)
            return (model, score)
        }
        var best: (model: KMeans, score: Double)?
        var silhouettes = [Int: Double]()
        for (k, (model, score)) in zip(ks, fitted) {
            silhouettes[k] = score
            if best == nil || score > (best?.score ?? -.infinity) { best = (model, score) }
        }
        guard let chosen = best?.model else { return (fit(data, k: 1, seed: seed), [1: 0]) }
        return (chosen, silhouettes)
    }

    /// All Euclidean distances between the rows of `x` (n × n, row after row).
    static func pairwiseDistances(_ x: Matrix) -> [Double] {
        let n = x.rows
        let columns = x.columns
        let values = x.values
        return ParallelChunks.fill(count: n * n, chunkSize: max(1, n) * 64) { range, output in
            for index in range {
                let (i, j) = index.quotientAndRemainder(dividingBy: n)
                var sum = 0.0
                for column in 0..<columns {
                    let difference = values[i * columns + column] - values[j * columns + column]
                    sum += difference * difference
                }
                output[index] = sum.squareRoot()
            }
        }
    }

    /// The mean over rows of (b − a) / max(a, b), with a the mean distance to the row's own cluster and b the least
    /// mean distance to another cluster; rows alone in their cluster score 0.
    static func meanSilhouette(_ distances: [Double], count n: Int, labels: [Int], k: Int) -> Double {
        guard n > 1 else { return 0 }
        var sizes = [Int](repeating: 0, count: k)
        for label in labels { sizes[label] += 1 }
        var total = 0.0
        var means = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for cluster in 0..<k { means[cluster] = 0 }
            for j in 0..<n where j != i { means[labels[j]] += distances[i * n + j] }
            let own = labels[i]
            guard sizes[own] > 1 else { continue }
            let a = means[own] / Double(sizes[own] - 1)
            var b = Double.infinity
            for cluster in 0..<k where cluster != own && sizes[cluster] > 0 {
                b = min(b, means[cluster] / Double(sizes[cluster]))
            }
            guard b.isFinite else { continue }
            let larger = max(a, b)
            if larger > 0 { total += (b - a) / larger }
        }
        return total / Double(n)
    }
}
