import Hummingbird
import LedgerCore
import LedgerCrypto
import Provenance

/// Public reads: health, checkpoint, consistency, events and their proofs, product and lot histories.
extension LedgerAPI {
    func registerReads(on router: RecordingRouter<ProvenanceRequestContext>) {
        router.get("/healthz") { _, _ in
            let size = try await ledger.treeSize()
            return Response.json(["status": "ok", "tree_size": .integer(size)])
        }
        if let metrics {
            router.get("/metrics") { _, _ in await metrics.scrape(primary: primary, replicas: replicas) }
        }
        // Readiness for a load balancer: the primary answers, and each read replica answers and is not too far behind.
        router.get("/readyz") { _, _ in
            let size: Int
            do throws(LedgerError) {
                size = try await primary.treeSize()
            } catch {
                return Response.json(
                    [
                        "status": "unavailable",
                        "reason": .string("the ledger's database does not answer: \(error.reason)"),
                    ],
                    status: .serviceUnavailable)
            }
            var ready = true
            var states = [JSONValue]()
            for (number, replica) in replicas.ledgers.enumerated() {
                do throws(LedgerError) {
                    let lag = size - (try await replica.treeSize())
                    let caughtUp = lag <= replicas.maximumLag
                    ready = ready && caughtUp
                    states.append([
                        "replica": .integer(number + 1), "ready": .bool(caughtUp), "lag_events": .integer(max(0, lag)),
                    ])
                } catch {
                    ready = false
                    states.append([
                        "replica": .integer(number + 1), "ready": .bool(false), "reason": .string(error.reason),
                    ])
                }
            }
            return Response.json(
                ["status": ready ? "ready" : "unavailable", "tree_size": .integer(size), "replicas": .array(states)],
                status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/v1/checkpoint") { _, _ in
            try await reading { api in
                let note = try await api.ledger.latestCheckpoint()
                let checkpoint = try Checkpoint.open(note, verifier: api.ledger.noteVerifier)
                return Response.json([
                    "origin": .string(checkpoint.origin), "size": .integer(checkpoint.size),
                    "root": .string(Base64.encode(checkpoint.root.bytes)), "note": .string(note.serialized),
                    "operator_key": .string(Base64.encode(api.ledger.metadata.operatorKey.rawRepresentation)),
                    "verifier_key": .string(try api.ledger.noteVerifier.verifierKey),
                ])
            }
        }
        router.get("/v1/consistency") { request, _ in
            try await reading { api in
                guard request.uri.queryParameters.get("from") != nil else {
                    throw APIError.badRequest(
                        "query parameter from (the tree size of the checkpoint you hold) is required")
                }
                let from = try request.integerParameter("from", default: 0)
                let result = try await api.ledger.consistencyProof(fromSize: from)
                return Response.json([
                    "from": .integer(from), "to": .integer(result.new.size),
                    "proof": .array(result.proof.map { .string(Base64.encode($0.bytes)) }),
                    "checkpoint": .string(result.newNote.serialized),
                ])
            }
        }
        router.get("/v1/events/:id") { _, context in
            try await reading { api in
                let id = try await api.ledger.resolveEventID(try context.pathParameter("id"))
                let found = try await api.ledger.event(id: id)
                let event = try await api.visible(found.event, to: context)
                return Response.json(event.summaryJSON(index: found.index, blockHeight: found.blockHeight))
            }
        }
        router.get("/v1/events/:id/proof") { _, context in
            try await reading { api in
                let bundle = try await api.visibleProof(try context.pathParameter("id"), context: context)
                return Response.bytesResponse(try bundle.serialized(), contentType: "application/json")
            }
        }
        // What the product page asks in a browser without Ed25519: the same bundle, checked here.
        router.get("/v1/events/:id/verification") { _, context in
            try await reading { api in
                let bundle = try await api.visibleProof(try context.pathParameter("id"), context: context)
                do throws(LedgerError) {
                    let verified = try bundle.verify(operatorKey: api.ledger.metadata.operatorKey)
                    return Response.json([
                        "verified": .bool(true), "event_id": .string(verified.event.id.hex),
                        "signer": .string(verified.signer.id),
                        "checkpoint_size": .integer(verified.checkpoint.size),
                    ])
                } catch {
                    return Response.json([
                        "verified": .bool(false), "event_id": .string(bundle.event.id.hex),
                        "reason": .string(error.reason),
                    ])
                }
            }
        }
        router.get("/v1/products/:id") { request, context in
            try await reading { api in
                try await api.productResponse(try context.pathParameter("id"), request: request, context: context)
            }
        }
        router.get("/v1/lots/:id") { request, context in
            try await reading { api in
                try await api.lotResponse(try context.pathParameter("id"), request: request, context: context)
            }
        }
        // What the product page says of detection: the anchored report covering the lot, and whether a confirmed
        // flag touches it (never an open or dismissed one).
        router.get("/v1/lots/:id/detection") { _, context in
            try await reading { api in
                Response.json(try await api.ledger.detection(ofLot: try context.pathParameter("id")).json)
            }
        }
    }

    /// The proof bundle of event `text`, with the fields the caller may not see withheld.
    private func visibleProof(_ text: String, context: ProvenanceRequestContext) async throws -> ProofBundle {
        let id = try await ledger.resolveEventID(text)
        return try await ledger.proof(for: id) { event throws(LedgerError) in
            Set(try await visible(event, to: context).withheldFields)
        }
    }

    /// A lot's history, its events paged, with the facilities they name.
    private func lotResponse(_ lot: String, request: Request, context: ProvenanceRequestContext) async throws
        -> Response
    {
        let page = try Page(request)
        let history = try await ledger.history(of: lot, as: .lot, withholdingSensitiveFields: context.caller == nil)
        // The lot's product as the products' master data describe it, whichever name its first event used.
        let catalog = try await ledger.productCatalog()
        let recorded = history.entries.first { $0.relation == .subject }?.event.header.publicFields["product"]
        return try await historyJSON(
            product: recorded?.stringValue.flatMap(catalog.description(of:)),
            query: lot, kind: "lot", lots: history.subjectLots, upstream: history.upstreamLots,
            downstream: history.downstreamLots,
            entries: page.slice(history.entries), page: page.json(total: history.entries.count),
            transfers: history.transfers, context: context)
    }

    /// A product code's history: one page of its own events, read from the ledger by the page.
    /// `?after=N` starts after the event at ledger index N (the last one of the page before),
    /// which costs the same however deep the page; `?offset=` works too.
    private func productResponse(_ product: String, request: Request, context: ProvenanceRequestContext) async throws
        -> Response
    {
        let page = try Page(request)
        let after =
            request.uri.queryParameters.get("after") == nil ? nil : try request.integerParameter("after", default: 0)
        let history = try await ledger.productHistory(
            of: product, after: after, offset: page.offset, limit: page.limit,
            withholdingSensitiveFields: context.caller == nil)
        let total = try await productTotals.eventCount(ofProduct: product)
        let last = history.hasMore ? history.entries.last?.index : nil
        let pageJSON: JSONValue = [
            "offset": .integer(page.offset), "limit": .integer(page.limit), "total": .integer(total),
            "next": after == nil && history.hasMore ? .integer(page.offset + page.limit) : .null,
            "after": after.map(JSONValue.integer) ?? .null, "next_after": last.map(JSONValue.integer) ?? .null,
        ]
        return try await historyJSON(
            product: try await ledger.productCatalog().description(of: product), query: product, kind: "product",
            lots: history.lots, upstream: history.upstreamLots,
            downstream: history.downstreamLots,
            entries: history.entries[...], page: pageJSON, context: context)
    }

    /// The body of a history answer: the events as the caller may see them, with the facilities
    /// they name.
    private func historyJSON(
        product: JSONValue?, query: String, kind: String, lots: [String], upstream: [String], downstream: [String],
        entries: ArraySlice<HistoryEntry>,
        page: JSONValue, transfers: [UnrecordedMove]? = nil, context: ProvenanceRequestContext
    ) async throws -> Response {
        let known = try await ledger.currentFacilityFields()
        let parties = try await ledger.partyDirectory()
        var events = [JSONValue]()
        var named = [String: JSONValue]()
        var places = [String: JSONValue]()
        events.reserveCapacity(entries.count)
        for entry in entries {
            let event = try await visible(entry.event, to: context, facilities: known)
            guard case .object(var members) = event.summaryJSON(index: entry.index, blockHeight: entry.blockHeight)
            else { continue }
            members["relation"] = .string(entry.relation.rawValue)
            if let facility = members["fields"]?["facility"]?.stringValue, named[facility] == nil,
                let fields = known[facility]
            {
                named[facility] = .object(fields)
            }
            // The plots a harvest names, with their geometry, which the product page draws.
            for plot in members["fields"]?["plots"]?.arrayValue?.compactMap(\.stringValue) ?? []
            where named[plot] == nil {
                if let fields = known[plot] { named[plot] = .object(fields) }
            }
            // An origin or destination the caller sees that no facility record names: a participant's GLN, or a place
            // outside the ledger.
            for field in ["origin", "destination"] {
                guard let place = members["fields"]?[field]?.stringValue, known[place] == nil, places[place] == nil
                else { continue }
                places[place] = .object(parties.participant(named: place).map { ["participant": .string($0)] } ?? [:])
            }
            events.append(.object(members))
        }
        var body: [String: JSONValue] = [
            "query": .string(query),
            "kind": .string(kind),
            "lots": .array(lots.map(JSONValue.string)),
            "upstream_lots": .array(upstream.map(JSONValue.string)),
            "downstream_lots": .array(downstream.map(JSONValue.string)),
            "events": .array(events),
            "facilities": .object(named),
            "places": .object(places),
            "page": page,
        ]
        if let transfers { body["unrecorded_transfers"] = .array(transfers.map(\.json)) }
        if let product { body["product"] = product }
        return Response.json(.object(body))
    }
}
