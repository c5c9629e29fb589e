#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An isolation forest: anomalies are the rows that random splits isolate in few steps.
///
/// Each tree is grown on its own random sample of `sampleSize` rows (without replacement), to a depth of at most
/// ⌈log₂ ψ⌉, where ψ is the sample size actually used (`min(sampleSize, rows)`). A row's score is
/// 2^(−E[h(x)] / c(ψ)): near 1 for rows isolated quickly, about 0.5 and below for ordinary rows.
///
/// **Missing values.** A missing value (NaN) is replaced by its column's median, both in the rows trees are grown on
/// and in the rows scored. The medians are taken at fit time over at most 10,000 rows of the training data at an even
/// stride (non-missing values only; 0 for a column with none) and saved with the model, so a missing value neither
/// isolates a row nor hides it.
///
/// **Determinism.** Tree *t* draws from its own random stream derived from `(seed, t)`, and rows are scored in fixed
/// chunks, so the same data and parameters give the same model and the same scores bit for bit on any number of
/// threads.
public struct IsolationForest: Sendable, Codable, Hashable {
    /// How the forest is grown.
    public struct Parameters: Sendable, Codable, Hashable {
        /// The number of trees.
        public var trees: Int = 100
        /// The rows each tree is grown on (ψ); fewer when the data have fewer rows.
        public var sampleSize: Int = 256
        /// 0 = axis-parallel splits (Liu, Ting & Zhou 2008); k ≥ 1 = extended iForest (Hariri et al. 2019) with
        /// random hyperplanes over k+1 coordinates (k = columns−1 is "full" extension).
        ///
        /// Values above `columns − 1` act as `columns − 1`.
        public var extensionLevel: Int = 0
        /// The seed every random draw derives from.
        public var seed: UInt64 = 1

        public init(trees: Int = 100, sampleSize: Int = 256, extensionLevel: Int = 0, seed: UInt64 = 1) {
            self.trees = trees
            self.sampleSize = sampleSize
            self.extensionLevel = extensionLevel
            self.seed = seed
        }
    }

    /// The parameters the forest was grown with.
    public let parameters: Parameters
    /// The number of columns the forest was grown on (rows scored must have as many).
    public let columns: Int
    /// ψ: the number of rows each tree was grown on.
    public let effectiveSampleSize: Int
    /// Each column's fill value for missing data (its training median).
    public let fillValues: [Double]
    let nodes: ForestNodes

    enum CodingKeys: String, CodingKey {
        case parameters, columns, effectiveSampleSize, fillValues, nodes
    }

    /// Decodes a saved model and checks that its trees are well formed, so that scoring can trust every index.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try container.decode(Parameters.self, forKey: .parameters)
        columns = try container.decode(Int.self, forKey: .columns)
        effectiveSampleSize = try container.decode(Int.self, forKey: .effectiveSampleSize)
        fillValues = try container.decode([Double].self, forKey: .fillValues)
        nodes = try container.decode(ForestNodes.self, forKey: .nodes)
        if let problem = nodes.problem(columns: columns)
            ?? (fillValues.count == columns ? nil : "one fill value per column")
        {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: [CodingKeys.nodes], debugDescription: "not an isolation forest: \(problem)"))
        }
    }

    init(parameters: Parameters, columns: Int, effectiveSampleSize: Int, fillValues: [Double], nodes: ForestNodes) {
        self.parameters = parameters
        self.columns = columns
        self.effectiveSampleSize = effectiveSampleSize
        self.fillValues = fillValues
        self.nodes = nodes
    }

    /// c(n) = 2H(n−1) − 2(n−1)/n with H(i) ≈ ln(i) + 0.5772156649; c(1)=0, c(2)=1.
    ///
    /// The average path length of an unsuccessful search in a binary search tree of `n` keys; it normalises path
    /// lengths and stands for the unbuilt part of a tree below a leaf of `n` rows. c(0) = c(1) = 0.
    public static func averagePathLength(_ n: Int) -> Double {
        if n <= 1 { return 0 }
        if n == 2 { return 1 }
        let m = Double(n - 1)
        return 2 * (log(m) + 0.5772156649) - 2 * m / Double(n)
    }

    /// Grows a forest on the rows of `x`, one tree per task on all cores.
    public static func fit(_ x: Matrix, parameters: Parameters) -> IsolationForest {
        fit(x, parameters: parameters, threads: nil)
    }

    /// Grows a forest on the rows of `x` on at most `threads` threads (all cores when nil); the result does not
    /// depend on the thread count.
    ///
    /// - Precondition: `x` has at least one row and one column, and `parameters.trees` ≥ 1.
    public static func fit(_ x: Matrix, parameters: Parameters, threads: Int?) -> IsolationForest {
        precondition(x.rows > 0 && x.columns > 0, "IsolationForest needs at least one row and one column")
        precondition(parameters.trees > 0, "IsolationForest needs at least one tree")
        let columns = x.columns
        let fill = (0..<columns).map { column in
            let median = Quantiles.sorted(Quantiles.sortedColumn(x, column, limit: 10_000), 0.5)
            return median.isNaN ? 0 : median
        }
        let psi = max(1, min(parameters.sampleSize, x.rows))
        let level = min(max(0, parameters.extensionLevel), columns - 1)
        let trees = ParallelChunks.map(count: parameters.trees, chunkSize: 1, threads: threads) { tree, _ in
            var random = RandomSource.stream(parameters.seed, tree)
            let picked = random.sample(psi, of: x.rows)
            var sample = [Double]()
            sample.reserveCapacity(psi * columns)
            x.values.withUnsafeBufferPointer { values in
                for row in picked {
                    for column in 0..<columns {
                        let value = values[row * columns + column]
                        sample.append(value.isNaN ? fill[column] : value)
                    }
                }
            }
            var builder = IsolationTreeBuilder(
                sample: sample, rows: psi, columns: columns, extensionLevel: level, random: random)
            return builder.build()
        }
        var nodes = ForestNodes()
        nodes.stride = level > 0 ? level + 1 : 0
        for tree in trees { nodes.append(tree) }
        return IsolationForest(
            parameters: parameters, columns: columns, effectiveSampleSize: psi, fillValues: fill, nodes: nodes)
    }

    /// The anomaly score of every row: 2^(−E[h(x)]/c(ψ)), in (0, 1], higher = more anomalous; parallel over rows.
    public func scores(_ x: Matrix) -> [Double] {
        scores(x, threads: nil)
    }

    /// ``scores(_:)`` on at most `threads` threads (all cores when nil).
    public func scores(_ x: Matrix, threads: Int?) -> [Double] {
        let normaliser = Self.averagePathLength(effectiveSampleSize)
        let lengths = averagePathLengths(x, threads: threads)
        guard normaliser > 0 else { return lengths.map { _ in 0.5 } }
        return lengths.map { exp2(-$0 / normaliser) }
    }

    /// E[h(x)] for every row, including the c(size) adjustment at leaves.
    public func averagePathLengths(_ x: Matrix) -> [Double] {
        averagePathLengths(x, threads: nil)
    }

    /// ``averagePathLengths(_:)`` on at most `threads` threads (all cores when nil).
    public func averagePathLengths(_ x: Matrix, threads: Int?) -> [Double] {
        precondition(x.columns == columns, "IsolationForest grown on \(columns) columns, got \(x.columns)")
        let forest = self
        let values = x.values
        let treeCount = Double(nodes.roots.count)
        let layout = TraversalLayout(nodes)
        return ParallelChunks.fill(count: x.rows, chunkSize: 2048, threads: threads) { range, output in
            values.withUnsafeBufferPointer { all in
                let start = range.lowerBound * forest.columns
                let end = range.upperBound * forest.columns
                let chunk = UnsafeBufferPointer(rebasing: all[start..<end])
                var imputed = [Double]()
                if chunk.contains(where: \.isNaN) {
                    imputed = Array(chunk)
                    for index in imputed.indices where imputed[index].isNaN {
                        imputed[index] = forest.fillValues[index % forest.columns]
                    }
                }
                let target = UnsafeMutableBufferPointer(rebasing: output[range])
                if imputed.isEmpty {
                    forest.accumulatePathLengths(chunk, layout: layout, into: target)
                } else {
                    imputed.withUnsafeBufferPointer { forest.accumulatePathLengths($0, layout: layout, into: target) }
                }
                for index in target.indices { target[index] /= treeCount }
            }
        }
    }

    /// Adds every tree's path length for each row of `rows` (contiguous, no missing values) to `sums`.
    private func accumulatePathLengths(
        _ rows: UnsafeBufferPointer<Double>, layout: TraversalLayout, into sums: UnsafeMutableBufferPointer<Double>
    ) {
        if nodes.stride == 0 {
            accumulateAxisParallel(rows, layout: layout, into: sums)
        } else {
            accumulateExtended(rows, layout: layout, into: sums)
        }
    }

    /// Axis-parallel trees walked without branches: every row takes exactly the tree's depth in steps, a leaf
    /// stepping to itself, and four rows go down each tree together so that their memory loads overlap.
    private func accumulateAxisParallel(
        _ rows: UnsafeBufferPointer<Double>, layout: TraversalLayout, into sums: UnsafeMutableBufferPointer<Double>
    ) {
        let columns = columns
        let count = sums.count
        layout.steps.withUnsafeBufferPointer { steps in
            layout.leafValues.withUnsafeBufferPointer { leafValues in
                for (tree, rootIndex) in nodes.roots.enumerated() {
                    let root = Int(rootIndex)
                    let depth = layout.depths[tree]
                    var row = 0
                    while row + 4 <= count {
                        let b0 = row * columns
                        let b1 = b0 + columns
                        let b2 = b1 + columns
                        let b3 = b2 + columns
                        var n0 = root
                        var n1 = root
                        var n2 = root
                        var n3 = root
                        for _ in 0..<depth {
                            let s0 = steps[n0]
                            let s1 = steps[n1]
                            let s2 = steps[n2]
                            let s3 = steps[n3]
                            n0 = Int(s0.next) &+ (rows[b0 &+ Int(s0.feature)] > s0.threshold ? 1 : 0)
                            n1 = Int(s1.next) &+ (rows[b1 &+ Int(s1.feature)] > s1.threshold ? 1 : 0)
                            n2 = Int(s2.next) &+ (rows[b2 &+ Int(s2.feature)] > s2.threshold ? 1 : 0)
                            n3 = Int(s3.next) &+ (rows[b3 &+ Int(s3.feature)] > s3.threshold ? 1 : 0)
                        }
                        sums[row] += leafValues[n0]
                        sums[row + 1] += leafValues[n1]
                        sums[row + 2] += leafValues[n2]
                        sums[row + 3] += leafValues[n3]
                        row += 4
                    }
                    while row < count {
                        let base = row * columns
                        var node = root
                        for _ in 0..<depth {
                            let step = steps[node]
                            node = Int(step.next) &+ (rows[base &+ Int(step.feature)] > step.threshold ? 1 : 0)
                        }
                        sums[row] += leafValues[node]
                        row += 1
                    }
                }
            }
        }
    }

    /// Extended trees, walked without branches like axis-parallel ones, two rows at a time; a leaf projects the row
    /// on hyperplane 0 and compares with +∞, so it stays put.
    private func accumulateExtended(
        _ rows: UnsafeBufferPointer<Double>, layout: TraversalLayout, into sums: UnsafeMutableBufferPointer<Double>
    ) {
        let columns = columns
        let count = sums.count
        let stride = nodes.stride
        layout.steps.withUnsafeBufferPointer { steps in
            layout.leafValues.withUnsafeBufferPointer { leafValues in
                nodes.normals.withUnsafeBufferPointer { normals in
                    nodes.planeColumns.withUnsafeBufferPointer { planeColumns in
                        for (tree, rootIndex) in nodes.roots.enumerated() {
                            let root = Int(rootIndex)
                            let depth = layout.depths[tree]
                            var row = 0
                            while row + 2 <= count {
                                let b0 = row * columns
                                let b1 = b0 + columns
                                var n0 = root
                                var n1 = root
                                for _ in 0..<depth {
                                    let s0 = steps[n0]
                                    let s1 = steps[n1]
                                    var dot0 = 0.0
                                    var dot1 = 0.0
                                    var slot0 = Int(s0.feature) &* stride
                                    var slot1 = Int(s1.feature) &* stride
                                    for _ in 0..<stride {
                                        dot0 += normals[slot0] * rows[b0 &+ Int(planeColumns[slot0])]
                                        dot1 += normals[slot1] * rows[b1 &+ Int(planeColumns[slot1])]
                                        slot0 &+= 1
                                        slot1 &+= 1
                                    }
                                    n0 = Int(s0.next) &+ (dot0 > s0.threshold ? 1 : 0)
                                    n1 = Int(s1.next) &+ (dot1 > s1.threshold ? 1 : 0)
                                }
                                sums[row] += leafValues[n0]
                                sums[row + 1] += leafValues[n1]
                                row += 2
                            }
                            while row < count {
                                let base = row * columns
                                var node = root
                                for _ in 0..<depth {
                                    let step = steps[node]
                                    var dot = 0.0
                                    let first = Int(step.feature) &* stride
                                    for slot in first..<first &+ stride {
                                        dot += normals[slot] * rows[base &+ Int(planeColumns[slot])]
                                    }
                                    node = Int(step.next) &+ (dot > step.threshold ? 1 : 0)
                                }
                                sums[row] += leafValues[node]
                                row += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Per-feature contribution to how quickly `row` is isolated (non-negative, summing to ~1): used to explain a
    /// score.
    ///
    /// In every tree, each split on the row's path credits the columns it tested with 1 / (that tree's path length
    /// for the row), so splits on short paths, the ones that isolate the row, weigh most; an extended split shares its
    /// credit among its columns in proportion to the magnitude of their coefficients. The credits are normalised to sum
    /// to 1 (equal shares when no split was met). Missing values are filled as in scoring.
    public func contributions(of row: [Double]) -> [Double] {
        precondition(row.count == columns, "IsolationForest grown on \(columns) columns, got a row of \(row.count)")
        let values = row.enumerated().map { $0.element.isNaN ? fillValues[$0.offset] : $0.element }
        var credit = [Double](repeating: 0, count: columns)
        var path = [Int]()
        for root in nodes.roots {
            path.removeAll(keepingCapacity: true)
            var node = Int(root)
            while nodes.feature[node] >= 0 {
                path.append(node)
                node = Int(project(values, node) <= nodes.threshold[node] ? nodes.left[node] : nodes.right[node])
            }
            let length = nodes.threshold[node]
            guard length > 0, !path.isEmpty else { continue }
            let weight = 1 / length
            for split in path {
                let plane = Int(nodes.feature[split])
                if nodes.stride == 0 {
                    credit[plane] += weight
                } else {
                    let slots = plane * nodes.stride..<(plane + 1) * nodes.stride
                    let total = slots.reduce(0.0) { $0 + abs(nodes.normals[$1]) }
                    guard total > 0 else { continue }
                    for slot in slots {
                        credit[Int(nodes.planeColumns[slot])] += weight * abs(nodes.normals[slot]) / total
                    }
                }
            }
        }
        let sum = credit.reduce(0, +)
        guard sum > 0 else { return Array(repeating: 1 / Double(columns), count: columns) }
        return credit.map { $0 / sum }
    }

    /// The value a split node compares with its threshold, for one row.
    private func project(_ row: [Double], _ node: Int) -> Double {
        let plane = Int(nodes.feature[node])
        if nodes.stride == 0 { return row[plane] }
        var dot = 0.0
        for slot in plane * nodes.stride..<(plane + 1) * nodes.stride {
            dot += nodes.normals[slot] * row[Int(nodes.planeColumns[slot])]
        }
        return dot
    }
}
