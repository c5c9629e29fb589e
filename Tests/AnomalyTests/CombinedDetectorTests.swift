import Anomaly
import Testing

@Suite struct CombinedDetectorTests {
    @Test func beatsTheForestOnLocalAnomalies() {
        let (x, kinds) = SyntheticData.twoClusters(rows: 4000, local: 12, seed: 21)
        let parameters = CombinedDetector.Parameters(
            forest: .init(trees: 50, sampleSize: 256, seed: 4), clusterCandidates: 2...4, seed: 4)
        let detector = CombinedDetector.fit(x, parameters: parameters)
        let result = detector.scores(x)
        #expect(result.combined.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(result.cluster.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(result.clusters).count == detector.clusterCount)
        let localRows = kinds.indices.filter { kinds[$0] != 1 }
        let localLabels = localRows.map { kinds[$0] == 2 }
        let combinedLocal = Metrics.rocAUC(scores: localRows.map { result.combined[$0] }, labels: localLabels)
        let forestLocal = Metrics.rocAUC(scores: localRows.map { result.forest[$0] }, labels: localLabels)
        #expect(combinedLocal > forestLocal + 0.1)
        #expect(combinedLocal > 0.9)
        let globalRows = kinds.indices.filter { kinds[$0] != 2 }
        let globalLabels = globalRows.map { kinds[$0] == 1 }
        #expect(Metrics.rocAUC(scores: globalRows.map { result.combined[$0] }, labels: globalLabels) > 0.95)
    }

    @Test func sameDataSameScores() {
        let (x, _) = SyntheticData.twoClusters(rows: 1000, local: 3, seed: 2)
        let parameters = CombinedDetector.Parameters(forest: .init(trees: 20, sampleSize: 64), clusterCandidates: 2...3)
        let first = CombinedDetector.fit(x, parameters: parameters, threads: 1)
        let second = CombinedDetector.fit(x, parameters: parameters, threads: 2)
        #expect(first == second)
        #expect(first.scores(x).combined == second.scores(x, threads: 1).combined)
    }
}
