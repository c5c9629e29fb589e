import LedgerCore
import LedgerCrypto
import TestSupport
import Testing

@Suite struct MerkleTests {
    /// The Certificate Transparency reference leaves and the root after each.
    static let leaves = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ]
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    /// (leaf index, tree size, audit path) from the same reference.
    static let inclusionVectors: [(Int, Int, [String])] = [
        (0, 1, []),
        (
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
    ]
    /// (old size, new size, consistency proof) from the same reference.
    static let consistencyVectors: [(Int, Int, [String])] = [
        (1, 1, []),
        (
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        ),
        (
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
        (
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        ),
        (
            6, 7,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        ),
    ]

    static func digest(_ hex: String) -> Digest {
        Digest(Hex.decode(hex) ?? []) ?? .zero
    }

    static var referenceLeafHashes: [Digest] { leaves.map { Merkle.leafHash(Hex.decode($0) ?? []) } }

    /// Perfect-subtree hashes of a list of leaf hashes, as a store would keep them.
    static func nodeTable(_ leafHashes: [Digest]) -> [Merkle.NodeID: Digest] {
        var range = CompactRange()
        var table = [Merkle.NodeID: Digest]()
        for leaf in leafHashes {
            for (id, hash) in range.append(leaf) { table[id] = hash }
        }
        return table
    }

    /// RFC 9162 MTH by its recursive definition: the reference for brute-force checks.
    static func referenceRoot(_ leafHashes: ArraySlice<Digest>) -> Digest {
        if leafHashes.isEmpty { return Merkle.emptyRoot }
        if leafHashes.count == 1 { return leafHashes[leafHashes.startIndex] }
        var k = 1
        while k * 2 < leafHashes.count { k *= 2 }
        let middle = leafHashes.startIndex + k
        return Merkle.nodeHash(referenceRoot(leafHashes[..<middle]), referenceRoot(leafHashes[middle...]))
    }

    /// RFC 9162 PATH by its recursive definition.
    static func referencePath(_ m: Int, _ leafHashes: ArraySlice<Digest>) -> [Digest] {
        if leafHashes.count <= 1 { return [] }
        var k = 1
        while k * 2 < leafHashes.count { k *= 2 }
        let middle = leafHashes.startIndex + k
        if m < k { return referencePath(m, leafHashes[..<middle]) + [referenceRoot(leafHashes[middle...])] }
        return referencePath(m - k, leafHashes[middle...]) + [referenceRoot(leafHashes[..<middle])]
    }

    /// RFC 9162 SUBPROOF by its recursive definition.
    static func referenceSubproof(_ m: Int, _ leafHashes: ArraySlice<Digest>, _ isOriginal: Bool) -> [Digest] {
        if m == leafHashes.count { return isOriginal ? [] : [referenceRoot(leafHashes)] }
        var k = 1
        while k * 2 < leafHashes.count { k *= 2 }
        let middle = leafHashes.startIndex + k
        if m <= k {
            return referenceSubproof(m, leafHashes[..<middle], isOriginal) + [referenceRoot(leafHashes[middle...])]
        }
        return referenceSubproof(m - k, leafHashes[middle...], false) + [referenceRoot(leafHashes[..<middle])]
    }

    @Test func referenceRoots() {
        let hashes = Self.referenceLeafHashes
        for size in 1...8 {
            #expect(Merkle.root(leafHashes: Array(hashes.prefix(size))).hex == Self.roots[size - 1], "size \(size)")
        }
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func referenceInclusionProofs() {
        let hashes = Self.referenceLeafHashes
        for (index, size, expected) in Self.inclusionVectors {
            let table = Self.nodeTable(Array(hashes.prefix(size)))
            let proof = Merkle.inclusionProof(index: index, size: size) { table[$0] ?? .zero }
            #expect(proof.map(\.hex) == expected, "leaf \(index) of \(size)")
            let root = Self.digest(Self.roots[size - 1])
            #expect(Merkle.verifyInclusion(leafHash: hashes[index], index: index, size: size, proof: proof, root: root))
            #expect(
                !Merkle.verifyInclusion(leafHash: hashes[index], index: index + 1, size: size, proof: proof, root: root)
            )
            #expect(
                !Merkle.verifyInclusion(leafHash: hashes[index], index: index, size: size * 2, proof: proof, root: root)
            )
            #expect(
                !Merkle.verifyInclusion(
                    leafHash: hashes[index], index: index, size: size, proof: proof + [root], root: root))
            for position in proof.indices {
                var broken = proof
                var bytes = broken[position].bytes
                bytes[0] ^= 8
                broken[position] = Digest(bytes) ?? .zero
                #expect(
                    !Merkle.verifyInclusion(
                        leafHash: hashes[index], index: index, size: size, proof: broken, root: root))
            }
        }
    }

    @Test func referenceConsistencyProofs() {
        let hashes = Self.referenceLeafHashes
        for (oldSize, newSize, expected) in Self.consistencyVectors {
            let table = Self.nodeTable(Array(hashes.prefix(newSize)))
            let proof = Merkle.consistencyProof(from: oldSize, to: newSize) { table[$0] ?? .zero }
            #expect(proof.map(\.hex) == expected, "\(oldSize) → \(newSize)")
            let oldRoot = Self.digest(Self.roots[oldSize - 1])
            let newRoot = Self.digest(Self.roots[newSize - 1])
            #expect(
                Merkle.verifyConsistency(
                    oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof))
            if oldSize != newSize {
                #expect(
                    !Merkle.verifyConsistency(
                        oldSize: oldSize, newSize: newSize, oldRoot: newRoot, newRoot: oldRoot, proof: proof))
                #expect(
                    !Merkle.verifyConsistency(
                        oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: []))
                #expect(
                    !Merkle.verifyConsistency(
                        oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof.dropLast())
                )
            }
        }
    }

    /// Every (index, size) and every (old, new) up to 64 leaves against the recursive definitions.
    @Test func bruteForceUpTo64Leaves() {
        let hashes = (0..<64).map { Merkle.leafHash([UInt8(truncatingIfNeeded: $0), 0x5a]) }
        let table = Self.nodeTable(hashes)
        for size in 1...64 {
            let root = Self.referenceRoot(hashes[..<size])
            let resumed = CompactRange(
                size: size, roots: CompactRange.nodeIDs(forSize: size).map { table[$0] ?? .zero })
            #expect(resumed.root == root, "root of \(size)")
            #expect(Merkle.rangeHash(0, size) { table[$0] ?? .zero } == root)
            for index in 0..<size {
                let proof = Merkle.inclusionProof(index: index, size: size) { table[$0] ?? .zero }
                #expect(proof == Self.referencePath(index, hashes[..<size]), "path \(index)/\(size)")
                #expect(
                    Merkle.verifyInclusion(leafHash: hashes[index], index: index, size: size, proof: proof, root: root))
            }
            for oldSize in 1...size {
                let proof = Merkle.consistencyProof(from: oldSize, to: size) { table[$0] ?? .zero }
                if oldSize < size {
                    #expect(proof == Self.referenceSubproof(oldSize, hashes[..<size], true), "proof \(oldSize)→\(size)")
                }
                let oldRoot = Self.referenceRoot(hashes[..<oldSize])
                #expect(
                    Merkle.verifyConsistency(
                        oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof))
            }
        }
    }

    /// Random sizes up to 10^5: stored-node proofs verify against the directly computed root, and
    /// a wrong leaf does not.
    @Test func randomSizesUpTo100000() {
        var generator = SplitMix64(seed: 9162)
        let count = 100_000
        let hashes = (0..<count).map { Merkle.leafHash(withUnsafeBytes(of: UInt64($0).littleEndian, Array.init)) }
        let table = Self.nodeTable(hashes)
        for _ in 0..<200 {
            let size = Int(generator.next() % UInt64(count)) + 1
            let index = Int(generator.next() % UInt64(size))
            let root = Merkle.rangeHash(0, size) { table[$0] ?? .zero }
            let proof = Merkle.inclusionProof(index: index, size: size) { table[$0] ?? .zero }
            #expect(Merkle.verifyInclusion(leafHash: hashes[index], index: index, size: size, proof: proof, root: root))
            #expect(
                !Merkle.verifyInclusion(
                    leafHash: hashes[(index + 1) % size], index: index, size: size, proof: proof, root: root)
                    || size == 1)
            let oldSize = Int(generator.next() % UInt64(size)) + 1
            let oldRoot = Merkle.rangeHash(0, oldSize) { table[$0] ?? .zero }
            let consistency = Merkle.consistencyProof(from: oldSize, to: size) { table[$0] ?? .zero }
            #expect(
                Merkle.verifyConsistency(
                    oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: root, proof: consistency))
        }
        #expect(Merkle.root(leafHashes: hashes) == Self.referenceRoot(hashes[...]))
    }
}
