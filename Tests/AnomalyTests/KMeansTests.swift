import Anomaly
import Testing
import TestSupport

@Suite struct KMeansTests {
    /// Three tight blobs at distinct centres, 100 rows each; labels give the blob.
    static func blobs(seed: UInt64) -> (x: Matrix, labels: [Int]) {
        var random = SplitMix64(seed: seed)
        let centres: [[Double]] = [[0, 0, 0], [10, 0, 5], [0, 10, -5]]
        var rows = [[Double]]()
        var labels = [Int]()
        for index in 0..<300 {
            let blob = index % 3
            rows.append(centres[blob].map { $0 + SyntheticData.gaussian(&random) * 0.5 })
            labels.append(blob)
        }
        return (Matrix(rows: rows), labels)
    }

    @Test func choosesTheTrueKAndRecoversTheBlobs() {
        let (x, labels) = Self.blobs(seed: 1)
        let (model, silhouettes) = KMeans.fitChoosingK(x, candidates: 2...5, seed: 7, sampleSize: 200)
        #expect(model.centroids.rows == 3)
        #expect(silhouettes.keys.sorted() == [2, 3, 4, 5])
        let assigned = model.assign(x)
        // Purity 1: each true blob maps to exactly one cluster, and no two blobs share one.
        var mapping = [Int: Int]()
        for (label, cluster) in zip(labels, assigned) {
            if let known = mapping[label] { #expect(known == cluster) } else { mapping[label] = cluster }
        }
        #expect(Set(mapping.values).count == 3)
        #expect(model.distances(x).allSatisfy { $0 < 3 })
    }

    @Test func seedingAndIterationsAreDeterministic() {
        let (x, _) = Self.blobs(seed: 2)
        #expect(KMeans.fit(x, k: 4, seed: 3) == KMeans.fit(x, k: 4, seed: 3))
        #expect(KMeans.fit(x, k: 3, seed: 3).centroids.rows == 3)
    }
}
