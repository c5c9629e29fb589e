/// k-means clustering: k-means++ seeding, then Lloyd iterations, deterministic for a seed.
///
/// Distances are Euclidean over the columns as given, so callers scale the data first (``RobustScaler``). A missing
/// value (NaN) counts as 0, which after robust scaling is the column's median. Rows are processed in fixed chunks
/// and partial sums are added in chunk order, so the same data and seed give the same centroids on any number of
/// threads.
public struct KMeans: Sendable, Codable, Hashable {
    /// One centroid per row.
    public let centroids: Matrix

    /// A model over the given centroids (one per row).
    public init(centroids: Matrix) {
        self.centroids = centroids
    }

    /// The number of clusters.
    public var k: Int { centroids.rows }

    /// Clusters the rows of `x` into `k` groups: k-means++ seeding, then at most `maxIterations` Lloyd iterations
    /// (stopping when no row changes cluster). A cluster that loses all its rows keeps its previous centroid.
    ///
    /// - Precondition: 1 ≤ k ≤ `x.rows`.
    public static func fit(_ x: Matrix, k: Int, seed: UInt64, maxIterations: Int = 100) -> KMeans {
        precondition(k >= 1 && k <= x.rows, "KMeans needs 1 ≤ k ≤ rows, got k = \(k) for \(x.rows) rows")
        let data = Self.filled(x)
        var centroids = seedPlusPlus(data, k: k, random: RandomSource.stream(seed, 0))
        var assignment = [Int32](repeating: -1, count: data.rows)
        for _ in 0..<max(1, maxIterations) {
            let step = lloydStep(data, centroids: centroids, previous: assignment)
            assignment = step.assignment
            var next = centroids
            for cluster in 0..<k where step.counts[cluster] > 0 {
                for column in 0..<data.columns {
                    next[cluster, column] = step.sums[cluster * data.columns + column] / Double(step.counts[cluster])
                }
            }
            centroids = next
            if step.changed == 0 { break }
        }
        return KMeans(centroids: centroids)
    }

    /// The nearest centroid's number for every row of `x`.
    public func assign(_ x: Matrix) -> [Int] {
        nearest(x).map { Int($0.cluster) }
    }

    /// The Euclidean distance from every row of `x` to its nearest centroid.
    public func distances(_ x: Matrix) -> [Double] {
        nearest(x).map { $0.squaredDistance.squareRoot() }
    }

    /// Nearest centroid and squared distance for every row, in parallel chunks.
    func nearest(_ x: Matrix) -> [(cluster: Int32, squaredDistance: Double)] {
        precondition(x.columns == centroids.columns, "KMeans fitted on \(centroids.columns) columns, got \(x.columns)")
        let model = self
        let parts = ParallelChunks.map(count: x.rows, chunkSize: 8192) { _, range in
            var part = [(cluster: Int32, squaredDistance: Double)]()
            part.reserveCapacity(range.count)
            x.values.withUnsafeBufferPointer { values in
                model.centroids.values.withUnsafeBufferPointer { centres in
                    for row in range {
                        part.append(Self.closest(values, row: row, columns: x.columns, centres: centres, k: model.k))
                    }
                }
            }
            return part
        }
        return parts.flatMap { $0 }
    }

    static func closest(
        _ values: UnsafeBufferPointer<Double>, row: Int, columns: Int, centres: UnsafeBufferPointer<Double>, k: Int
    ) -> (cluster: Int32, squaredDistance: Double) {
        var best = Int32(0)
        var bestDistance = Double.infinity
        let base = row * columns
        for cluster in 0..<k {
            var sum = 0.0
            let centre = cluster * columns
            for column in 0..<columns {
                var value = values[base + column]
                if value.isNaN { value = 0 }
                let difference = value - centres[centre + column]
                sum += difference * difference
            }
            if sum < bestDistance {
                bestDistance = sum
                best = Int32(cluster)
            }
        }
        return (best, bestDistance)
    }

    /// `x` with missing values replaced by 0.
    static func filled(_ x: Matrix) -> Matrix {
        guard x.values.contains(where: \.isNaN) else { return x }
        return Matrix(rows: x.rows, columns: x.columns, values: x.values.map { $0.isNaN ? 0 : $0 })
    }

    /// k-means++: the first centre uniformly, each next one with probability proportional to the squared distance
    /// to the nearest centre chosen so far.
    static func seedPlusPlus(_ x: Matrix, k: Int, random: RandomSource) -> Matrix {
        var random = random
        var chosen = [x.row(random.below(x.rows))]
        var nearest = [Double](repeating: .infinity, count: x.rows)
        while chosen.count < k {
            let centre = Matrix(rows: [chosen[chosen.count - 1]])
            let latest = KMeans(centroids: centre).nearest(x)
            var total = 0.0
            for row in 0..<x.rows {
                nearest[row] = min(nearest[row], latest[row].squaredDistance)
                total += nearest[row]
            }
            guard total > 0 else {
                chosen.append(x.row(random.below(x.rows)))
                continue
            }
            var target = random.unit() * total
            var pick = x.rows - 1
            for row in 0..<x.rows {
                target -= nearest[row]
                if target < 0 {
                    pick = row
                    break
                }
            }
            chosen.append(x.row(pick))
        }
        return Matrix(rows: chosen)
    }

    /// One Lloyd iteration's assignment, per-cluster sums and counts, and how many rows changed cluster.
    static func lloydStep(_ x: Matrix, centroids: Matrix, previous: [Int32]) -> (
        assignment: [Int32], sums: [Double], counts: [Int], changed: Int
    ) {
        let k = centroids.rows
        let columns = x.columns
        let parts = ParallelChunks.map(count: x.rows, chunkSize: 8192) { _, range in
            var sums = [Double](repeating: 0, count: k * columns)
            var counts = [Int](repeating: 0, count: k)
            var assignment = [Int32]()
            assignment.reserveCapacity(range.count)
            var changed = 0
            x.values.withUnsafeBufferPointer { values in
                centroids.values.withUnsafeBufferPointer { centres in
                    for row in range {
                        let cluster = closest(values, row: row, columns: columns, centres: centres, k: k).cluster
                        assignment.append(cluster)
                        if cluster != previous[row] { changed += 1 }
                        counts[Int(cluster)] += 1
                        for column in 0..<columns {
                            sums[Int(cluster) * columns + column] += values[row * columns + column]
                        }
                    }
                }
            }
            return (assignment, sums, counts, changed)
        }
        var assignment = [Int32]()
        assignment.reserveCapacity(x.rows)
        var sums = [Double](repeating: 0, count: k * columns)
        var counts = [Int](repeating: 0, count: k)
        var changed = 0
        for part in parts {
            assignment.append(contentsOf: part.0)
            for index in sums.indices { sums[index] += part.1[index] }
            for index in counts.indices { counts[index] += part.2[index] }
            changed += part.3
        }
        return (assignment, sums, counts, changed)
    }
}
