/// Grows one isolation tree on a small sample held contiguously, row after row.
struct IsolationTreeBuilder {
    let sample: [Double]
    let rows: Int
    let columns: Int
    let extensionLevel: Int
    let maxDepth: Int
    var random: RandomSource
    var nodes = ForestNodes()
    private var order: [Int]
    private var low: [Double]
    private var high: [Double]
    private var projection: [Double]

    init(sample: [Double], rows: Int, columns: Int, extensionLevel: Int, random: RandomSource) {
        self.sample = sample
        self.rows = rows
        self.columns = columns
        self.extensionLevel = min(extensionLevel, max(0, columns - 1))
        self.maxDepth = Self.ceilLog2(max(2, rows))
        self.random = random
        self.order = Array(0..<rows)
        self.low = Array(repeating: 0, count: columns)
        self.high = Array(repeating: 0, count: columns)
        self.projection = Array(repeating: 0, count: rows)
        nodes.stride = self.extensionLevel > 0 ? self.extensionLevel + 1 : 0
    }

    static func ceilLog2(_ n: Int) -> Int {
        var depth = 0
        while (1 << depth) < n { depth += 1 }
        return depth
    }

    /// Grows the tree and returns its nodes, root first, numbered from 0.
    /// Both children of a split are numbered next to each other (the right one is the left one + 1).
    mutating func build() -> ForestNodes {
        let root = allocate()
        grow(root, 0, rows, depth: 0)
        return nodes
    }

    private mutating func allocate() -> Int {
        nodes.feature.append(-1)
        nodes.threshold.append(0)
        nodes.left.append(-1)
        nodes.right.append(-1)
        nodes.size.append(0)
        return nodes.feature.count - 1
    }

    private mutating func leaf(_ index: Int, _ count: Int, depth: Int) {
        nodes.threshold[index] = Double(depth) + IsolationForest.averagePathLength(count)
        nodes.size[index] = Int32(count)
    }

    /// Grows the subtree rooted at node `index` over `order[start..<end]`.
    private mutating func grow(_ index: Int, _ start: Int, _ end: Int, depth: Int) {
        let count = end - start
        if count <= 1 || depth >= maxDepth { return leaf(index, count, depth: depth) }
        // Range of every column within the node.
        for column in 0..<columns {
            low[column] = .infinity
            high[column] = -.infinity
        }
        for position in start..<end {
            let base = order[position] * columns
            for column in 0..<columns {
                let value = sample[base + column]
                if value < low[column] { low[column] = value }
                if value > high[column] { high[column] = value }
            }
        }
        var varying = [Int]()
        for column in 0..<columns where high[column] > low[column] { varying.append(column) }
        if varying.isEmpty { return leaf(index, count, depth: depth) }
        nodes.size[index] = Int32(count)

        var split = start
        if nodes.stride == 0 {
            let column = varying[random.below(varying.count)]
            var threshold = low[column] + random.unit() * (high[column] - low[column])
            if !(threshold < high[column]) { threshold = low[column] }
            nodes.feature[index] = Int32(column)
            nodes.threshold[index] = threshold
            for position in start..<end where sample[order[position] * columns + column] <= threshold {
                order.swapAt(position, split)
                split += 1
            }
        } else {
            let plane = Int32(nodes.normals.count / nodes.stride)
            let chosen = random.sample(nodes.stride, of: columns)
            var offset = 0.0
            for column in chosen {
                let coefficient = random.gaussian()
                let point = low[column] + random.unit() * (high[column] - low[column])
                offset += coefficient * point
                nodes.normals.append(coefficient)
                nodes.planeColumns.append(Int32(column))
            }
            nodes.feature[index] = plane
            nodes.threshold[index] = offset
            for position in start..<end {
                let base = order[position] * columns
                var dot = 0.0
                for (slot, column) in chosen.enumerated() {
                    dot += nodes.normals[Int(plane) * nodes.stride + slot] * sample[base + column]
                }
                if dot <= offset {
                    order.swapAt(position, split)
                    split += 1
                }
            }
        }
        let left = allocate()
        let right = allocate()
        nodes.left[index] = Int32(left)
        nodes.right[index] = Int32(right)
        grow(left, start, split, depth: depth + 1)
        grow(right, split, end, depth: depth + 1)
    }
}
