import Hummingbird
import LedgerCore
import Provenance

/// Producers' batches: events the producer signed, appended as one block.
extension LedgerAPI {
    /// Most events in one batch.
    static let batchLimit = 100_000

    func registerBatches(on router: Router<ProvenanceRequestContext>) {
        router.post("/v1/batches") { request, context in
            let caller = try context.requireCaller()
            let contentType = request.headers[.contentType] ?? ""
            guard contentType.hasPrefix("application/json") else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    "a batch is application/json: {\"events\": [signed events]}, as 'prov push' sends; got '\(contentType)'")
            }
            let body = try await request.jsonObject(context: context)
            guard let items = body["events"]?.arrayValue, Set(body.keys) == ["events"] else {
                throw APIError.badRequest("a batch is {\"events\": [{\"statement\", \"signature\", \"disclosures\"}, …]}")
            }
            guard items.count <= Self.batchLimit else {
                throw APIError(.contentTooLarge, code: "payload_too_large", "a batch holds at most \(Self.batchLimit) events; split it")
            }
            var events = [SignedEvent]()
            events.reserveCapacity(items.count)
            for (position, item) in items.enumerated() {
                let event: SignedEvent
                do throws(LedgerError) {
                    event = try SignedEvent(transportJSON: item)
                } catch {
                    throw error.at("events[\(position)]")
                }
                guard event.header.signer == caller.id else {
                    throw APIError(
                        .forbidden, code: "forbidden",
                        "events[\(position)] (record \(event.header.recordID)) is signed as \(event.header.signer), but the token is \(caller.id)'s")
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
    }
}
