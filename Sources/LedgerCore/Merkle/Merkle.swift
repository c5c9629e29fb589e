public import LedgerCrypto

/// The ledger-wide Merkle tree over event IDs, hashed as RFC 9162 §2.1 specifies:
/// leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), the empty tree's hash is
/// SHA-256 of nothing.
///
/// Proofs are built from *perfect subtrees*: the node at ``NodeID`` `(level, index)` covers leaves
/// `[index·2^level, (index+1)·2^level)`. A store keeps every perfect subtree's hash as it is
/// completed, so any proof needs O(log n) node reads and no rehashing.
public enum Merkle {
    /// Addresses one perfect subtree.
    public struct NodeID: Hashable, Sendable, CustomStringConvertible {
        public let level: Int
        public let index: Int
        public init(level: Int, index: Int) {
            self.level = level
            self.index = index
        }
        public var description: String { "node(level \(level), index \(index))" }
    }

    /// The hash of the empty tree.
    public static let emptyRoot = SHA256.hash([UInt8]())

    public static func leafHash(_ data: [UInt8]) -> Digest {
        SHA256.hash(parts: [[0x00], data])
    }

    public static func nodeHash(_ left: Digest, _ right: Digest) -> Digest {
        SHA256.hash(parts: [[0x01], left.bytes, right.bytes])
    }

    /// The root over `leafHashes` (already leaf-hashed), computed directly.
    public static func root(leafHashes: [Digest]) -> Digest {
        var range = CompactRange()
        for leaf in leafHashes { range.append(leaf) }
        return range.root
    }

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func splitPoint(_ n: Int) -> Int {
        1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    /// The hash of leaves `[start, end)` where the range is one that RFC 9162's recursion visits
    /// (its start aligned to the largest power of two within it), from perfect-subtree hashes.
    public static func rangeHash<E: Error>(
        _ start: Int, _ end: Int, node: (NodeID) throws(E) -> Digest
    ) throws(E) -> Digest {
        let count = end - start
        if count == 0 { return emptyRoot }
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return try node(NodeID(level: level, index: start >> level))
        }
        let k = splitPoint(count)
        let left = try rangeHash(start, start + k, node: node)
        let right = try rangeHash(start + k, end, node: node)
        return nodeHash(left, right)
    }

    /// RFC 9162 PATH(m, D[n]): the inclusion proof of leaf `index` in the tree of `size` leaves.
    public static func inclusionProof<E: Error>(
        index: Int, size: Int, node: (NodeID) throws(E) -> Digest
    ) throws(E) -> [Digest] {
        precondition(index >= 0 && index < size, "leaf index out of range")
        var proof = [Digest]()
        func path(_ start: Int, _ end: Int) throws(E) {
            let count = end - start
            if count <= 1 { return }
            let k = splitPoint(count)
            if index - start < k {
                try path(start, start + k)
                proof.append(try rangeHash(start + k, end, node: node))
            } else {
                try path(start + k, end)
                proof.append(try rangeHash(start, start + k, node: node))
            }
        }
        try path(0, size)
        return proof
    }

    /// RFC 9162 PROOF(m, D[n]): the consistency proof from the tree of `oldSize` leaves to the tree
    /// of `newSize` leaves (0 < oldSize ≤ newSize).
    public static func consistencyProof<E: Error>(
        from oldSize: Int, to newSize: Int, node: (NodeID) throws(E) -> Digest
    ) throws(E) -> [Digest] {
        precondition(oldSize > 0 && oldSize <= newSize, "consistency needs 0 < old size ≤ new size")
        var proof = [Digest]()
        func subproof(_ m: Int, _ start: Int, _ end: Int, _ isOriginal: Bool) throws(E) {
            let count = end - start
            if m == count {
                if !isOriginal { proof.append(try rangeHash(start, end, node: node)) }
                return
            }
            let k = splitPoint(count)
            if m <= k {
                try subproof(m, start, start + k, isOriginal)
                proof.append(try rangeHash(start + k, end, node: node))
            } else {
                try subproof(m - k, start + k, end, false)
                proof.append(try rangeHash(start, start + k, node: node))
            }
        }
        if oldSize < newSize { try subproof(oldSize, 0, newSize, true) }
        return proof
    }

    /// RFC 9162 §2.1.3.2: whether `proof` shows `leafHash` at `index` in the tree of `size` leaves
    /// with root `root`.
    public static func verifyInclusion(leafHash: Digest, index: Int, size: Int, proof: [Digest], root: Digest) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: whether `proof` shows that the tree of `newSize` leaves with `newRoot`
    /// extends the tree of `oldSize` leaves with `oldRoot`.
    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: Digest, newRoot: Digest, proof: [Digest])
        -> Bool
    {
        guard oldSize >= 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        guard oldSize > 0, !proof.isEmpty else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }
}

/// The right edge of a Merkle tree: the roots of the perfect subtrees that make up its leaves,
/// largest first. Enough to append leaves, list the perfect subtrees each append completes, and
/// compute the root, in O(log n) memory.
public struct CompactRange: Sendable, Equatable {
    /// Number of leaves covered.
    public private(set) var size: Int
    /// Roots of the perfect subtrees, largest first; one per set bit of ``size``.
    public private(set) var roots: [Digest]

    public init() {
        size = 0
        roots = []
    }

    /// A range resumed from stored perfect-subtree hashes (see ``nodeIDs(forSize:)``).
    public init(size: Int, roots: [Digest]) {
        precondition(roots.count == size.nonzeroBitCount, "one root per set bit of the size")
        self.size = size
        self.roots = roots
    }

    /// The perfect subtrees whose roots make up a range of `size` leaves, largest first.
    public static func nodeIDs(forSize size: Int) -> [Merkle.NodeID] {
        var ids = [Merkle.NodeID]()
        var start = 0
        for level in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << level) != 0 {
            ids.append(Merkle.NodeID(level: level, index: start >> level))
            start += 1 << level
        }
        return ids
    }

    /// Appends one leaf hash and returns every perfect subtree it completes, the leaf itself first.
    @discardableResult
    public mutating func append(_ leafHash: Digest) -> [(Merkle.NodeID, Digest)] {
        var completed = [(Merkle.NodeID(level: 0, index: size), leafHash)]
        var hash = leafHash
        var level = 0
        var index = size
        while index & 1 == 1 {
            // The smallest existing root is the left sibling of the subtree just completed.
            let left = roots.removeLast()
            hash = Merkle.nodeHash(left, hash)
            level += 1
            index >>= 1
            completed.append((Merkle.NodeID(level: level, index: index), hash))
        }
        roots.append(hash)
        size += 1
        return completed
    }

    /// The tree's root hash.
    public var root: Digest {
        guard var hash = roots.last else { return Merkle.emptyRoot }
        for left in roots.dropLast().reversed() { hash = Merkle.nodeHash(left, hash) }
        return hash
    }
}
