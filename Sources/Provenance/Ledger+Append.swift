public import LedgerCore
public import LedgerCrypto
internal import LedgerStorage

/// What an append did.
public struct AppendReceipt: Sendable {
    /// Events written (in a new block).
    public let appended: [SignedEvent]
    /// Records already in the ledger with identical content, skipped.
    public let duplicates: [SignedEvent]
    /// The new block, or `nil` if everything was a duplicate.
    public let block: SealedBlock?
    /// The ledger index of the first appended event.
    public let firstIndex: Int?
    /// The checkpoint signed after the append (or the current one if nothing was appended).
    public let checkpoint: SignedNote?
}

/// A block ready to write, with everything derived from it.
struct BlockPlan {
    let write: BlockWrite
    let sealed: SealedBlock
    let note: SignedNote
}

/// A block's events placed after the head it was planned on, not yet sealed.
struct PlacedBlock: Sendable {
    let rows: BlockRows
    let previous: BlockHeader?
    let records: [EventRecord]
    let lotInputs: [LotInput]
    let nodes: [(Merkle.NodeID, Digest)]
    /// Participants the block registers or revokes, in their new state.
    let participants: [Participant]
}

extension Ledger {
    /// Signs `contents` with `key` as the participant registered with that key, and appends them as
    /// one block.
    ///
    /// Records already in the ledger with identical content are skipped (re-importing is a no-op);
    /// a record ID already used by this signer with different content is refused as a conflict.
    /// Any refused record refuses the whole batch: nothing is written.
    public func append(_ contents: [EventContent], signedWith key: Ed25519.PrivateKey) async throws(LedgerError)
        -> AppendReceipt
    {
        let signer = try await registry().signer(of: key)
        let eventSigner = EventSigner(participant: signer.id, key: key)
        let events = try await offThePool { () throws(LedgerError) in
            try parallelMap(contents) { content throws(LedgerError) in try eventSigner.sign(content) }
        }
        // Signed here: their signatures need no re-check while the signer's registered key is still this one.
        return try await append(signed: events, contents: contents, signedWith: key.publicKey)
    }

    /// Appends events that their submitters already signed, as one block. Every signature is
    /// checked against the signer's registered key, and every event is admitted as a record read
    /// from a file is: its content must pass the event schema in canonical form, with each sensitive
    /// field committed and disclosed (``SignedEvent/admissibleContent()``), then the ledger's checks
    /// (``Admission``).
    public func append(signed events: [SignedEvent]) async throws(LedgerError) -> AppendReceipt {
        var contents = [EventContent]()
        contents.reserveCapacity(events.count)
        for (position, event) in events.enumerated() {
            do {
                contents.append(try event.admissibleContent())
            } catch {
                throw error.at(Self.batchEntry(position))
            }
        }
        return try await append(signed: events, contents: contents, signedWith: nil)
    }

    /// How an error names the event at `position` of a batch.
    static func batchEntry(_ position: Int) -> String { "batch entry \(position + 1)" }

    /// The idempotency key of a record: its signer and record ID.
    private static func recordKey(_ signer: String, _ recordID: String) -> String {
        signer + "\u{0}" + recordID
    }

    /// Appends `events`, whose contents are `contents`, in the same order; `signingKey` is the key this process
    /// signed them all with, if it did.
    private func append(
        signed events: [SignedEvent], contents: [EventContent], signedWith signingKey: Ed25519.PublicKey?
    ) async throws(LedgerError) -> AppendReceipt {
        try await writerGate.serialize { () async throws(LedgerError) in
            try await self.retryingWhileTheHeadMoves { () async throws(LedgerError) in
                try await self.appendSerialized(signed: events, contents: contents, signedWith: signingKey)
            }
        }
    }

    /// How many times an append is planned again on a new head when other processes appended first. Each time one of
    /// the writers that raced wins, so this bounds the blocks others may land while one writer waits.
    static let headRetries = 64

    /// Runs `attempt`, and again (up to ``headRetries`` more times) each time it fails because another process
    /// appended a block first: each attempt reads the head and everything it checks against from the store. The
    /// attempts are spaced by a random pause that grows with each (up to 50 ms), so that racing writers spread out.
    func retryingWhileTheHeadMoves<T>(_ attempt: () async throws(LedgerError) -> T) async throws(LedgerError) -> T {
        var retries = 0
        while true {
            do {
                return try await attempt()
            } catch  where error.code == .headMoved && retries < Self.headRetries {
                retries += 1
                let pause = Int.random(in: 0...min(50, 1 << min(retries, 6)))
                try? await Task.sleep(for: .milliseconds(pause))
            }
        }
    }

    private func appendSerialized(
        signed events: [SignedEvent], contents: [EventContent], signedWith signingKey: Ed25519.PublicKey?
    ) async throws(LedgerError) -> AppendReceipt {
        let operatorKey = try requireOperatorKey()
        // The head first: everything read after it (records, facilities, participants) is at least as new, and if a
        // block lands after it the store refuses this one, which is then planned again.
        let head = try await store.head().map { record throws(LedgerError) in
            try BlockHeader(canonicalBytes: record.header)
        }
        guard !events.isEmpty else {
            throw LedgerError(.invalidRecord, "nothing to append: the batch holds no events")
        }
        var seen = [String: Int]()
        for (position, event) in events.enumerated() {
            let key = Self.recordKey(event.header.signer, event.header.recordID)
            if let first = seen[key] {
                throw LedgerError(
                    .invalidRecord,
                    "record_id '\(event.header.recordID)' appears twice in the batch (entries \(first + 1) and \(position + 1))",
                    context: ["record \(event.header.recordID)"])
            }
            seen[key] = position
        }

        // Idempotency: identical records are skipped, changed ones refused.
        var fresh = [SignedEvent]()
        var freshContents = [(position: Int, content: EventContent)]()
        var duplicates = [SignedEvent]()
        let bySigner = Dictionary(grouping: events, by: \.header.signer)
        var existing = [String: EventRecord]()
        for (signer, group) in bySigner {
            for record in try await store.events(signer: signer, recordIDs: group.map(\.header.recordID)) {
                existing[Self.recordKey(signer, record.columns.recordID)] = record
            }
        }
        for (position, event) in events.enumerated() {
            guard let stored = existing[Self.recordKey(event.header.signer, event.header.recordID)] else {
                fresh.append(event)
                freshContents.append((position, contents[position]))
                continue
            }
            guard stored.id == event.id.bytes else {
                throw LedgerError(
                    .conflict,
                    "record_id '\(event.header.recordID)' was already imported by '\(event.header.signer)' with different content (event \(Hex.encode(stored.id).prefix(16))…); use a new record_id for a new fact",
                    context: ["record \(event.header.recordID)"])
            }
            duplicates.append(event)
        }
        guard !fresh.isEmpty else {
            let latest = try await store.latestCheckpoint()
            return AppendReceipt(
                appended: [], duplicates: duplicates, block: nil, firstIndex: nil,
                checkpoint: try latest.map { record throws(LedgerError) in try SignedNote(parsing: record.note) })
        }

        var admission = Admission(now: clock())
        try await admission.load(for: freshContents.map(\.content), from: self)

        let registry = try await self.registry()
        // Events this process signed need no signature check while their signer's registered key is the one used.
        let signaturesKnownValid =
            signingKey.map { key in fresh.allSatisfy { registry.participants[$0.header.signer]?.publicKey == key } }
            ?? false
        let frontier = try await frontier(size: head?.treeSize ?? 0)
        let previousCheckpoint = try await store.latestCheckpoint()
        let placed = try placeBlock(
            events: fresh, registry: registry, previous: head, frontier: frontier,
            previousCheckpoint: previousCheckpoint,
            signaturesKnownValid: signaturesKnownValid, admitting: (admission, freshContents))
        let receiptParts = (fresh, duplicates)
        return try await store.appendBlock(height: placed.rows.blockHeight) { transaction throws(LedgerError) in
            try transaction.insert(events: placed.records, lotInputs: placed.lotInputs, nodes: placed.nodes)
            // Sealed only now that the store has locked the head and found the one this block extends: a block
            // planned on a head that moved is never signed, so no two signed checkpoints disagree.
            let sealed = try self.seal(placed.rows, after: placed.previous, key: operatorKey)
            let seal = BlockSeal(block: sealed.block, participants: placed.participants, checkpoint: sealed.checkpoint)
            return (
                seal,
                AppendReceipt(
                    appended: receiptParts.0, duplicates: receiptParts.1, block: sealed.sealed,
                    firstIndex: placed.rows.firstIndex, checkpoint: sealed.note)
            )
        }
    }

    /// The compact range of the ledger tree at `size`, from stored perfect-subtree hashes.
    func frontier(size: Int) async throws(LedgerError) -> CompactRange {
        let ids = CompactRange.nodeIDs(forSize: size)
        let nodes = try await store.merkleNodes(ids)
        var roots = [Digest]()
        for id in ids {
            guard let hash = nodes[id] else {
                throw LedgerError(.tampered, "the Merkle node \(id) is missing; run 'prov verify'")
            }
            roots.append(hash)
        }
        return CompactRange(size: size, roots: roots)
    }

    /// Refuses to go on when the stored tree no longer matches the last signed checkpoint: the
    /// operator never signs a checkpoint that does not extend the last one it signed.
    static func checkExtends(_ previousCheckpoint: CheckpointRecord?, frontier: CompactRange) throws(LedgerError) {
        guard let previousCheckpoint else { return }
        // A later checkpoint than the tree read: another writer appended in between.
        if previousCheckpoint.size > frontier.size {
            throw LedgerError(
                .headMoved,
                "another writer appended up to size \(previousCheckpoint.size) while this block was planned at size \(frontier.size)"
            )
        }
        guard previousCheckpoint.size == frontier.size, previousCheckpoint.root == frontier.root.bytes else {
            throw LedgerError(
                .tampered,
                "the stored tree (size \(frontier.size)) does not match the last signed checkpoint (size \(previousCheckpoint.size)); refusing to sign a new one; run 'prov verify'"
            )
        }
    }

    /// Seals the block of `rows` after `previous` with the operator's key and signs the checkpoint
    /// of the extended tree.
    func seal(_ rows: BlockRows, after previous: BlockHeader?, key: Ed25519.PrivateKey) throws(LedgerError)
        -> SealedRows
    {
        let header = BlockHeader(
            height: rows.blockHeight, previousHash: previous?.hash ?? .zero, eventsRoot: rows.blockTree.root,
            eventCount: rows.eventCount,
            treeSize: rows.tree.size, recordedAt: clock())
        let sealed = try SealedBlock.seal(header, key: key)
        let note = try Checkpoint(origin: metadata.origin, size: rows.tree.size, root: rows.tree.root).signed(
            by: key, name: metadata.origin)
        let block = BlockRecord(
            height: header.height, hash: header.hash.bytes, header: header.canonicalBytes, signature: sealed.signature,
            firstIndex: rows.firstIndex, eventCount: rows.eventCount)
        let checkpoint = CheckpointRecord(size: rows.tree.size, root: rows.tree.root.bytes, note: note.serialized)
        return SealedRows(sealed: sealed, note: note, block: block, checkpoint: checkpoint)
    }

    /// Authorizes `events` in order against `registry`, places them in a block after `previous` and extends the
    /// tree, without sealing it. Pure: nothing is signed or written.
    ///
    /// - Parameter admitting: the ledger's checks, loaded for the events, and each event's content with its
    ///   position in the batch; they run after the signatures and roles are checked, so that a refusal never
    ///   tells an unauthorized signer anything about the ledger.
    func placeBlock(
        events: [SignedEvent], registry startRegistry: ParticipantRegistry, previous previousHeader: BlockHeader?,
        frontier: CompactRange,
        previousCheckpoint: CheckpointRecord?, signaturesKnownValid: Bool = false,
        admitting: (admission: Admission, contents: [(position: Int, content: EventContent)])? = nil
    ) throws(LedgerError) -> PlacedBlock {
        _ = try requireOperatorKey()

        var registry = startRegistry
        let changed = try registry.admit(events, firstIndex: frontier.size, checkingSignatures: !signaturesKnownValid)
        if var admission = admitting?.admission, let contents = admitting?.contents {
            for ((position, content), event) in zip(contents, events) {
                if let refusal = admission.admit(content, signer: event.header.signer) {
                    throw refusal.error(record: content.recordID).at(Self.batchEntry(position))
                }
            }
        }

        try Self.checkExtends(previousCheckpoint, frontier: frontier)

        var prepared = [PreparedEvent]()
        prepared.reserveCapacity(events.count)
        for event in events { prepared.append(try PreparedEvent(event)) }
        var rows = BlockRows(after: previousHeader, frontier: frontier)
        let placed = rows.place(prepared)
        return PlacedBlock(
            rows: rows, previous: previousHeader, records: placed.records, lotInputs: placed.lotInputs,
            nodes: placed.nodes, participants: changed.sorted().compactMap { registry.participants[$0] })
    }

    /// ``placeBlock(events:registry:previous:frontier:previousCheckpoint:signaturesKnownValid:admitting:)``, then
    /// seals the block and signs the checkpoint of the extended tree. Nothing is written.
    func planBlock(
        events: [SignedEvent], registry: ParticipantRegistry, previous: BlockHeader?, frontier: CompactRange,
        previousCheckpoint: CheckpointRecord?
    ) throws(LedgerError) -> BlockPlan {
        let placed = try placeBlock(
            events: events, registry: registry, previous: previous, frontier: frontier,
            previousCheckpoint: previousCheckpoint)
        let sealed = try seal(placed.rows, after: previous, key: try requireOperatorKey())
        let write = BlockWrite(
            block: sealed.block, events: placed.records, lotInputs: placed.lotInputs, nodes: placed.nodes,
            participants: placed.participants, checkpoint: sealed.checkpoint)
        return BlockPlan(write: write, sealed: sealed.sealed, note: sealed.note)
    }
}

extension SignedEvent {
    /// The input lots of a `transform`, from the public fields.
    public var inputLots: [String] {
        header.publicFields["input_lots"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
