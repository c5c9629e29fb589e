/// Row-major dense matrix; NaN marks a missing value.
///
/// Rows are observations and columns are features. `values` holds row 0's columns first, then row 1's, and so on,
/// so one row is a contiguous slice.
public struct Matrix: Sendable, Hashable, Codable {
    /// The number of rows (observations).
    public let rows: Int
    /// The number of columns (features).
    public let columns: Int
    /// The values, row after row; `values.count == rows * columns`.
    public private(set) var values: [Double]

    /// A matrix over `values`, row after row.
    ///
    /// - Precondition: `values.count == rows * columns`, and neither dimension is negative.
    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must not be negative")
        precondition(
            values.count == rows * columns,
            "Matrix of \(rows) × \(columns) needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix from a list of rows of equal length (the empty list gives a 0 × 0 matrix).
    ///
    /// - Precondition: every row has the length of the first.
    public init(rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        var values = [Double]()
        values.reserveCapacity(rows.count * columns)
        for row in rows {
            precondition(row.count == columns, "Every row of a Matrix needs \(columns) values, got \(row.count)")
            values.append(contentsOf: row)
        }
        self.init(rows: rows.count, columns: columns, values: values)
    }

    /// A matrix of `rows` × `columns` filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    /// The value at `row`, `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Double] {
        Array(values[index * columns..<(index + 1) * columns])
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        var picked = [Double]()
        picked.reserveCapacity(indices.count * columns)
        for index in indices { picked.append(contentsOf: values[index * columns..<(index + 1) * columns]) }
        return Matrix(rows: indices.count, columns: columns, values: picked)
    }
}
