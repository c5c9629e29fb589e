import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import LedgerCore
import Provenance

/// The query half of the GS1 EPCIS 2.0 REST binding (docs/epcis.md, "REST interface"): the ledger's EPCIS events
/// by the simple event query's parameters, a page at a time, as EPCIS 2.0 query documents in JSON-LD (or XML, when
/// the `Accept` header prefers it). Every reader may query; each event is shown as `GET /v1/events/{id}` shows it to
/// the same reader (sensitive fields withheld from those who may not see them), and counterparties match only where
/// the reader may see them.
extension LedgerAPI {
    static let epcisView = EPCISQueryView()

    func registerEPCISQuery(on router: RecordingRouter<ProvenanceRequestContext>) {
        router.get("/epcis/events") { request, context in
            try await queryAnswer(request, context: context)
        }
        router.get("/epcis/events/:eventID") { request, context in
            let id = try context.pathParameter("eventID")
            return try await queryAnswer(request, context: context, adding: [("EQ_eventID", id)], single: true)
        }
        router.get("/epcis/epcs/:epc/events") { request, context in
            let epc = try context.pathParameter("epc")
            return try await queryAnswer(request, context: context, adding: [("MATCH_anyEPC", epc)])
        }
        router.get("/epcis/eventTypes/:eventType/events") { request, context in
            let type = try context.pathParameter("eventType")
            return try await queryAnswer(request, context: context, adding: [("eventType", type)])
        }
        router.get("/epcis/eventTypes") { _, _ in
            let types = try await ledger.queryValues(name: "eventType", view: Self.epcisView)
            var response = Response.json([
                "@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", "type": "Collection",
                "member": .array(types.map(JSONValue.string)),
            ])
            response.headers.append(contentsOf: Self.epcisHeaders)
            return response
        }
    }

    /// Whether the request's `Accept` header prefers XML to JSON: it names application/xml or text/xml and no JSON
    /// type before them.
    static func asksForXML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        let types = accept.split(separator: ",").map(mediaType)
        guard let xml = types.firstIndex(where: { $0 == "application/xml" || $0 == "text/xml" }) else { return false }
        let json = types.firstIndex { $0 == "application/json" || $0 == "application/ld+json" || $0 == "*/*" }
        return json.map { xml < $0 } ?? true
    }

    /// The query document answering the request's parameters and `adding`; with `single`, one event's (404 when the
    /// ledger has none).
    private func queryAnswer(
        _ request: Request, context: ProvenanceRequestContext, adding: [(name: String, value: String)] = [],
        single: Bool = false
    ) async throws -> Response {
        let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        // The facilities' hierarchy (docs/identity.md), read only when a query asks for a location's descendants.
        let identity = parameters.contains { $0.name.hasPrefix("WD_") } ? try await ledger.identity() : nil
        let query = try EPCISQuery(parameters: parameters + adding) { identity?.locations(inside: $0) ?? [] }.query
        let reader: QueryReader =
            if context.readsEverything {
                .everything
            } else if let caller = context.caller {
                .participant(caller.id)
            } else {
                .publicReader
            }
        let page = try await ledger.events(matching: query, reader: reader, view: Self.epcisView)
        if single, page.events.isEmpty {
            throw APIError(.notFound, code: "not_found", "no EPCIS event '\(Echo.short(adding.first?.value ?? ""))'")
        }
        let directory =
            context.caller != nil && !context.readsEverything ? try await ledger.currentFacilityFields() : nil
        var trees = [XMLTree]()
        for parts in page.events {
            var exported = [EPCISExport.Event]()
            for part in parts {
                exported.append(EPCISExport.Event(try await visible(part, to: context, facilities: directory)))
            }
            trees += EPCISExport.events(exported)
        }
        let created = Timestamp(epochSeconds: clock())
        var response =
            Self.asksForXML(request)
            ? Response.bytesResponse(
                Array(EPCISXMLWriter.document(trees, creationDate: created, queryResults: true).utf8),
                contentType: "application/xml")
            : Response.json(EPCISJSONLDWriter.document(trees, creationDate: created, queryResults: true))
        response.headers.append(contentsOf: Self.epcisHeaders)
        if let token = page.nextPageToken {
            let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("nextPageToken=") }
            let next = (kept + ["nextPageToken=\(token)"]).joined(separator: "&")
            response.headers[.linkHeader] = "<\(request.uri.path)?\(next)>; rel=\"next\""
        }
        return response
    }
}
