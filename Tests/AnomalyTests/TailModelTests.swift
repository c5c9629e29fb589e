import Testing

@testable import Anomaly

/// The per-column tail p-values: empirical in the body, extrapolated beyond it, and no smaller than the share of a
/// value many rows hold exactly.
@Suite struct TailModelTests {
    /// 10,000 ordinary values spread over [−1, 1], a few anomalies far out, and 50 rows (0.5 %, beyond the 99th percentile) at exactly 4: a
    /// bounded share at its bound, say.
    static func column() -> Matrix {
        var values = (0..<10_000).map { Double($0 % 2001 - 1000) / 1000 }
        values += Array(repeating: 4, count: 50)
        values += [9, -12, 20]
        return Matrix(rows: values.count, columns: 1, values: values)
    }

    @Test func theBodyIsEmpiricalAndTheTailExtrapolatedBothWays() {
        let model = TailModel.fit(Self.column(), column: 0)
        #expect(abs(model.pValue(0.5) - 0.5) < 0.05, "half the column lies at least 0.5 out")
        #expect(model.pValue(0) == 1 && model.pValue(.nan) == 1)
        // Far out, in either direction, the p-value is tiny: the three anomalies are not the column's norm.
        #expect(model.pValue(20) < 1e-6)
        #expect(model.pValue(-12) < 1e-6)
        #expect(model.pValue(-12) == model.pValue(12))
        #expect(model.pValue(9) > model.pValue(20))
    }

    @Test func aValueManyRowsShareIsCommonHoweverFarOut() {
        let model = TailModel.fit(Self.column(), column: 0)
        let shared = model.pValue(4)
        #expect(abs(shared - 50.0 / 10_053) < 1e-9, "the share of the rows at exactly 4: \(shared)")
        // Just beside it, where no row lies, the tail is extrapolated again.
        #expect(model.pValue(4.5) < 1e-3)
        // Fewer than five ties count as the tail.
        var values = (0..<10_000).map { Double($0 % 2001 - 1000) / 1000 }
        values += Array(repeating: 4, count: 4)
        let few = TailModel.fit(Matrix(rows: values.count, columns: 1, values: values), column: 0)
        #expect(few.pValue(4) < 1e-3)
    }
}
