internal import Dispatch
public import LedgerCore
public import LedgerCrypto
internal import LedgerStorage
internal import Synchronization

/// How ``Ledger/ingest(_:signedWith:options:onReject:progress:)`` treats a file.
public struct IngestOptions: Sendable {
    /// Commit the valid records even if some are invalid (each invalid one is still reported).
    /// Without it, any invalid record refuses the whole file and nothing is written.
    public var skipInvalid = false
    /// Check everything, including record IDs and facilities against the ledger; write nothing.
    public var dryRun = false
    /// The source derives its record IDs from the records' content (as facility master data
    /// does), so a record ID already in the ledger is an unchanged record, whatever its time.
    public var recordIDsNameContent = false
    /// Records signed and written together; bounds memory, whatever the file size.
    public var chunkSize = 4096
    /// Whether records pass ``Admission``'s checks against the ledger. Only `prov bench ingest` turns them off, to
    /// measure what they cost; nothing outside this package can.
    package var admissionChecks = true

    public init(skipInvalid: Bool = false, dryRun: Bool = false, recordIDsNameContent: Bool = false) {
        self.skipInvalid = skipInvalid
        self.dryRun = dryRun
        self.recordIDsNameContent = recordIDsNameContent
    }
}

/// How far an ingest has read.
public struct IngestProgress: Sendable {
    public let records: Int
    public let bytesRead: Int
    public let byteCount: Int
}

/// What an ingest did.
public struct IngestSummary: Sendable {
    /// The file's name.
    public let source: String
    /// Records read, valid or not.
    public let records: Int
    /// Records appended (or, in a dry run, that would be).
    public let accepted: Int
    /// Records already in the ledger with the same content, skipped.
    public let duplicates: Int
    /// Records refused.
    public let rejected: Int
    /// The new block, or `nil` if nothing was appended.
    public let block: SealedBlock?
    /// Ledger index of the first appended event.
    public let firstIndex: Int?
    /// The checkpoint signed after the block.
    public let checkpoint: SignedNote?
    public let dryRun: Bool
}

extension Ledger {
    /// Reads `source`, turns each record into an event signed with `key`, and appends the file as
    /// one block, atomically.
    ///
    /// The file is processed in chunks in constant memory: while one chunk is signed on all cores,
    /// the previous one is written inside the block's transaction, so signing overlaps storage.
    /// Events keep the file's order, which makes the ledger's bytes deterministic.
    ///
    /// Every record that cannot be accepted is passed to `onReject` with its file, line and reason:
    /// invalid values, a record ID repeated in the file, a record ID already imported with other
    /// content, a facility without master data or owned by another party, a kind the signer's role
    /// may not submit. Without ``IngestOptions/skipInvalid`` any reject refuses the whole file.
    /// Records already in the ledger with identical content are skipped, so re-importing a file is
    /// a no-op.
    public func ingest<Source: RecordSource>(
        _ source: Source, signedWith key: Ed25519.PrivateKey, options: IngestOptions = IngestOptions(),
        onReject: @escaping @Sendable (SourceReject) -> Void = { _ in },
        progress: @escaping @Sendable (IngestProgress) -> Void = { _ in }
    ) async throws(LedgerError) -> IngestSummary {
        try await writerGate.serialize { () async throws(LedgerError) in
            // Another process's block found at the head lock refuses this one before any of the file is read.
            try await self.retryingWhileTheHeadMoves { () async throws(LedgerError) in
                try await self.ingestSerialized(
                    source, signedWith: key, options: options, onReject: onReject, progress: progress)
            }
        }
    }

    private func ingestSerialized<Source: RecordSource>(
        _ source: Source, signedWith key: Ed25519.PrivateKey, options: IngestOptions,
        onReject: @escaping @Sendable (SourceReject) -> Void, progress: @escaping @Sendable (IngestProgress) -> Void
    ) async throws(LedgerError) -> IngestSummary {
        let operatorKey = options.dryRun ? nil : try requireOperatorKey()
        // The head first: if a block (a revocation, say) lands after it, the store refuses this
        // block, so the registry read next is the one this block extends.
        guard let headRecord = try await store.head() else {
            throw LedgerError(.notFound, "the ledger has no genesis block; create it with 'prov init'")
        }
        let signer = try await registry().signer(of: key)
        guard signer.isActive else {
            throw LedgerError(.revokedSigner, "participant '\(signer.id)' was revoked; its key may no longer append")
        }
        let head = try BlockHeader(canonicalBytes: headRecord.header)
        let frontier = try await frontier(size: head.treeSize)
        try Self.checkExtends(try await store.latestCheckpoint(), frontier: frontier)
        var admission = Admission(now: clock())
        if signer.role.maySubmit(.review) { admission.learn(flags: try await anchoredFlagIDs()) }

        let settings = IngestSettings(
            ledger: self, sourceName: source.name, signer: signer,
            eventSigner: EventSigner(participant: signer.id, key: key), operatorKey: operatorKey, head: head,
            frontier: frontier, admission: admission, options: options, onReject: onReject, progress: progress)
        return try await store.appendBlock(height: head.height + 1) { transaction throws(LedgerError) in
            var reader = try source.makeReader()
            let job = IngestJob(settings, transaction: transaction)
            return try job.run(reading: &reader, byteCount: source.byteCount)
        }
    }
}

/// What one ingest needs from its caller, fixed before the block's transaction opens.
private struct IngestSettings: Sendable {
    let ledger: Ledger
    let sourceName: String
    let signer: Participant
    let eventSigner: EventSigner
    let operatorKey: Ed25519.PrivateKey?
    let head: BlockHeader
    let frontier: CompactRange
    /// The ledger's checks, with what was looked up before the block's transaction.
    let admission: Admission
    let options: IngestOptions
    let onReject: @Sendable (SourceReject) -> Void
    let progress: @Sendable (IngestProgress) -> Void
}

/// One ingest in progress, confined to the store's writer thread inside the block's transaction.
private final class IngestJob {
    private let settings: IngestSettings
    private let transaction: any BlockTransaction
    private var records = 0
    private var accepted = 0
    private var duplicates = 0
    private var rejected = 0
    /// The line each record ID first appeared on, to refuse repeats within the file (unless the reader does).
    private var lines = FirstLines()
    /// The ledger's checks, with the facilities and lots looked up so far and those the file declared.
    private var admission: Admission
    /// Whether a reject has refused the file (without `skipInvalid`): reading goes on to report
    /// every reject, but nothing more is signed or written.
    private var refused = false
    /// The block's rows, placed as chunks are written.
    private var rows: BlockRows
    /// The chunk being read (rejects stay in it so that they are reported in file order), and the
    /// previous one being signed in the background.
    private var chunk = [SourceItem]()
    private var signing: SigningTask?
    /// The reader's way of naming a record's field, and its reject columns, once its header is read.
    private var locate: (Int, String) -> [String] = { line, field in ["line \(line)", "field \(field)"] }
    private var rejectColumns = [String]()

    init(_ settings: IngestSettings, transaction: any BlockTransaction) {
        self.settings = settings
        self.transaction = transaction
        admission = settings.admission
        rows = BlockRows(after: settings.head, frontier: settings.frontier)
        chunk.reserveCapacity(settings.options.chunkSize)
    }

    private var options: IngestOptions { settings.options }
    private var signer: Participant { settings.signer }

    func run<Reader: RecordReader>(reading reader: inout Reader, byteCount: Int) throws(LedgerError) -> (
        seal: BlockSeal?, result: IngestSummary
    ) {
        while let item = try reader.next() {
            records += 1
            if records == 1 {
                let snapshot = reader
                locate = { line, field in snapshot.location(line: line, field: field) }
                rejectColumns = reader.rejectColumns
            }
            if records % 10_000 == 0 {
                settings.progress(IngestProgress(records: records, bytesRead: reader.bytesRead, byteCount: byteCount))
            }
            if case .record(let record) = item {
                let recordID = record.content.recordID
                if !reader.refusesRepeatedRecordIDs, let first = lines[recordID] {
                    chunk.append(
                        .reject(
                            refusal(
                                record, "record_id '\(recordID)' already appears on line \(first) of this file",
                                field: "record_id")))
                    continue
                }
                if !reader.refusesRepeatedRecordIDs { lines[recordID] = record.line }
                guard signer.role.maySubmit(record.content.kind) else {
                    let reason =
                        "a participant with role '\(signer.role.rawValue)' may not submit \(record.content.kind.rawValue) events"
                    chunk.append(.reject(refusal(record, reason, field: "event")))
                    continue
                }
            }
            chunk.append(item)
            if chunk.count >= options.chunkSize { try flush() }
        }
        try flush()
        try writeSigned()
        settings.progress(IngestProgress(records: records, bytesRead: reader.bytesRead, byteCount: byteCount))

        if refused {
            throw LedgerError(
                .invalidRecord,
                "\(rejected) of \(records) records in \(settings.sourceName) are invalid; nothing was written (fix them, or commit the rest with --skip-invalid)"
            )
        }
        guard rows.eventCount > 0, !options.dryRun, let operatorKey = settings.operatorKey else {
            return (nil, summary(accepted: options.dryRun ? accepted : 0, block: nil, checkpoint: nil))
        }
        let sealed = try settings.ledger.seal(rows, after: settings.head, key: operatorKey)
        let seal = BlockSeal(block: sealed.block, participants: [], checkpoint: sealed.checkpoint)
        return (seal, summary(accepted: rows.eventCount, block: sealed.sealed, checkpoint: sealed.note))
    }

    private func summary(accepted: Int, block: SealedBlock?, checkpoint: SignedNote?) -> IngestSummary {
        IngestSummary(
            source: settings.sourceName, records: records, accepted: accepted, duplicates: duplicates,
            rejected: rejected, block: block,
            firstIndex: block == nil ? nil : settings.frontier.size, checkpoint: checkpoint, dryRun: options.dryRun)
    }

    private func reject(_ item: SourceReject) {
        rejected += 1
        if !options.skipInvalid { refused = true }
        settings.onReject(item)
    }

    private func refusal(_ record: SourceRecord, _ reason: String, field: String) -> SourceReject {
        let error = LedgerError(.invalidRecord, reason, context: locate(record.line, field))
        return SourceReject(line: record.line, fields: record.cells, error: error, columns: rejectColumns)
    }

    private func reject(_ record: SourceRecord, _ reason: String, field: String) {
        reject(refusal(record, reason, field: field))
    }

    /// Checks the chunk read so far against the ledger, starts signing what is admitted, and
    /// writes the chunk signed before it meanwhile.
    private func flush() throws(LedgerError) {
        let admitted = try admit(chunk)
        chunk.removeAll(keepingCapacity: true)
        let next =
            admitted.isEmpty || refused || options.dryRun ? nil : SigningTask(admitted, signer: settings.eventSigner)
        try writeSigned()
        signing = next
    }

    /// Waits for the chunk being signed and writes it.
    private func writeSigned() throws(LedgerError) {
        guard let task = signing else { return }
        signing = nil
        let events = try task.result()
        if !refused { try write(events) }
    }

    /// Checks a chunk against the ledger: record IDs already imported (duplicates skipped,
    /// conflicts refused), then ``Admission``'s checks. Returns the contents to append.
    private func admit(_ chunk: [SourceItem]) throws(LedgerError) -> [EventContent] {
        let records = chunk.compactMap { item in if case .record(let record) = item { record } else { nil } }
        var stored = [String: EventRecord]()
        if !records.isEmpty {
            for record in try transaction.events(signer: signer.id, recordIDs: records.map(\.content.recordID)) {
                stored[record.columns.recordID] = record
            }
        }
        if options.admissionChecks {
            try admission.load(
                for: records.lazy.map(\.content).filter { stored[$0.recordID] == nil }, from: transaction)
        }

        var admitted = [EventContent]()
        admitted.reserveCapacity(records.count)
        for item in chunk {
            guard case .record(let record) = item else {
                if case .reject(let refusal) = item { reject(refusal) }
                continue
            }
            let content = record.content
            if let existing = stored[content.recordID] {
                // A record ID that names its content (master data versions, an EPCIS event's hash) is the same fact
                // when it comes again, however it is written (an EPCIS event in the other syntax).
                var unchanged = options.recordIDsNameContent || content.recordIDIsEventHash
                if !unchanged { unchanged = existing.id == (try settings.eventSigner.id(of: content)).bytes }
                if unchanged {
                    duplicates += 1
                } else {
                    reject(
                        record,
                        "record_id '\(content.recordID)' was already imported with different content (event \(Hex.encode(existing.id).prefix(16))…); use a new record_id for a new fact",
                        field: "record_id")
                }
                continue
            }
            if options.admissionChecks, let refusal = admission.admit(content, signer: signer.id) {
                reject(record, refusal.reason, field: refusal.field)
                continue
            }
            accepted += 1
            admitted.append(content)
        }
        return admitted
    }

    /// Writes signed events as the next rows of the block.
    ///
    /// They need no registry check here: each was signed in this job with the key of a signer
    /// found active in the registry at the head this block extends (the store refuses the block if
    /// another was appended since), and the signer's role was checked for each record as it was read.
    private func write(_ prepared: [PreparedEvent]) throws(LedgerError) {
        let placed = rows.place(prepared)
        try transaction.insert(events: placed.records, lotInputs: placed.lotInputs, nodes: placed.nodes)
    }
}

/// Signs a chunk of contents on all cores in the background; ``result()`` waits for it.
///
/// It runs at utility QoS, on Dispatch threads apart from those of Swift's concurrency pool (which, on Linux, are the
/// default QoS's): the store's asynchronous work during the block (a database client writing the previous chunk)
/// starts at once instead of queueing behind the signing of the whole chunk.
private final class SigningTask: Sendable {
    private let outcome = Mutex<Result<[PreparedEvent], LedgerError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ contents: [EventContent], signer: EventSigner) {
        DispatchQueue.global(qos: .utility).async { [self] in
            let result = Result { () throws(LedgerError) in
                try parallelMap(contents) { content throws(LedgerError) in
                    try PreparedEvent(signing: content, with: signer)
                }
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    func result() throws(LedgerError) -> [PreparedEvent] {
        done.wait()
        // The semaphore signals only after the outcome is stored.
        guard let result = outcome.withLock({ $0 }) else {
            throw LedgerError(.invalidState, "signing finished without a result")
        }
        return try result.get()
    }
}

extension EventContent {
    /// Whether the record ID is the CBV 2.0 event hash of the EPCIS event the content was read from (or that hash
    /// with a part number, `#1`): an ID that names what the event says, not how it was written. (An error
    /// declaration's `#error-declaration` ID is not: the hash leaves the declaration out.)
    fileprivate var recordIDIsEventHash: Bool {
        guard let hash = publicFields["event_hash"]?.stringValue, hash.hasPrefix("ni:///"),
            recordID.hasPrefix(hash)
        else { return false }
        let suffix = recordID.dropFirst(hash.count)
        return suffix.isEmpty || (suffix.first == "#" && suffix.count > 1 && suffix.dropFirst().allSatisfy(\.isNumber))
    }
}
