/// Every node of every tree of an isolation forest, as parallel flat arrays (struct of arrays).
///
/// A node is a split when `feature[node] >= 0` and a leaf otherwise. A split sends a row to `left[node]` when its
/// projection is at most `threshold[node]`, else to `right[node]`, which is always `left[node] + 1`. For axis-parallel
/// splits the projection is the row's value in column `feature[node]`; for extended splits `feature[node]` numbers a
/// hyperplane whose `stride` coefficients are `normals[plane * stride ..< (plane + 1) * stride]` over the columns in
/// `planeColumns` at the same positions. A leaf stores in `threshold` the path length it contributes: its depth plus
/// c(`size`), the expected depth of the part of the tree its `size` training rows would have grown further.
struct ForestNodes: Sendable, Codable, Hashable {
    var feature: [Int32] = []
    var threshold: [Double] = []
    var left: [Int32] = []
    var right: [Int32] = []
    var size: [Int32] = []
    /// The index of each tree's root node.
    var roots: [Int32] = []
    /// Coefficients per extended split (empty for axis-parallel forests).
    var normals: [Double] = []
    /// The columns the coefficients apply to.
    var planeColumns: [Int32] = []
    /// Coefficients per hyperplane (extension level + 1), 0 for axis-parallel forests.
    var stride: Int = 0

    /// What makes these nodes unfit to score rows of `columns` values, or nil when they are well formed: equal array
    /// lengths, in-range columns and hyperplanes, and children numbered after their parent with right = left + 1.
    func problem(columns: Int) -> String? {
        let count = feature.count
        guard columns > 0, threshold.count == count, left.count == count, right.count == count, size.count == count
        else {
            return "node arrays of different lengths"
        }
        guard !roots.isEmpty, roots.allSatisfy({ $0 >= 0 && Int($0) < count }) else { return "a root out of range" }
        guard stride >= 0, stride <= columns, normals.count == planeColumns.count,
            stride == 0 ? normals.isEmpty : normals.count % stride == 0
        else { return "hyperplanes of the wrong shape" }
        guard planeColumns.allSatisfy({ $0 >= 0 && Int($0) < columns }) else {
            return "a hyperplane column out of range"
        }
        let limit = stride == 0 ? columns : normals.count / max(1, stride)
        for node in 0..<count where feature[node] >= 0 {
            guard Int(feature[node]) < limit else { return "node \(node) splits on a column out of range" }
            guard Int(left[node]) > node, Int(left[node]) + 1 < count, right[node] == left[node] + 1 else {
                return "node \(node) has children out of order"
            }
        }
        return nil
    }

    /// Appends `tree`, shifting its node and hyperplane numbers past the ones already held.
    mutating func append(_ tree: ForestNodes) {
        let nodeBase = Int32(feature.count)
        let planeBase = Int32(stride == 0 ? 0 : normals.count / stride)
        roots.append(nodeBase)
        for node in tree.feature.indices {
            let isSplit = tree.feature[node] >= 0
            feature.append(isSplit && stride > 0 ? tree.feature[node] + planeBase : tree.feature[node])
            threshold.append(tree.threshold[node])
            left.append(isSplit ? tree.left[node] + nodeBase : -1)
            right.append(isSplit ? tree.right[node] + nodeBase : -1)
            size.append(tree.size[node])
        }
        normals.append(contentsOf: tree.normals)
        planeColumns.append(contentsOf: tree.planeColumns)
    }
}

/// One step of the branch-free walk down a tree: go to `next`, plus 1 when the row's value in column `feature` (for an
/// extended tree: its projection on hyperplane `feature`) exceeds `threshold`. A leaf steps to itself (its threshold
/// is +∞), so every walk can take the tree's full depth in steps.
struct TraversalStep {
    var threshold: Double
    var feature: Int32
    var next: Int32
}

/// The nodes of a forest packed for scoring: one 16-byte step per node, leaf path lengths beside.
struct TraversalLayout {
    var steps: [TraversalStep]
    var leafValues: [Double]
    /// Each tree's depth (the longest path from its root).
    var depths: [Int]

    init(_ nodes: ForestNodes) {
        steps = []
        steps.reserveCapacity(nodes.feature.count)
        leafValues = []
        leafValues.reserveCapacity(nodes.feature.count)
        for node in nodes.feature.indices {
            if nodes.feature[node] >= 0 {
                steps.append(
                    TraversalStep(
                        threshold: nodes.threshold[node], feature: nodes.feature[node], next: nodes.left[node]))
                leafValues.append(0)
            } else {
                steps.append(TraversalStep(threshold: .infinity, feature: 0, next: Int32(node)))
                leafValues.append(nodes.threshold[node])
            }
        }
        depths = nodes.roots.map { root in
            var deepest = 0
            var stack = [(Int(root), 0)]
            while let (node, depth) = stack.popLast() {
                deepest = max(deepest, depth)
                if nodes.feature[node] >= 0 {
                    stack.append((Int(nodes.left[node]), depth + 1))
                    stack.append((Int(nodes.right[node]), depth + 1))
                }
            }
            return deepest
        }
    }
}
