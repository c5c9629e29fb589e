import Anomaly
import Testing
import TestSupport

@Suite struct RobustScalerTests {
    @Test func mediansAndInterquartileRanges() {
        let x = Matrix(rows: [[1, 5, 3], [2, 5, .nan], [3, 5, 3], [4, 5, 3], [5, 6, 100]])
        let scaler = RobustScaler.fit(x)
        #expect(scaler.medians == [3, 5, 3])
        // Column 0: IQR 4 − 2; column 1: IQR 0 and MAD 0, so 1; column 2 (NaN ignored): 27.25 − 3.
        #expect(scaler.scales == [2, 1, 24.25])
        let scaled = scaler.transform(x)
        #expect(scaled[0, 0] == -1)
        #expect(scaled[1, 2].isNaN)
        #expect(scaler.zScore(7, column: 0) == 2)
    }

    @Test func fallbackScaleWhenTheQuartilesMeet() {
        let x = Matrix(rows: 8, columns: 1, values: [1, 1, 1, 1, 1, 1, 1, 9])
        let scaler = RobustScaler.fit(x)
        #expect(scaler.scales[0] == 1)
        let y = Matrix(rows: 9, columns: 1, values: [0, 1, 1, 1, 3, 3, 3, 3, 5])
        #expect(RobustScaler.fit(y).scales[0] == 2)
    }
}

@Suite struct PCATests {
    @Test func recoversTheMainAxisOfAStretchedCloud() {
        var random = SplitMix64(seed: 3)
        var rows = [[Double]]()
        for _ in 0..<2000 {
            let along = SyntheticData.gaussian(&random) * 5
            let across = SyntheticData.gaussian(&random) * 0.5
            // Main axis along (1, 1, 0) / √2.
            let root2: Double = 2.0.squareRoot()
            let first: Double = (along - across) / root2 + 3
            let second: Double = (along + across) / root2
            rows.append([first, second, SyntheticData.gaussian(&random) * 0.2])
        }
        let pca = PCA.fit(Matrix(rows: rows))
        #expect(pca.explainedVarianceRatio.count == 2)
        #expect(pca.explainedVarianceRatio[0] > 0.95)
        let axis = [pca.components[0, 0], pca.components[0, 1], pca.components[0, 2]]
        #expect(abs(axis[0] - 0.7071) < 0.01 && abs(axis[1] - 0.7071) < 0.01 && abs(axis[2]) < 0.01)
        let projected = pca.project(Matrix(rows: [[3, 0, 0]]))
        #expect(abs(projected[0, 0]) < 0.2)
    }
}

@Suite struct MetricsTests {
    @Test func rocAUCOnHandMadeExamples() {
        #expect(Metrics.rocAUC(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]) == 1)
        #expect(Metrics.rocAUC(scores: [0.9, 0.8, 0.2, 0.1], labels: [false, false, true, true]) == 0)
        // One positive above both negatives, one between them: 3 of 4 pairs.
        #expect(Metrics.rocAUC(scores: [0.1, 0.5, 0.3, 0.9], labels: [false, false, true, true]) == 0.75)
        // Ties count one half: all equal gives 0.5; one tied pair out of four gives 0.875.
        #expect(Metrics.rocAUC(scores: [1, 1, 1, 1], labels: [false, true, false, true]) == 0.5)
        #expect(Metrics.rocAUC(scores: [0.1, 0.5, 0.5, 0.9], labels: [false, false, true, true]) == 0.875)
        #expect(Metrics.rocAUC(scores: [1, 2], labels: [true, true]).isNaN)
    }

    @Test func averagePrecisionOnHandMadeExamples() {
        let precision = Metrics.averagePrecision(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        let expected: Double = (1 + 2.0 / 3) / 2
        #expect(abs(precision - expected) < 1e-12)
        #expect(Metrics.averagePrecision(scores: [0.9, 0.1], labels: [true, false]) == 1)
    }
}
