import Anomaly
import Foundation
import TestSupport

/// Seeded data sets shaped like the peer benchmark's (`peers_iforest.py`), small enough for debug-build tests.
enum SyntheticData {
    static func gaussian(_ random: inout SplitMix64) -> Double {
        var u = Double(random.next() >> 11) * 0x1.0p-53
        while u <= 0 { u = Double(random.next() >> 11) * 0x1.0p-53 }
        let v = Double(random.next() >> 11) * 0x1.0p-53
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Standard normal rows with `outliers` rows placed far away (at ±8 in every column); labels mark them.
    static func planted(rows: Int, columns: Int, outliers: Int, seed: UInt64) -> (x: Matrix, labels: [Bool]) {
        var random = SplitMix64(seed: seed)
        var values = [Double]()
        var labels = [Bool]()
        for row in 0..<rows {
            let isOutlier = row % (rows / max(1, outliers)) == 0 && labels.filter { $0 }.count < outliers
            for column in 0..<columns {
                values.append(isOutlier ? (column % 2 == 0 ? 8 : -8) + gaussian(&random) * 0.5 : gaussian(&random))
            }
            labels.append(isOutlier)
        }
        return (Matrix(rows: rows, columns: columns, values: values), labels)
    }

    /// Rows of `columns` correlated, right-skewed measurements of one log-normal size (as the size and shape
    /// columns of a tumour or a shipment are), the first `larger` of them 2.5 times as large; labels mark those.
    static func sizes(rows: Int, columns: Int, larger: Int, seed: UInt64) -> (x: Matrix, labels: [Bool]) {
        var random = SplitMix64(seed: seed)
        var values = [Double]()
        for row in 0..<rows {
            let size = exp(0.3 * gaussian(&random)) * (row < larger ? 2.5 : 1)
            for column in 0..<columns {
                values.append(size * Double(column + 1) * exp(0.15 * gaussian(&random)))
            }
        }
        return (Matrix(rows: rows, columns: columns, values: values), (0..<rows).map { $0 < larger })
    }

    /// Two correlated clusters centred at (−3, −3) and (3, 3) in columns 0 and 1, 1 % global anomalies from
    /// N(2, 3²), and local anomalies in the gap between the clusters; kinds are 0 inlier, 1 global, 2 local.
    static func twoClusters(rows: Int, columns: Int = 4, local: Int, seed: UInt64) -> (x: Matrix, kinds: [Int]) {
        var random = SplitMix64(seed: seed)
        let globals = max(1, rows / 100)
        var values = [Double]()
        var kinds = [Int]()
        for row in 0..<rows {
            let kind =
                row % 97 == 5 && kinds.filter({ $0 == 2 }).count < local
                ? 2 : (row % 89 == 3 && kinds.filter({ $0 == 1 }).count < globals ? 1 : 0)
            var z = (0..<columns).map { _ in gaussian(&random) }
            for column in stride(from: 1, to: columns, by: 2) { z[column] = 0.6 * z[column - 1] + 0.8 * z[column] }
            switch kind {
            case 1:
                z = z.map { _ in 2 + 3 * gaussian(&random) }
            case 2:
                z[0] = 0.35 * gaussian(&random)
                z[1] = 0.35 * gaussian(&random)
            default:
                let centre = Double(random.next() % 10) < 4 ? 3.0 : -3.0
                z[0] += centre
                z[1] += centre
            }
            for column in 0..<columns { values.append(z[column] * (0.5 + Double(column) * 0.3) + Double(column) * 2) }
            kinds.append(kind)
        }
        return (Matrix(rows: rows, columns: columns, values: values), kinds)
    }
}
