@testable import Anomaly
import Foundation
import Testing

@Suite struct IsolationForestTests {
    @Test func averagePathLengthMatchesHandValues() {
        #expect(IsolationForest.averagePathLength(0) == 0)
        #expect(IsolationForest.averagePathLength(1) == 0)
        #expect(IsolationForest.averagePathLength(2) == 1)
        // c(3) = 2(ln 2 + γ) − 4/3
        #expect(abs(IsolationForest.averagePathLength(3) - (2 * (0.693_147_180_56 + 0.577_215_664_9) - 4.0 / 3)) < 1e-9)
        #expect(abs(IsolationForest.averagePathLength(256) - 10.2448) < 1e-4)
    }

    @Test func handBuiltTreePathLengths() {
        // Root splits column 0 at 0.5; left is a leaf of 1 row at depth 1; right splits column 1 at 2 into a leaf of
        // 2 rows (depth 2 + c(2) = 3) and a leaf of 5 rows (depth 2 + c(5)).
        var nodes = ForestNodes()
        nodes.feature = [0, -1, 1, -1, -1]
        nodes.threshold = [0.5, 1, 2, 3, 2 + IsolationForest.averagePathLength(5)]
        nodes.left = [1, -1, 3, -1, -1]
        nodes.right = [2, -1, 4, -1, -1]
        nodes.size = [8, 1, 7, 2, 5]
        nodes.roots = [0]
        let forest = IsolationForest(
            parameters: .init(trees: 1, sampleSize: 8), columns: 2, effectiveSampleSize: 8, fillValues: [0, 0],
            nodes: nodes)
        let x = Matrix(rows: [[0.2, 9], [0.9, 1], [0.9, 5], [0.5, 2]])
        let lengths = forest.averagePathLengths(x)
        #expect(lengths == [1, 3, 2 + IsolationForest.averagePathLength(5), 1])
        let c8 = IsolationForest.averagePathLength(8)
        let expected = lengths.map { exp2(-$0 / c8) }
        #expect(forest.scores(x) == expected)
    }

    @Test(arguments: [0, 1, 3])
    func plantedOutliersRankFirst(extensionLevel: Int) {
        let (x, labels) = SyntheticData.planted(rows: 1000, columns: 4, outliers: 5, seed: 11)
        let forest = IsolationForest.fit(
            x, parameters: .init(trees: 50, sampleSize: 128, extensionLevel: extensionLevel, seed: 3))
        let scores = forest.scores(x)
        let top = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(5)
        #expect(top.allSatisfy { labels[$0] })
        #expect(Metrics.rocAUC(scores: scores, labels: labels) == 1)
    }

    @Test func sameSeedSameScoresOtherSeedOtherScores() {
        let (x, _) = SyntheticData.planted(rows: 500, columns: 3, outliers: 3, seed: 5)
        let parameters = IsolationForest.Parameters(trees: 30, sampleSize: 64, seed: 9)
        let first = IsolationForest.fit(x, parameters: parameters)
        let second = IsolationForest.fit(x, parameters: parameters)
        #expect(first == second)
        #expect(first.scores(x) == second.scores(x))
        var other = parameters
        other.seed = 10
        #expect(IsolationForest.fit(x, parameters: other).scores(x) != first.scores(x))
    }

    @Test(arguments: [0, 2])
    func threadCountDoesNotChangeResults(extensionLevel: Int) {
        let (x, _) = SyntheticData.planted(rows: 5000, columns: 3, outliers: 3, seed: 6)
        let parameters = IsolationForest.Parameters(trees: 20, sampleSize: 64, extensionLevel: extensionLevel, seed: 2)
        let one = IsolationForest.fit(x, parameters: parameters, threads: 1)
        let many = IsolationForest.fit(x, parameters: parameters, threads: 4)
        #expect(one == many)
        #expect(one.scores(x, threads: 1) == many.scores(x, threads: 3))
    }

    @Test func saveAndLoadGiveIdenticalScores() throws {
        let (x, _) = SyntheticData.planted(rows: 400, columns: 3, outliers: 2, seed: 8)
        for level in [0, 2] {
            let forest = IsolationForest.fit(x, parameters: .init(trees: 10, sampleSize: 64, extensionLevel: level))
            let loaded = try IsolationForest.decode(try forest.encoded())
            #expect(loaded == forest)
            #expect(loaded.scores(x) == forest.scores(x))
        }
        #expect(throws: (any Error).self) { try IsolationForest.decode(Array("{}".utf8)) }
    }

    @Test func missingValuesAreFilledWithMedians() {
        let (x, _) = SyntheticData.planted(rows: 300, columns: 2, outliers: 0, seed: 4)
        let forest = IsolationForest.fit(x, parameters: .init(trees: 10, sampleSize: 64))
        let withGap = Matrix(rows: [[.nan, 0.3]])
        let filled = Matrix(rows: [[forest.fillValues[0], 0.3]])
        #expect(forest.scores(withGap) == forest.scores(filled))
    }

    @Test func contributionsPointAtTheOddColumn() {
        let (x, _) = SyntheticData.planted(rows: 1000, columns: 3, outliers: 0, seed: 12)
        let forest = IsolationForest.fit(x, parameters: .init(trees: 50, sampleSize: 128))
        let shares = forest.contributions(of: [0, 9, 0])
        #expect(shares.allSatisfy { $0 >= 0 })
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
        #expect(shares[1] > shares[0] && shares[1] > shares[2])
    }
}
