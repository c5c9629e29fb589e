import Foundation
import LedgerCrypto
import Hummingbird
import Ingest
import LedgerCore
import Provenance
import Synchronization

/// Producers' batches, appended as one block: events the producer signed (JSON), or a CSV,
/// shipment XML or EPCIS body the server signs with a key the producer left with it.
extension LedgerAPI {
    /// Most events in one batch.
    static let batchLimit = 100_000
    /// Most refused records a raw batch's answer lists one by one (all are counted).
    static let listedRejects = 1_000

    func registerBatches(on router: RecordingRouter<ProvenanceRequestContext>) {
        router.post("/v1/batches") { request, context in
            let caller = try context.requireCaller()
            let contentType = request.headers[.contentType] ?? ""
            let mediaType = mediaType(contentType)
            switch mediaType {
            case "application/json": return try await signedBatch(request, context: context, caller: caller)
            case "text/csv", "application/xml", "text/xml", "application/ld+json":
                return try await rawBatch(request, context: context, caller: caller, mediaType: mediaType)
            default:
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    "a batch is application/json ({\"events\": [signed events]}, as 'prov sign' writes), or a text/csv, application/xml, text/xml or application/ld+json (EPCIS 2.0 JSON-LD) file for the server to sign; got '\(Echo.short(contentType))'"
                )
            }
        }
    }

    /// `{"events": [...]}`: events the caller signed, each checked against its registered key.
    private func signedBatch(_ request: Request, context: ProvenanceRequestContext, caller: Participant) async throws
        -> Response
    {
        let body = try await request.jsonObject(context: context)
        guard let items = body["events"]?.arrayValue, Set(body.keys) == ["events"] else {
            throw APIError.badRequest("a batch is {\"events\": [{\"statement\", \"signature\", \"disclosures\"}, …]}")
        }
        guard items.count <= Self.batchLimit else {
            throw APIError(
                .contentTooLarge, code: "payload_too_large", "a batch holds at most \(Self.batchLimit) events; split it"
            )
        }
        var events = [SignedEvent]()
        events.reserveCapacity(items.count)
        for (position, item) in items.enumerated() {
            let event: SignedEvent
            do throws(LedgerError) {
                event = try SignedEvent(transportJSON: item)
            } catch {
                // A statement that does not decode is the request's fault here, not a sign of tampering.
                let code = error.code == .tampered ? .invalidRecord : error.code
                throw LedgerError(code, error.reason, context: error.context).at("events[\(position)]")
            }
            guard event.header.signer == caller.id else {
                throw APIError(
                    .forbidden, code: "forbidden",
                    "events[\(position)] (record \(event.header.recordID)) is signed as \(Echo.short(event.header.signer)), but the token is \(caller.id)'s"
                )
            }
            events.append(event)
        }
        let receipt = try await ledger.append(signed: events)
        var summary: [String: JSONValue] = [
            "accepted": .integer(receipt.appended.count), "duplicates": .integer(receipt.duplicates.count),
            "block": receipt.block.map { .integer($0.header.height) } ?? .null,
            "first_index": receipt.firstIndex.map(JSONValue.integer) ?? .null,
        ]
        if let checkpoint = receipt.checkpoint { summary["checkpoint"] = .string(checkpoint.serialized) }
        return Response.json(.object(summary), status: receipt.block == nil ? .ok : .created)
    }

    /// A shipment CSV, shipment XML or EPCIS document, read as `prov ingest` reads a file (the same
    /// adapters, validation, atomicity and messages, the body named `body`), and signed with the
    /// key the server holds for the caller. `?format=` (default: `csv` for text/csv, detected
    /// otherwise), `?skip_invalid=true` and `?dry_run=true` are `prov ingest`'s options.
    private func rawBatch(
        _ request: Request, context: ProvenanceRequestContext, caller: Participant, mediaType: String
    ) async throws -> Response {
        let key = try serverKey(for: caller)
        let format =
            request.uri.queryParameters.get("format").map { String($0) } ?? (mediaType == "text/csv" ? "csv" : "auto")
        let options = IngestOptions(
            skipInvalid: try request.booleanParameter("skip_invalid"), dryRun: try request.booleanParameter("dry_run"))

        let spool = try await SpooledBody(request, limit: context.maxUploadSize)
        defer { spool.remove() }
        let outcome = await ingest(spool, format: format, key: key, options: options)
        let summary: IngestSummary
        switch outcome.result {
        case .success(let done): summary = done
        case .failure(let named):
            guard !outcome.listed.isEmpty else { throw named }
            let mapped = APIError(named)
            return Response.json(
                [
                    "error": ["code": .string(mapped.code), "message": .string(mapped.message)],
                    "rejects": .array(outcome.listedJSON),
                ],
                status: .unprocessableContent)
        }
        var body: [String: JSONValue] = [
            "records": .integer(summary.records), "accepted": .integer(summary.accepted),
            "duplicates": .integer(summary.duplicates),
            "rejected": .integer(outcome.rejected), "dry_run": .bool(summary.dryRun), "signer": .string(caller.id),
            "block": summary.block.map { .integer($0.header.height) } ?? .null,
            "first_index": summary.firstIndex.map(JSONValue.integer) ?? .null,
            "rejects": .array(outcome.listedJSON),
        ]
        if let checkpoint = summary.checkpoint { body["checkpoint"] = .string(checkpoint.serialized) }
        return Response.json(.object(body), status: summary.block == nil ? .ok : .created)
    }

    /// The key the server holds to sign `caller`'s raw bodies; `unsupported_media_type` when it holds none at all,
    /// `forbidden` when it holds none for the caller.
    func serverKey(for caller: Participant) throws(APIError) -> Ed25519.PrivateKey {
        guard !signingKeys.isEmpty else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                "this server signs no raw batches (it holds no participant's key; the operator enables it with prov serve --signing-keys DIR): sign the file yourself with 'prov sign FILE --key KEY --participant ID --out batch.json' and post batch.json as application/json"
            )
        }
        guard let key = signingKeys.key(for: caller.id) else {
            throw APIError(
                .forbidden, code: "forbidden",
                "the server holds no signing key for '\(caller.id)': post events you signed (application/json, see 'prov sign')"
            )
        }
        return key
    }

    /// What reading a spooled body with the ingest adapters gave: the summary, or the error that stopped it, and
    /// the refused records either way (all counted, the first ``listedRejects`` listed).
    struct RawIngestOutcome: Sendable {
        var result: Result<IngestSummary, LedgerError> = .failure(LedgerError(.invalidState, "not read yet"))
        var rejected = 0
        var listed = [(line: Int, message: String)]()

        /// The listed refused records as `{"line", "message"}`.
        var listedJSON: [JSONValue] {
            listed.map { ["line": .integer($0.line), "message": .string($0.message)] }
        }
    }

    /// Reads `spool` as `prov ingest` reads a file in `format` (`auto` to detect it) and appends its records signed
    /// with `key`; errors name the body `body`.
    func ingest(_ spool: SpooledBody, format: String, key: Ed25519.PrivateKey, options: IngestOptions) async
        -> RawIngestOutcome
    {
        await ingest(spool, key: key, options: options) { () throws(LedgerError) in
            try InputChoice(format: format).source(for: spool.path)
        }
    }

    /// Appends the records of the source `adapter` makes for `spool`, signed with `key`; errors name the body `body`.
    func ingest(
        _ spool: SpooledBody, key: Ed25519.PrivateKey, options: IngestOptions,
        adapter: () async throws(LedgerError) -> any RecordSource
    ) async -> RawIngestOutcome {
        let rejects = Mutex<RawIngestOutcome>(RawIngestOutcome())
        let onReject: @Sendable (SourceReject) -> Void = { reject in
            rejects.withLock { state in
                state.rejected += 1
                if state.listed.count < Self.listedRejects {
                    state.listed.append((reject.line, spool.naming(reject.error).description))
                }
            }
        }
        var outcome: RawIngestOutcome
        do throws(LedgerError) {
            let summary = try await ledger.ingest(
                try await adapter(), signedWith: key, options: options, onReject: onReject)
            outcome = rejects.withLock { $0 }
            outcome.result = .success(summary)
        } catch {
            outcome = rejects.withLock { $0 }
            outcome.result = .failure(spool.naming(error))
        }
        return outcome
    }

}

/// A request body written to a private temporary file, so that the file adapters read it in
/// constant memory as they read any file; messages name it `body`.
struct SpooledBody: Sendable {
    let folder: String
    let path: String

    init(_ request: Request, limit: Int) async throws {
        folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("prov-batch-\(UUID().uuidString)")
        path = (folder as NSString).appendingPathComponent("body")
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerError(.io, "cannot make a temporary folder for the request body")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            remove()
            throw LedgerError(.io, "cannot spool the request body")
        }
        defer { try? handle.close() }
        var written = 0
        do {
            for try await buffer in request.body {
                written += buffer.readableBytes
                guard written <= limit else {
                    throw APIError(
                        .contentTooLarge, code: "payload_too_large",
                        "a batch body is at most \(limit >> 20) MiB; split the file")
                }
                try handle.write(contentsOf: Data(buffer.readableBytesView))
            }
        } catch {
            remove()
            throw error
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The body's first byte that is not white space or a byte order mark, among its first 4 KiB.
    func firstSignificantByte() -> UInt8? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        return head.first { !" \t\r\n".utf8.contains($0) && ![0xEF, 0xBB, 0xBF].contains($0) }
    }

    /// `error` with the spool file's path replaced by `body`.
    func naming(_ error: LedgerError) -> LedgerError {
        var renamed = LedgerError(error.code, error.reason.replacingOccurrences(of: path, with: "body"))
        renamed.context = error.context.map { $0.replacingOccurrences(of: path, with: "body") }
        return renamed
    }
}
