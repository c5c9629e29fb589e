public import LedgerCore
internal import LedgerCrypto
public import LedgerStorage

/// What a copy of a ledger did.
public struct LedgerCopySummary: Sendable {
    public let blocks: Int
    public let events: Int
    public let reports: Int
    /// The copy's verification, which must be valid and end at ``sourceCheckpoint``'s root.
    public let verification: VerificationReport
    /// The source's latest checkpoint, which the copy's latest checkpoint equals.
    public let sourceCheckpoint: SignedNote
}

/// How far a copy has come.
public struct LedgerCopyProgress: Sendable {
    public let events: Int
    public let totalEvents: Int
}

extension Ledger {
    /// Events written per statement when a copy streams a large block.
    static let copyChunk = 4096

    /// Copies this ledger, block by block and byte for byte, into the store at `address`, which must hold no ledger,
    /// then verifies the copy and checks that it ends at this ledger's latest checkpoint.
    ///
    /// Each block is written in one transaction, its events streamed in chunks, so memory stays bounded whatever a
    /// block's size; a copy that stops part way leaves whole blocks only, and is started again into an empty store.
    /// Anomaly reports stored with their anchors are copied too, with their files (definition, model); the query
    /// index is rebuilt where it is needed.
    public func copy(
        to address: LedgerAddress, progress: @escaping @Sendable (LedgerCopyProgress) -> Void = { _ in }
    ) async throws(LedgerError) -> LedgerCopySummary {
        let target = try await LedgerStores.open(address, options: StoreOptions(), create: true)
        let targetMetadata = try await target.metadata()
        let targetHead = try await target.head()
        if targetMetadata != nil || targetHead != nil {
            throw LedgerError(.alreadyExists, "\(address) already holds a ledger; a copy goes only into an empty one")
        }
        guard let head = try await store.head(), let latest = try await store.latestCheckpoint() else {
            throw LedgerError(.notFound, "the ledger has no blocks to copy")
        }
        let sourceCheckpoint = try SignedNote(parsing: latest.note)
        let participants = try await store.participants()
        let total = latest.size
        for height in 0...head.height {
            guard let block = try await store.blocks(height..<height + 1).first else {
                throw LedgerError(.tampered, "block \(height) is missing from the source")
            }
            let end = block.firstIndex + block.eventCount
            guard let checkpoint = try await store.checkpoint(size: end) else {
                throw LedgerError(
                    .tampered, "the checkpoint of block \(height) (size \(end)) is missing from the source")
            }
            // Participants the block registered or revoked, in their state right after it.
            let changed = participants.compactMap { participant -> Participant? in
                let registered = (block.firstIndex..<end).contains(participant.registeredAt)
                let revoked = participant.revokedAt.map { (block.firstIndex..<end).contains($0) } ?? false
                guard registered || revoked else { return nil }
                var state = participant
                if let revokedAt = state.revokedAt, revokedAt >= end { state.revokedAt = nil }
                return state
            }
            let seal = BlockSeal(block: block, participants: changed, checkpoint: checkpoint)
            if height == 0 {
                let rows = try await rows(block.firstIndex..<end, height: height)
                try await target.create(
                    metadata,
                    genesis: BlockWrite(
                        block: block, events: rows.events, lotInputs: rows.lotInputs, nodes: rows.nodes,
                        participants: changed, checkpoint: checkpoint))
            } else {
                try await copyBlock(seal, into: target)
            }
            progress(LedgerCopyProgress(events: end, totalEvents: total))
        }
        let reports = try await store.reports()
        for report in reports {
            try await target.saveReportFiles(try await store.reportFiles(of: report.digest))
            try await target.saveReport(report)
        }

        let copy = try await Ledger.open(store: target)
        let verification = await copy.verify()
        guard verification.isValid else {
            throw LedgerError(
                .tampered,
                "the copy does not verify: \(verification.failure.map(\.description) ?? "unknown failure")")
        }
        guard verification.treeSize == latest.size, verification.root.bytes == latest.root,
            try await copy.latestCheckpoint().serialized == sourceCheckpoint.serialized
        else {
            throw LedgerError(.tampered, "the copy does not end at the source's latest checkpoint")
        }
        return LedgerCopySummary(
            blocks: head.height + 1, events: total, reports: reports.count, verification: verification,
            sourceCheckpoint: sourceCheckpoint)
    }

    /// Writes `seal`'s block into `target` in one transaction, its events read from this ledger in chunks.
    private func copyBlock(_ seal: BlockSeal, into target: any LedgerStore) async throws(LedgerError) {
        let block = seal.block
        let end = block.firstIndex + block.eventCount
        try await target.appendBlock(height: block.height) { transaction throws(LedgerError) -> (BlockSeal?, Void) in
            for start in stride(from: block.firstIndex, to: end, by: Self.copyChunk) {
                let range = start..<min(end, start + Self.copyChunk)
                let rows = try waitBlocking { () async throws(LedgerError) in
                    try await self.rows(range, height: block.height)
                }
                try transaction.insert(events: rows.events, lotInputs: rows.lotInputs, nodes: rows.nodes)
            }
            return (seal, ())
        }
    }

    /// The stored rows of the events at `range`, of block `height`: the events, their lot index rows, and the
    /// Merkle nodes they complete at the stored levels.
    private func rows(_ range: Range<Int>, height: Int) async throws(LedgerError) -> (
        events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)]
    ) {
        let events = try await store.events(range)
        guard events.count == range.count, events.allSatisfy({ $0.blockHeight == height }) else {
            throw LedgerError(.tampered, "events \(range) of block \(height) are missing from the source")
        }
        let lotInputs = try await store.lotInputs(range)
        // A node at `level` is complete once its last leaf is placed: those of the leaves in `range`.
        var nodes = [(Merkle.NodeID, Digest)]()
        var level = store.lowestStoredMerkleLevel
        while range.upperBound >> level > range.lowerBound >> level {
            let indexes = (range.lowerBound >> level)..<(range.upperBound >> level)
            let found = try await store.merkleNodes(level: level, indexes: indexes)
            for index in indexes {
                let id = Merkle.NodeID(level: level, index: index)
                guard let hash = found[id] else {
                    throw LedgerError(.tampered, "the Merkle node \(id) is missing from the source")
                }
                nodes.append((id, hash))
            }
            level += 1
        }
        return (events, lotInputs, nodes)
    }
}
