import Foundation
import Testing

@testable import Anomaly

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

    @Test func fewRowsPerMixtureParameterLeaveTheDensityToTheTails() {
        // 300 rows of 20 columns: two full covariances are 461 numbers, 0.65 rows each.
        let (x, labels) = SyntheticData.sizes(rows: 300, columns: 20, larger: 30, seed: 5)
        let detector = CombinedDetector.fit(x, parameters: .init(clusterCandidates: 2...3))
        #expect(detector.mixtureWeight == 0)
        let result = detector.scores(x)
        #expect(result.tail?.count == x.rows)
        #expect(Metrics.rocAUC(scores: result.combined, labels: labels) > 0.9)
        #expect(
            Metrics.rocAUC(scores: result.combined, labels: labels)
                > Metrics.rocAUC(scores: result.cluster, labels: labels))
    }

    @Test func manyRowsPerMixtureParameterLeaveTheDensityToTheMixture() {
        let (x, _) = SyntheticData.twoClusters(rows: 4000, local: 12, seed: 21)
        let detector = CombinedDetector.fit(x, parameters: .init(clusterCandidates: 2...4))
        #expect(detector.mixtureWeight == 1)
        // The density is the mixture's alone: the tails are neither fitted nor computed.
        #expect(detector.scores(x).tail == nil)
    }

    @Test func theDensityWeighsTheMixtureAndTheTailsAsPValues() {
        #expect(CombinedDetector.density(cluster: 0.99, tail: 0.2, mixtureWeight: 1) == -log(1 - 0.99))
        #expect(CombinedDetector.density(cluster: 0.2, tail: 0.99, mixtureWeight: 0) == -log(1 - 0.99))
        // Far out in one counts more than somewhat out in both.
        let oneFar = CombinedDetector.density(cluster: 0.999, tail: 0.5, mixtureWeight: 0.5)
        let bothSomewhat = CombinedDetector.density(cluster: 0.9, tail: 0.9, mixtureWeight: 0.5)
        #expect(oneFar > bothSomewhat)
        #expect(CombinedDetector.density(cluster: 1, tail: 1, mixtureWeight: 0.5).isFinite)
    }

    @Test func aSmallFarGroupIsFoundEvenWhenItFormsAClusterOfItsOwn() {
        // 196 ordinary rows and 4 far out on a line: k-means may give the four a cluster of their own, which the
        // mixture finds dense; the forest isolates them.
        let (x, labels) = SyntheticData.planted(rows: 196, columns: 2, outliers: 0, seed: 8)
        var values = x.values
        for index in 0..<4 { values += [40 + Double(index), -35 - Double(index)] }
        let all = Matrix(rows: 200, columns: 2, values: values)
        let result = CombinedDetector.fit(all, parameters: .init()).scores(all)
        let truth = labels + [true, true, true, true]
        #expect(Metrics.rocAUC(scores: result.combined, labels: truth) > 0.99)
        for row in 0..<200 where result.forestPercentile[row] >= 0.99 {
            #expect(result.combined[row] >= result.forestPercentile[row])
        }
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
