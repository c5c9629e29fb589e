import Foundation
import Testing

@testable import Anomaly

@Suite struct SkewedTailSumTests {
    /// Column 0 leans up (many small values, a few large), column 1 leans down.
    static let reference = Matrix(rows: [
        [1, -1], [1, -1], [1, -1], [2, -2], [2, -2], [3, -3], [10, -10],
    ])

    @Test func eachColumnLeansTheWayOfItsSkew() {
        let tails = SkewedTailSum(Self.reference)
        #expect(tails.pointsUp == [true, false])
        #expect(SkewedTailSum.skewness([1, 1, 1, 2, 2, 3, 10]) > 1)
        #expect(SkewedTailSum.skewness([4, 4, 4]) == 0)
    }

    @Test func onlyTheLeaningEndIsRare() {
        let tails = SkewedTailSum(Self.reference)
        // Beyond every reference value: 1 / 8; at the common end: every value counts.
        #expect(tails.tailProbability(20, column: 0) == 1.0 / 8)
        #expect(tails.tailProbability(-20, column: 1) == 1.0 / 8)
        #expect(tails.tailProbability(0, column: 0) == 1)
        #expect(tails.tailProbability(5, column: 1) == 1)
        // Ties count as at least as far out, and the value itself counts.
        #expect(tails.tailProbability(3, column: 0) == 3.0 / 8)
        #expect(tails.tailProbability(-3, column: 1) == 3.0 / 8)
    }

    @Test func aRowScoresTheSumOverItsColumns() {
        let tails = SkewedTailSum(Self.reference)
        let scores = tails.scores(Matrix(rows: [[20, -20], [20, 0], [0, 0]]), threads: 1)
        #expect(abs(scores[0] - 2 * log(8.0)) < 1e-12)
        #expect(abs(scores[1] - log(8.0)) < 1e-12)
        #expect(scores[2] == 0)
    }
}
