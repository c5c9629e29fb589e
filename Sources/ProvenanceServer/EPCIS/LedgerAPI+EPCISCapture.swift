import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import LedgerCore
import LedgerCrypto
import Provenance
import Synchronization

/// The capture half of the GS1 EPCIS 2.0 REST binding (docs/epcis.md, "REST interface"): `POST /epcis/capture` takes
/// an EPCIS document, JSON-LD or XML, answers 202 at once with the job's URL, and appends its events as `prov ingest`
/// appends a file, signed with the key the server holds for the caller (as a raw `POST /v1/batches` body).
extension LedgerAPI {
    /// The versions of the standards the interface speaks, in every answer under `/epcis/`.
    static let epcisHeaders: HTTPFields = [
        .gs1EPCISVersion: "2.0.0", .gs1CBVVersion: "2.0.0",
    ]

    func registerEPCISCapture(on router: RecordingRouter<ProvenanceRequestContext>) {
        router.on("/epcis/capture", method: .options) { _, context in
            var headers = Self.epcisHeaders
            headers[.allow] = "GET, HEAD, OPTIONS, POST"
            headers[.gs1CaptureFileSizeLimit] = String(context.maxUploadSize)
            headers[.gs1CaptureErrorBehaviour] = "rollback, proceed"
            headers[.accept] = Self.captureMediaTypes.keys.sorted().joined(separator: ", ")
            return Response(status: .noContent, headers: headers)
        }
        router.post("/epcis/capture") { request, context in
            let caller = try context.requireCaller()
            let key = try serverKey(for: caller)
            let behaviour = try CaptureJob.Behaviour(request.headers[.gs1CaptureErrorBehaviour])
            let contentType = request.headers[.contentType] ?? ""
            let mediaType = mediaType(contentType)
            guard let format = Self.captureMediaTypes[mediaType] else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    "an EPCIS capture is an EPCISDocument or EPCISQueryDocument as application/ld+json, application/json, application/xml or text/xml; got '\(Echo.short(contentType))'"
                )
            }
            let spool = try await SpooledBody(request, limit: context.maxUploadSize)
            // What is plainly no document is refused now; the job reads the rest.
            let opening: UInt8 = format == "epcis-json" ? UInt8(ascii: "{") : UInt8(ascii: "<")
            guard spool.firstSignificantByte() == opening else {
                spool.remove()
                throw APIError.badRequest(
                    "the body is no EPCIS document: \(format == "epcis-json" ? "JSON-LD" : "XML") that starts with '\(Character(UnicodeScalar(opening)))' was expected"
                )
            }
            let job = captureJobs.start(owner: caller.id, behaviour: behaviour, at: clock())
            let options = IngestOptions(skipInvalid: behaviour == .proceed)
            // The job outlives the request: the client follows it at its URL.
            Task {
                defer { spool.remove() }
                // Master data in the document's header first, in a block of its own, as prov ingest
                // --with-master-data registers it.
                if let masterData = await captureMasterData(spool, caller: caller, key: key) {
                    captureJobs.record(masterData: masterData, of: job.id)
                    if case .failure = masterData.result {
                        captureJobs.finish(job.id, masterData, at: clock())
                        return
                    }
                }
                captureJobs.finish(
                    job.id, await ingest(spool, format: format, key: key, options: options), at: clock())
            }
            var headers = Self.epcisHeaders
            headers[.location] = "/epcis/capture/\(job.id)"
            var response = Response.json(job.json, status: .accepted)
            response.headers.append(contentsOf: headers)
            return response
        }
        router.get("/epcis/capture") { request, context in
            let caller = try context.requireCaller()
            let limit = try request.integerParameter("perPage", default: 30, minimum: 1, maximum: Page.maximumLimit)
            let jobs = captureJobs.jobs(of: caller.id).suffix(limit)
            var response = Response.json(.array(jobs.reversed().map(\.json)))
            response.headers.append(contentsOf: Self.epcisHeaders)
            return response
        }
        router.get("/epcis/capture/:captureID") { _, context in
            let caller = try context.requireCaller()
            let id = try context.pathParameter("captureID")
            // Another participant's job is answered as one that does not exist.
            guard let job = captureJobs.job(id), job.owner == caller.id else {
                throw APIError(.notFound, code: "not_found", "no capture job '\(Echo.short(id))' of \(caller.id)")
            }
            var response = Response.json(job.json)
            response.headers.append(contentsOf: Self.epcisHeaders)
            return response
        }
    }

    /// Appends the master data in the header of the EPCIS document in `spool` (its business locations and read
    /// points as the caller's facilities, its trade items as products), or `nil` when it has none.
    private func captureMasterData(_ spool: SpooledBody, caller: Participant, key: Ed25519.PrivateKey) async
        -> RawIngestOutcome?
    {
        guard let elements = try? EPCISVocabularyReader.elements(path: spool.path), !elements.isEmpty else {
            return nil
        }
        return await ingest(spool, key: key, options: IngestOptions(recordIDsNameContent: true)) {
            () async throws(LedgerError) in
            let context = EPCISMasterData.Context(
                party: caller.id, facilities: try await ledger.currentFacilityFields(),
                products: try await ledger.productCatalog())
            return EPCISMasterData(
                path: spool.path, context: context, vocabularies: .all,
                recordedAt: Timestamp(epochSeconds: clock()))
        }
    }

    /// The format `prov ingest` reads each media type a capture takes as.
    static let captureMediaTypes = [
        "application/ld+json": "epcis-json", "application/json": "epcis-json", "application/xml": "epcis",
        "text/xml": "epcis",
    ]
}

/// One capture: who sent it, what the client asked for errors, and, once it ran, what it appended or why not.
struct CaptureJob: Sendable {
    /// `GS1-Capture-Error-Behaviour`: `rollback` (the default) writes nothing if one event is refused, as
    /// `prov ingest` does; `proceed` appends the others, as `prov ingest --skip-invalid` does.
    enum Behaviour: String, Sendable {
        case rollback, proceed

        init(_ header: String?) throws(APIError) {
            guard let header else {
                self = .rollback
                return
            }
            guard let behaviour = Behaviour(rawValue: header.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw APIError.badRequest(
                    "the GS1-Capture-Error-Behaviour header is rollback or proceed, not '\(Echo.short(header))'")
            }
            self = behaviour
        }
    }

    let id: String
    let owner: String
    let behaviour: Behaviour
    let createdAt: Int64
    var finishedAt: Int64?
    /// What the master data in the document's header appended, if it had any.
    var masterData: LedgerAPI.RawIngestOutcome?
    var outcome: LedgerAPI.RawIngestOutcome?

    /// The job as the binding's `CaptureJob`, with what the ledger appended beside it.
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "captureID": .string(id), "createdAt": .string(Timestamp(epochSeconds: createdAt).utc),
            "captureErrorBehaviour": .string(behaviour.rawValue), "running": .bool(outcome == nil),
        ]
        guard let outcome, let finishedAt else {
            members["success"] = .bool(true)
            members["errors"] = []
            return .object(members)
        }
        members["finishedAt"] = .string(Timestamp(epochSeconds: finishedAt).utc)
        var errors = outcome.listed.map { reject -> JSONValue in
            Self.problem(
                code: .invalidRecord, title: "an event was refused", detail: reject.message, line: reject.line)
        }
        switch outcome.result {
        case .success(let summary):
            members["accepted"] = .integer(summary.accepted)
            members["duplicates"] = .integer(summary.duplicates)
            members["block"] = summary.block.map { .integer($0.header.height) } ?? .null
            members["firstIndex"] = summary.firstIndex.map(JSONValue.integer) ?? .null
        case .failure(let error):
            errors.append(Self.problem(code: error.code, title: "nothing was captured", detail: error.description))
        }
        if case .success(let summary) = masterData?.result {
            members["masterData"] = [
                "accepted": .integer(summary.accepted), "duplicates": .integer(summary.duplicates),
                "block": summary.block.map { .integer($0.header.height) } ?? .null,
            ]
        }
        members["rejected"] = .integer(outcome.rejected)
        members["success"] = .bool(errors.isEmpty)
        members["errors"] = .array(errors)
        return .object(members)
    }

    /// An RFC 7807 problem with the EPCIS exception type `code` stands for.
    private static func problem(code: LedgerError.Code, title: String, detail: String, line: Int? = nil) -> JSONValue {
        let type =
            switch code {
            case .invalidRecord, .conflict, .alreadyExists: "epcisException:ValidationException"
            case .unknownSigner, .revokedSigner, .badSignature, .notAuthorized: "epcisException:SecurityException"
            default: "epcisException:ImplementationException"
            }
        var members: [String: JSONValue] = [
            "type": .string(type), "title": .string(title), "detail": .string(detail),
            "status": .integer(type.hasSuffix("ImplementationException") ? 500 : 400),
        ]
        if let line { members["line"] = .integer(line) }
        return .object(members)
    }
}

/// The capture jobs of this server process, newest last; at most ``limit`` finished ones are kept.
final class CaptureJobs: Sendable {
    static let limit = 10_000
    private let state = Mutex<(jobs: [String: CaptureJob], order: [String])>(([:], []))

    func start(owner: String, behaviour: CaptureJob.Behaviour, at time: Int64) -> CaptureJob {
        let job = CaptureJob(
            id: UUID().uuidString.lowercased(), owner: owner, behaviour: behaviour, createdAt: time)
        state.withLock { state in
            state.jobs[job.id] = job
            state.order.append(job.id)
            if state.order.count > Self.limit,
                let oldest = state.order.firstIndex(where: { state.jobs[$0]?.outcome != nil })
            {
                state.jobs[state.order.remove(at: oldest)] = nil
            }
        }
        return job
    }

    func finish(_ id: String, _ outcome: LedgerAPI.RawIngestOutcome, at time: Int64) {
        state.withLock { state in
            state.jobs[id]?.outcome = outcome
            state.jobs[id]?.finishedAt = time
        }
    }

    func record(masterData outcome: LedgerAPI.RawIngestOutcome, of id: String) {
        state.withLock { $0.jobs[id]?.masterData = outcome }
    }

    func job(_ id: String) -> CaptureJob? {
        state.withLock { $0.jobs[id] }
    }

    /// `owner`'s jobs, oldest first.
    func jobs(of owner: String) -> [CaptureJob] {
        state.withLock { state in state.order.compactMap { state.jobs[$0] }.filter { $0.owner == owner } }
    }
}

extension HTTPField.Name {
    static let gs1EPCISVersion = spelled("GS1-EPCIS-Version")
    static let gs1CBVVersion = spelled("GS1-CBV-Version")
    static let gs1CaptureFileSizeLimit = spelled("GS1-EPCIS-Capture-File-Size-Limit")
    static let gs1CaptureErrorBehaviour = spelled("GS1-Capture-Error-Behaviour")
    static let linkHeader = spelled("Link")

    /// The header named `name`, a token spelled in this code.
    static func spelled(_ name: StaticString) -> HTTPField.Name {
        guard let field = HTTPField.Name("\(name)") else { preconditionFailure("\(name) is not a header name") }
        return field
    }
}
