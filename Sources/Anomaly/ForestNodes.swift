/// Every node of every tree of an isolation forest, as parallel flat arrays (struct of arrays).
///
/// A node is a split when `feature[node] >= 0` and a leaf otherwise. A split sends a row to `left[node]` when its
/// projection is at most `threshold[node]`, else to `right[node]`. For axis-parallel splits the projection is the row's
/// value in column `feature[node]`; for extended splits `feature[node]` numbers a hyperplane whose `stride`
/// coefficients are `normals[plane * stride ..< (plane + 1) * stride]` over the columns in `planeColumns` at the same
/// positions. A leaf stores in `threshold` the path length it contributes: its depth plus c(`size`), the expected
/// depth of the part of the tree its `size` training rows would have grown further.
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
