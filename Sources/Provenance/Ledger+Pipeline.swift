public import LedgerCore
public import LedgerCrypto
public import Pipeline
internal import LedgerStorage

/// What a pipeline run did: the report, its digest, and the anchor that put the digest on the chain.
public struct PipelineOutcome: Sendable {
    public let report: Report
    /// The report's canonical JSON (what the digest covers).
    public let canonicalReport: [UInt8]
    public let digest: Digest
    /// The fitted model's document (``FittedModel``), stored with the report, and its SHA-256, which the anchor carries.
    public let model: [UInt8]
    public let modelDigest: Digest
    /// The `anchor` event's receipt.
    public let anchor: AppendReceipt
    /// The scored links' feature matrix (`prov pipeline run --features-out`), when it was asked for.
    public let features: FeatureMatrix?
    /// Seconds per stage: reading the chain, then the pipeline's own stages.
    public let timings: [(stage: String, seconds: Double)]
}

/// A stage of a pipeline run as reported to a progress callback.
public enum PipelineProgress: Sendable {
    /// Events read from the chain so far, of the total in the range.
    case reading(done: Int, total: Int)
    case stage(PipelineRun.Stage)
    case anchoring
}

extension Ledger {
    /// Runs `definition` over the chain and anchors the report's digest with an `anchor` event
    /// signed by `key`, which must belong to a compliance participant.
    ///
    /// - Parameters:
    ///   - definitionBytes: the definition file as read; its SHA-256 is the pipeline digest.
    ///   - featureMatrix: whether the outcome also carries the link feature matrix.
    public func runPipeline(
        _ definition: PipelineDefinition, definitionBytes: [UInt8], signedWith key: Ed25519.PrivateKey,
        featureMatrix: Bool = false, progress: @escaping @Sendable (PipelineProgress) -> Void = { _ in }
    ) async throws(LedgerError) -> PipelineOutcome {
        let officer = try await registry().signer(of: key)
        guard officer.role == .compliance else {
            throw LedgerError(
                .notAuthorized,
                "participant \(officer.id) has the role \(officer.role.rawValue); anchoring a report needs the compliance role"
            )
        }
        let stopwatch = ContinuousClock()
        let start = stopwatch.now
        let input = try await pipelineInput(definition.range) { done, total in
            progress(.reading(done: done, total: total))
        }
        let readSeconds = start.duration(to: stopwatch.now).seconds

        let pipelineDigest = SHA256.hash(definitionBytes).hex
        let run = PipelineRun(definition: definition, definitionDigest: pipelineDigest)
        let result = run.run(
            events: input.events, facilities: input.facilities, products: input.products, range: input.range,
            featureMatrix: featureMatrix
        ) {
            progress(.stage($0))
        }
        let body = try result.report.canonicalBytes()
        let digest = SHA256.hash(body)
        let model = try result.model.canonicalBytes()
        let modelDigest = SHA256.hash(model)

        progress(.anchoring)
        let content = try EventContent(
            kind: .anchor, recordID: "report/\(digest.hex)", occurredAt: clock(),
            fields: [
                "report_digest": .string(digest.hex),
                "pipeline_digest": .string(pipelineDigest),
                "model_digest": .string(modelDigest.hex),
                "code_version": .string(PipelineRun.codeVersion),
                "from_size": .integer(input.range.fromSize),
                "to_size": .integer(input.range.toSize),
                "checkpoint": .string(input.range.rootHash),
                "parameters": .object([
                    "pipeline": .string(definition.name),
                    "seed": .string(String(definition.models.seed)),
                    "trees": .integer(definition.models.trees),
                    "sample_size": .integer(definition.models.sampleSize),
                    "extension_level": .integer(definition.models.extensionLevel),
                ]),
            ])
        let receipt = try await append([content], signedWith: key)
        let anchorIndex: Int
        if let index = receipt.firstIndex {
            anchorIndex = index
        } else if let existing = try await store.events(signer: officer.id, recordIDs: [content.recordID]).first {
            anchorIndex = existing.index
        } else {
            throw LedgerError(.invalidState, "the anchor event was neither appended nor found")
        }
        // The files first: a stored report always has the files it is reproduced from.
        try await store.saveReportFiles([
            ReportFile(report: digest, name: ReportFile.definition, body: definitionBytes),
            ReportFile(report: digest, name: ReportFile.model, body: model),
        ])
        try await store.saveReport(ReportRecord(digest: digest, anchorIndex: anchorIndex, body: body))
        var timings = [(stage: "read", seconds: readSeconds)]
        timings += result.timings.map { ($0.stage.rawValue, $0.seconds) }
        return PipelineOutcome(
            report: result.report, canonicalReport: body, digest: digest, model: model, modelDigest: modelDigest,
            anchor: receipt, features: result.features,
            timings: timings)
    }

    /// The events, facilities, products and range a pipeline reads: every event from `range.fromSize` up to
    /// `range.toSize` (a checkpointed size; the latest by default), decoded on all cores.
    public func pipelineInput(
        _ range: PipelineDefinition.Range, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws(LedgerError) -> (
        events: [ChainEvent], facilities: [String: FacilityProfile], products: ProductCatalog,
        range: Report.LedgerRange
    ) {
        guard let latest = try await store.latestCheckpoint() else {
            throw LedgerError(.invalidState, "the ledger has no checkpoint yet")
        }
        var checkpoint = latest
        if let size = range.toSize, size != latest.size {
            guard let exact = try await store.checkpoint(size: size) else {
                throw LedgerError(
                    .notFound,
                    "no checkpoint at size \(size): to_size must be a tree size after a block (the latest is \(latest.size))"
                )
            }
            checkpoint = exact
        }
        guard range.fromSize < checkpoint.size else {
            throw LedgerError(.invalidRecord, "from_size \(range.fromSize) is not below to_size \(checkpoint.size)")
        }
        let store = store
        let size = checkpoint.size
        /// The events a pipeline reads among the chunk starting at `start`.
        @Sendable func records(from start: Int) async throws(LedgerError) -> [EventBody] {
            try await store.eventBodies(start..<min(size, start + Self.readChunk), kinds: Self.pipelineKinds)
        }
        var events = [ChainEvent]()
        events.reserveCapacity(size - range.fromSize)
        var next = range.fromSize
        var chunk = try await records(from: next)
        while next < size {
            let end = min(size, next + Self.readChunk)
            // The store reads the following chunk while this one is decoded.
            let following =
                end < size
                ? Task { () async -> Result<[EventBody], LedgerError> in
                    do throws(LedgerError) { return .success(try await records(from: end)) } catch {
                        return .failure(error)
                    }
                } : nil
            events += try parallelMap(chunk) { record throws(LedgerError) in
                ChainEvent(
                    index: record.index,
                    stored: try EventFields(statement: record.statement, disclosures: record.disclosures))
            }
            next = end
            progress(next - range.fromSize, size - range.fromSize)
            chunk = try await following?.value.get() ?? []
        }
        let facilities = Self.facilityProfiles(try await self.facilities().filter { $0.index < checkpoint.size })
        let products = try ProductCatalog(
            records: try await store.events(kind: EventKind.product.rawValue).filter { $0.index < checkpoint.size })
        let root = Digest(checkpoint.root).map(\.hex) ?? ""
        let window = range.from == nil && range.to == nil ? nil : Report.TimeWindow(from: range.from, to: range.to)
        return (
            events, facilities, products,
            Report.LedgerRange(
                origin: metadata.origin, fromSize: range.fromSize, toSize: checkpoint.size, rootHash: root,
                window: window)
        )
    }

    /// Events read per store query.
    static let readChunk = 20_000
    /// The kinds a pipeline links and measures.
    static let pipelineKinds = [EventKind.produce, .ship, .receive, .transform].map(\.rawValue)
}
