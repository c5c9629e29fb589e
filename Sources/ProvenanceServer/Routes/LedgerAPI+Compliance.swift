import Hummingbird
import LedgerCore
import Pipeline
import Provenance

/// Flags, reviews and reports: compliance officers and auditors read, officers decide.
extension LedgerAPI {
    private static let readers: Set<ParticipantRole> = [.compliance, .auditor]

    func registerCompliance(on router: RecordingRouter<ProvenanceRequestContext>) {
        router.get("/v1/anomalies") { request, context in
            _ = try context.requireRole(Self.readers, for: "reading flags")
            let page = try Page(request)
            var status: FlagStatus?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = FlagStatus(rawValue: String(text)) else {
                    throw APIError.badRequest(
                        "status is one of \(FlagStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let flags = try await ledger.flags(status: status)
            return Response.json([
                "items": .array(page.slice(flags).map(\.json)), "page": page.json(total: flags.count),
            ])
        }
        router.get("/v1/anomalies/:id") { _, context in
            _ = try context.requireRole(Self.readers, for: "reading flags")
            return Response.json(try await ledger.flag(id: try context.pathParameter("id")).json)
        }
        router.post("/v1/anomalies/:id/review/statement") { request, context in
            let officer = try context.requireRole([.compliance], for: "reviewing a flag")
            let body = try await request.jsonObject(context: context, allowing: ["decision", "note"])
            let decisionName = try body.requiredString("decision")
            guard let decision = FlagStatus(rawValue: decisionName), decision != .open else {
                throw APIError.badRequest("decision is confirmed or dismissed")
            }
            let content = try await ledger.reviewContent(
                flag: try context.pathParameter("id"), decision: decision, note: try body.requiredString("note"),
                officer: officer.id)
            let unsigned = try SignedEvent.unsignedStatement(for: content, signer: officer.id)
            return Response.json([
                "statement": .string(Base64.encode(unsigned.statement)), "record_id": .string(content.recordID),
                "disclosures": .array(unsigned.disclosures.map(\.json)),
            ])
        }
        router.post("/v1/anomalies/:id/review") { request, context in
            let officer = try context.requireRole([.compliance], for: "reviewing a flag")
            let body = try await request.jsonObject(
                context: context, allowing: ["statement", "signature", "disclosures"])
            guard let statement = Base64.decode(try body.requiredString("statement")),
                let signature = Base64.decode(try body.requiredString("signature"))
            else {
                throw APIError.badRequest("statement and signature are base64")
            }
            // The signature is checked before the statement is read: bytes the officer did not sign are not parsed.
            guard officer.publicKey.isValidSignature(signature, for: statement) else {
                throw APIError(
                    .forbidden, code: "bad_signature",
                    "the signature does not verify under \(officer.id)'s registered key over the statement")
            }
            let event: SignedEvent
            do throws(LedgerError) {
                var disclosures = [Disclosure]()
                for item in body["disclosures"]?.arrayValue ?? [] { disclosures.append(try Disclosure(json: item)) }
                event = try SignedEvent(statement: statement, signature: signature, disclosures: disclosures)
            } catch {
                throw APIError(
                    .badRequest, code: "invalid_record", "the signed review is not a statement: \(error.reason)")
            }
            guard event.header.signer == officer.id else {
                throw APIError(
                    .forbidden, code: "forbidden",
                    "the review is signed as \(Echo.short(event.header.signer)), but the token is \(officer.id)'s")
            }
            let flagID = try context.pathParameter("id")
            guard event.visibleFields["flag"]?.stringValue == flagID else {
                throw APIError.badRequest("the review decides another flag than \(flagID)")
            }
            let receipt = try await ledger.appendReview(event)
            let state = try await ledger.flag(id: flagID)
            return Response.json(
                [
                    "event_id": .string(event.id.hex), "index": receipt.firstIndex.map(JSONValue.integer) ?? .null,
                    "duplicate": .bool(receipt.appended.isEmpty), "flag": state.json,
                ],
                status: receipt.appended.isEmpty ? .ok : .created)
        }
        router.get("/v1/reports") { request, context in
            _ = try context.requireRole(Self.readers, for: "reading reports")
            let page = try Page(request)
            let reports = try await ledger.anchoredReports().reversed().map(\.summaryJSON)
            return Response.json(["items": .array(Array(page.slice(reports))), "page": page.json(total: reports.count)])
        }
        router.get("/v1/reports/:digest") { _, context in
            _ = try context.requireRole(Self.readers, for: "reading reports")
            let report = try await ledger.anchoredReport(digest: try context.pathParameter("digest"))
            return Response.bytesResponse(report.record.body, contentType: "application/json")
        }
        router.get("/v1/reports/:digest/html") { _, context in
            _ = try context.requireRole(Self.readers, for: "reading reports")
            let report = try await ledger.anchoredReport(digest: try context.pathParameter("digest"))
            return Response.bytesResponse(Array(report.report.html().utf8), contentType: "text/html; charset=utf-8")
        }
        // What 'prov reports reproduce' re-runs a report from, for readers who reproduce it elsewhere.
        router.get("/v1/reports/:digest/model") { _, context in
            Response.bytesResponse(
                try await reportFile(\.model, named: "models", context: context), contentType: "application/json")
        }
        router.get("/v1/reports/:digest/definition") { _, context in
            Response.bytesResponse(
                try await reportFile(\.definition, named: "definitions", context: context),
                contentType: "text/plain; charset=utf-8")
        }
    }

    /// A file kept with the anchored report the path names, for compliance readers; `not_found` for a report anchored
    /// before such files (`kind`) were kept.
    private func reportFile(
        _ file: KeyPath<StoredReportFiles, [UInt8]?>, named kind: String, context: ProvenanceRequestContext
    ) async throws -> [UInt8] {
        _ = try context.requireRole(Self.readers, for: "reading reports")
        let report = try await ledger.anchoredReport(digest: try context.pathParameter("digest"))
        guard let bytes = try await ledger.reportFiles(of: report.record.digest)[keyPath: file] else {
            throw LedgerError(.notFound, "report \(report.record.digest.hex) was anchored before \(kind) were kept")
        }
        return bytes
    }
}
