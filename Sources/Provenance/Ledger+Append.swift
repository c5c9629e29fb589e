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
        let registry = try await registry()
        let signer = try registry.signer(of: key)
        let eventSigner = EventSigner(participant: signer.id, key: key)
        let events = try parallelMap(contents) { content throws(LedgerError) in try eventSigner.sign(content) }
        // Signed here with the key registered for the signer: their signatures need no re-check.
        return try await append(
            signed: events, contents: contents, signaturesKnownValid: true, registry: registry)
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
        return try await append(signed: events, contents: contents, signaturesKnownValid: false, registry: nil)
    }

    /// How an error names the event at `position` of a batch.
    static func batchEntry(_ position: Int) -> String { "batch entry \(position + 1)" }

    /// The idempotency key of a record: its signer and record ID.
    private static func recordKey(_ signer: String, _ recordID: String) -> String {
        signer + "\u{0}" + recordID
    }

    /// Appends `events`, whose contents are `contents`, in the same order.
    private func append(
        signed events: [SignedEvent], contents: [EventContent], signaturesKnownValid: Bool,
        registry knownRegistry: ParticipantRegistry?
    ) async throws(LedgerError) -> AppendReceipt {
        try await writerGate.serialize { () async throws(LedgerError) in
            try await self.appendSerialized(
                signed: events, contents: contents, signaturesKnownValid: signaturesKnownValid,
                registry: knownRegistry)
        }
    }

    private func appendSerialized(
        signed events: [SignedEvent], contents: [EventContent], signaturesKnownValid: Bool,
        registry knownRegistry: ParticipantRegistry?
    ) async throws(LedgerError) -> AppendReceipt {
        _ = try requireOperatorKey()
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

        let registry: ParticipantRegistry
        if let knownRegistry {
            registry = knownRegistry
        } else {
            registry = try await self.registry()
        }
        let head = try await store.head().map { record throws(LedgerError) in
            try BlockHeader(canonicalBytes: record.header)
        }
        let frontier = try await frontier(size: head?.treeSize ?? 0)
        let previousCheckpoint = try await store.latestCheckpoint()
        let plan = try planBlock(
            events: fresh, registry: registry, previous: head, frontier: frontier,
            previousCheckpoint: previousCheckpoint,
            signaturesKnownValid: signaturesKnownValid, admitting: (admission, freshContents))
        try await store.append(plan.write)
        return AppendReceipt(
            appended: fresh, duplicates: duplicates, block: plan.sealed, firstIndex: plan.write.block.firstIndex,
            checkpoint: plan.note)
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

    /// Authorizes `events` in order against `registry`, seals them in a block after `previous`, extends
    /// the tree and signs the new checkpoint. Pure apart from signing: nothing is written.
    ///
    /// - Parameter admitting: the ledger's checks, loaded for the events, and each event's content with its
    ///   position in the batch; they run after the signatures and roles are checked, so that a refusal never
    ///   tells an unauthorized signer anything about the ledger.
    func planBlock(
        events: [SignedEvent], registry startRegistry: ParticipantRegistry, previous previousHeader: BlockHeader?,
        frontier: CompactRange,
        previousCheckpoint: CheckpointRecord?, signaturesKnownValid: Bool = false,
        admitting: (admission: Admission, contents: [(position: Int, content: EventContent)])? = nil
    ) throws(LedgerError) -> BlockPlan {
        let operatorKey = try requireOperatorKey()

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
        let sealed = try seal(rows, after: previousHeader, key: operatorKey)
        let write = BlockWrite(
            block: sealed.block, events: placed.records, lotInputs: placed.lotInputs, nodes: placed.nodes,
            participants: changed.sorted().compactMap { registry.participants[$0] }, checkpoint: sealed.checkpoint)
        return BlockPlan(write: write, sealed: sealed.sealed, note: sealed.note)
    }
}

extension SignedEvent {
    /// The input lots of a `transform`, from the public fields.
    public var inputLots: [String] {
        header.publicFields["input_lots"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
