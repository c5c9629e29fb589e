public import LedgerCore
public import LedgerCrypto
internal import LedgerStorage

/// The outcome of ``Ledger/verify(progress:)``.
public struct VerificationReport: Sendable {
    /// Blocks whose header, signature, link and events root were checked.
    public let blocks: Int
    /// Events whose ID, signature, authorization, disclosures and index columns were checked.
    public let events: Int
    public let checkpoints: Int
    public let participants: Int
    /// Tree size and root recomputed from the events.
    public let treeSize: Int
    public let root: Digest
    /// Every divergence found, each with its place in ``LedgerError/context``, in ledger order: the first alone
    /// unless the verification reported all of them. Empty if the ledger verified.
    public let failures: [LedgerError]

    /// The first divergence found; `nil` if the ledger verified.
    public var failure: LedgerError? { failures.first }

    public var isValid: Bool { failures.isEmpty }
}

/// Progress of a verification: events checked out of the total.
public struct VerificationProgress: Sendable {
    public let eventsChecked: Int
    public let totalEvents: Int
}

extension Ledger {
    /// Events read and checked per step.
    static let verificationPage = 4096

    /// Recomputes the whole ledger from its signed parts and compares every stored value against
    /// what the signatures and hashes commit to: each event's ID, signature, signer's registration
    /// and role, disclosures and index columns; each block's hash, operator signature, link, events
    /// root and sizes; every Merkle node; every checkpoint; the participants table.
    ///
    /// Stops at the first divergence and names it (block height, event ID, field). With `reportingAll` it goes on
    /// past every divergence it can step over (an event, a block's sums, a stored node, a checkpoint) and reports
    /// them all, so that one bad row cannot hide others; it stops only where nothing after can be checked (a block or
    /// an event missing).
    public func verify(reportingAll: Bool = false, progress: @Sendable (VerificationProgress) -> Void = { _ in })
        async -> VerificationReport
    {
        var state = VerificationState(reportsAll: reportingAll)
        do throws(LedgerError) {
            try await verifyChain(into: &state, progress: progress)
        } catch {
            // Only a divergence nothing after can be checked past reaches here when reporting all.
            state.failures.append(error)
        }
        return state.report()
    }

    private func verifyChain(into state: inout VerificationState, progress: @Sendable (VerificationProgress) -> Void)
        async throws(LedgerError)
    {
        let operatorKey = metadata.operatorKey
        let verifier = try noteVerifier
        guard let head = try await store.head() else { throw LedgerError(.tampered, "the ledger has no blocks") }
        let totalEvents: Int
        do throws(LedgerError) {
            totalEvents = try BlockHeader(canonicalBytes: head.header).treeSize
        } catch {
            throw error.at("block \(head.height)").at("field header")
        }
        var previousHash = Digest.zero

        for height in 0...head.height {
            let blockPlace = "block \(height)"
            guard let record = try await store.blocks(height..<height + 1).first else {
                throw LedgerError(.tampered, "block \(height) is missing", context: [blockPlace])
            }
            let header: BlockHeader
            do throws(LedgerError) {
                header = try BlockHeader(canonicalBytes: record.header)
            } catch {
                throw error.at(blockPlace).at("field header")
            }
            try state.check(
                header.height == height, "header height \(header.height) differs from the row's height", blockPlace,
                "height")
            try state.check(
                record.hash == header.hash.bytes, "stored block hash differs from the hash of the header", blockPlace,
                "hash")
            try state.check(
                operatorKey.isValidSignature(record.signature, for: record.header),
                "the operator's signature on the header does not verify", blockPlace, "signature")
            try state.check(
                header.previousHash == previousHash,
                "previous-block hash \(header.previousHash) does not link to block \(height - 1) (\(previousHash))",
                blockPlace, "previous")
            let sizeBefore = state.range.size
            try state.check(
                record.firstIndex == sizeBefore,
                "first event index \(record.firstIndex) should be \(sizeBefore)", blockPlace, "first_index")
            try state.check(
                record.eventCount == header.eventCount && header.treeSize == sizeBefore + header.eventCount,
                "event count or tree size differs from the header", blockPlace, "event_count")

            var blockLeaves = [Digest]()
            blockLeaves.reserveCapacity(header.eventCount)
            var offset = 0
            while offset < header.eventCount {
                let start = record.firstIndex + offset
                let end = min(record.firstIndex + header.eventCount, start + Self.verificationPage)
                let leaves = try await verifyEvents(start..<end, height: height, state: &state)
                blockLeaves.append(contentsOf: leaves)
                offset = end - record.firstIndex
                progress(VerificationProgress(eventsChecked: state.events, totalEvents: totalEvents))
            }
            try state.check(
                Merkle.root(leafHashes: blockLeaves) == header.eventsRoot,
                "the Merkle root of the block's events differs from the header", blockPlace, "events_root")
            let sizeAfter = state.range.size
            let root = state.range.root
            try state.check(
                sizeAfter == header.treeSize,
                "the block holds \(sizeAfter - record.firstIndex) events, the header says \(header.eventCount)",
                blockPlace, "event_count")

            if let checkpoint = try await store.checkpoint(size: header.treeSize) {
                do throws(LedgerError) {
                    let opened = try Checkpoint.open(try SignedNote(parsing: checkpoint.note), verifier: verifier)
                    try state.check(
                        opened.size == header.treeSize && opened.root == root
                            && checkpoint.root == opened.root.bytes,
                        "checkpoint \(header.treeSize) does not match the recomputed tree root \(root)",
                        blockPlace, "checkpoint")
                } catch {
                    try state.record(
                        error.code == .tampered
                            ? error
                            : LedgerError(
                                .tampered, error.reason, context: [blockPlace, "checkpoint \(header.treeSize)"]))
                }
                state.checkpoints += 1
            } else {
                try state.record(
                    LedgerError(
                        .tampered, "no signed checkpoint for tree size \(header.treeSize)",
                        context: [blockPlace, "checkpoint"]))
            }
            state.blocks += 1
            previousHash = header.hash
        }

        // Nothing may exist beyond what the blocks cover.
        let size = state.range.size
        try state.check(
            try await store.events(size..<Int.max).isEmpty, "events exist beyond the last block", "events table", "seq")
        try state.check(
            try await store.blocks(head.height + 1..<Int.max).isEmpty, "blocks exist beyond the head", "blocks table",
            "height")
        // A tree of `size` leaves has `size >> level` perfect subtrees at each level.
        let expectedNodes = stride(from: store.lowestStoredMerkleLevel, to: Int.bitWidth, by: 1).reduce(0) {
            $0 + (size >> $1)
        }
        try state.check(
            try await store.merkleNodeCount() == expectedNodes, "the Merkle node table holds extra rows",
            "merkle_nodes table", "count")
        let checkpointsSeen = state.checkpoints
        try state.check(
            try await store.checkpointCount() == checkpointsSeen, "the checkpoint table holds extra rows",
            "checkpoints table", "count")
        guard let genesisOperator = state.registry.ledgerOperator, genesisOperator.publicKey == metadata.operatorKey
        else {
            throw LedgerError(
                .tampered, "the operator key in the metadata differs from the one registered in the genesis block",
                context: ["meta table", "operator_key"])
        }
        let stored = try await store.participants()
        let expected = state.registry.participants.values.sorted { $0.registeredAt < $1.registeredAt }
        for participant in expected where !stored.contains(where: { Self.sameBytes($0, participant) }) {
            throw LedgerError(
                .tampered, "participant '\(participant.id)' differs from its registration events",
                context: ["participants table", "participant \(participant.id)"])
        }
        try state.check(
            stored.count == expected.count, "the participants table holds participants never registered",
            "participants table", "count")
        state.participants = expected.count
    }

    /// Checks events `indexes` of block `height` and returns their leaf hashes.
    private func verifyEvents(_ indexes: Range<Int>, height: Int, state: inout VerificationState)
        async throws(LedgerError) -> [Digest]
    {
        let blockPlace = "block \(height)"
        let records = try await store.events(indexes)
        guard records.count == indexes.count else {
            let present = Set(records.map(\.index))
            let missing = indexes.first { !present.contains($0) } ?? indexes.lowerBound
            throw LedgerError(
                .tampered, "event at ledger index \(missing) is missing", context: [blockPlace, "index \(missing)"])
        }
        // Decode and self-consistency in parallel: statement, ID, disclosures, index columns.
        let numbered: [(Int, EventRecord)] = records.enumerated().map { ($0.offset + indexes.lowerBound, $0.element) }
        let results = try parallelMap(numbered) { pair -> Result<CheckedEvent, LedgerError> in
            Result { () throws(LedgerError) in try Self.checkedEvent(pair.1, index: pair.0, height: height) }
        }
        // An event that does not decode counts by its stored ID in the tree, so that the events after it are
        // checked against the same tree; one that decodes goes on to every other check, even with a divergence.
        var decoded = [(index: Int, event: SignedEvent)]()
        var leaves = [Digest]()
        decoded.reserveCapacity(records.count)
        leaves.reserveCapacity(records.count)
        for (offset, result) in results.enumerated() {
            switch result {
            case .success(let checked):
                if let divergence = checked.divergence { try state.record(divergence) }
                decoded.append((indexes.lowerBound + offset, checked.event))
                leaves.append(Merkle.leafHash(checked.event.id.bytes))
            case .failure(let error):
                try state.record(error)
                leaves.append(Merkle.leafHash(records[offset].id))
            }
        }
        func place(ofIndex index: Int) -> String {
            let offset = max(0, min(records.count - 1, index - indexes.lowerBound))
            return "event \(Hex.encode(records[offset].id))"
        }

        // The lot index must list exactly the input lots the statements name (own lots are index
        // columns, checked above).
        var expectedLots = [LotInput]()
        for (index, event) in decoded {
            expectedLots.append(contentsOf: IndexColumns.lotInputs(index: index, inputLots: event.inputLots))
        }
        let storedLots = try await store.lotInputs(indexes).sorted(by: LotInput.byPosition)
        let sortedExpected = expectedLots.sorted(by: LotInput.byPosition)
        if storedLots != sortedExpected {
            let firstBad = zip(storedLots, sortedExpected).first { $0 != $1 }.map { $0.1.index } ?? indexes.lowerBound
            try state.record(
                LedgerError(
                    .tampered, "the lot index differs from the input lots the statements name",
                    context: [blockPlace, place(ofIndex: firstBad), "lot_inputs"]))
        }

        // Authorization in ledger order, against the registry as it stood at each event; one event at a time when
        // every refusal is to be reported.
        let describe: @Sendable (LedgerError, SignedEvent) -> LedgerError = { error, event in
            LedgerError(.tampered, error.reason, context: [blockPlace, "event \(event.id)", "signature"])
        }
        if state.reportsAll {
            for (index, event) in decoded {
                do throws(LedgerError) {
                    _ = try state.registry.admit([event], firstIndex: index, describe: describe)
                } catch {
                    try state.record(error)
                }
            }
        } else {
            _ = try state.registry.admit(decoded.map(\.event), firstIndex: indexes.lowerBound, describe: describe)
        }

        // Merkle: extend the tree and compare every perfect subtree the store keeps (those below its
        // lowest stored level are computed from the event IDs just checked).
        var completed = [Merkle.NodeID: Digest]()
        let lowestStored = store.lowestStoredMerkleLevel
        for leaf in leaves {
            for (id, hash) in state.range.append(leaf) where id.level >= lowestStored { completed[id] = hash }
        }
        let byLevel = Dictionary(grouping: completed.keys, by: \.level)
        for (level, ids) in byLevel.sorted(by: { $0.key < $1.key }) {
            let low = ids.map(\.index).min() ?? 0
            let high = (ids.map(\.index).max() ?? 0) + 1
            let stored = try await store.merkleNodes(level: level, indexes: low..<high)
            for id in ids.sorted(by: { $0.index < $1.index }) where stored[id] != completed[id] {
                let leafIndex = (id.index + 1) << id.level - 1
                try state.record(
                    LedgerError(
                        .tampered, "stored Merkle \(id) differs from the recomputed hash",
                        context: [blockPlace, place(ofIndex: leafIndex), "merkle_nodes"]))
            }
        }
        state.events += decoded.count
        return leaves
    }

    /// A stored event decoded, with the first divergence between its row and its statement, if any.
    private struct CheckedEvent: Sendable {
        let event: SignedEvent
        let divergence: LedgerError?
    }

    /// Decodes one stored event and checks its row against it: position, block, ID and index columns. Throws when
    /// the row cannot be read as an event at all.
    private static func checkedEvent(_ record: EventRecord, index expectedIndex: Int, height: Int)
        throws(LedgerError) -> CheckedEvent
    {
        let blockPlace = "block \(height)"
        let storedID = Hex.encode(record.id)
        let place = "event \(storedID.isEmpty ? "(no id)" : storedID)"
        guard record.index == expectedIndex else {
            throw LedgerError(
                .tampered, "row out of order: index \(record.index) where \(expectedIndex) was expected",
                context: [blockPlace, place, "seq"])
        }
        guard record.blockHeight == height else {
            throw LedgerError(
                .tampered, "recorded in block \(record.blockHeight) but lies in block \(height)",
                context: [blockPlace, place, "block_height"])
        }
        let event: SignedEvent
        do throws(LedgerError) {
            event = try record.decode()
        } catch {
            throw LedgerError(
                .tampered, error.reason,
                context: [blockPlace, place] + (error.context.isEmpty ? ["statement"] : error.context))
        }
        guard event.id.bytes == record.id else {
            return CheckedEvent(
                event: event,
                divergence: LedgerError(
                    .tampered, "stored event ID differs from SHA-256 of the statement (\(event.id))",
                    context: [blockPlace, place, "id"]))
        }
        if let differing = record.columns.firstDifference(from: IndexColumns(event.header)) {
            return CheckedEvent(
                event: event,
                divergence: LedgerError(
                    .tampered, "index column '\(differing)' differs from the signed statement",
                    context: [blockPlace, place, differing]))
        }
        return CheckedEvent(event: event, divergence: nil)
    }

    /// Participants equal field for field, names compared as UTF-8 bytes.
    private static func sameBytes(_ lhs: Participant, _ rhs: Participant) -> Bool {
        lhs == rhs && Array(lhs.id.utf8) == Array(rhs.id.utf8) && Array(lhs.name.utf8) == Array(rhs.name.utf8)
    }

}

/// What verification has rebuilt so far.
private struct VerificationState {
    var registry = ParticipantRegistry()
    var range = CompactRange()
    var blocks = 0
    var events = 0
    var checkpoints = 0
    var participants = 0

    /// Whether verification goes on past the divergences it can step over.
    let reportsAll: Bool
    /// The divergences recorded so far.
    var failures = [LedgerError]()

    init(reportsAll: Bool) {
        self.reportsAll = reportsAll
    }

    /// Records `error` when every divergence is to be reported, and throws it otherwise.
    mutating func record(_ error: LedgerError) throws(LedgerError) {
        guard reportsAll else { throw error }
        failures.append(error)
    }

    /// Records a divergence at `place` and `field` unless `condition` holds.
    mutating func check(_ condition: Bool, _ reason: @autoclosure () -> String, _ place: String, _ field: String)
        throws(LedgerError)
    {
        guard condition else {
            return try record(LedgerError(.tampered, reason(), context: [place, "field \(field)"]))
        }
    }

    func report() -> VerificationReport {
        VerificationReport(
            blocks: blocks, events: events, checkpoints: checkpoints, participants: participants, treeSize: range.size,
            root: range.root, failures: failures)
    }
}
