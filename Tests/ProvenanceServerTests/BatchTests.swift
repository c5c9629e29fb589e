import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import Testing

/// `POST /v1/batches`: events the producer signed, appended as one block, all or nothing.
@Suite struct BatchTests {
    static func harvest(_ recordID: String, lot: String, quantity: String = "120.5") throws -> EventContent {
        try EventContent(
            kind: .produce, recordID: recordID, occurredAt: Timestamp(iso8601: "2026-06-01T07:00:00Z"),
            fields: [
                "product": "cocoa-beans", "lot": .string(lot), "facility": "FARM-GH-01", "unit": "kg", "quantity": .string(quantity),
            ])
    }

    static func batch(_ events: [SignedEvent]) -> JSONValue {
        ["events": .array(events.map(\.transportJSON))]
    }

    @Test func aSignedBatchIsAppendedOnceAndReadBack() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let farmKey = try DemoNetwork.key("farm-gh")
        let events = try [Self.harvest("GH-H-0900", lot: "LOT-GH-900"), Self.harvest("GH-H-0901", lot: "LOT-GH-901")]
            .map { try SignedEvent.sign($0, signer: "farm-gh", key: farmKey) }
        try await demo.withServer { client in
            let token = try await client.login("farm-gh", key: farmKey)
            let created = try await client.call(.post, "/v1/batches", token: token, json: Self.batch(events))
            OpenAPIContract.expect(created, 201, "POST", "/v1/batches")
            #expect(try created.json["accepted"] == .integer(2))

            // Sending it again is a no-op.
            let again = try await client.call(.post, "/v1/batches", token: token, json: Self.batch(events))
            OpenAPIContract.expect(again, 200, "POST", "/v1/batches")
            #expect(try again.json["duplicates"] == .integer(2) && again.json["block"] == .null)

            let lot = try await client.call(.get, "/v1/lots/LOT-GH-900", token: token)
            #expect(try lot.json["events"]?.arrayValue?.first?["fields"]?["quantity"] == "120.5")
        }
        #expect(await demo.ledger.verify().isValid)
    }

    @Test func concurrentBatchesEachGetTheirOwnBlock() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let farmKey = try DemoNetwork.key("farm-gh")
        let batches = try (0..<6).map { batch in
            try (0..<20).map { item in
                try SignedEvent.sign(Self.harvest("GH-H-C\(batch)-\(item)", lot: "LOT-GH-C\(batch)-\(item)"), signer: "farm-gh", key: farmKey)
            }
        }
        try await demo.withServer { client in
            let token = try await client.login("farm-gh", key: farmKey)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for batch in batches {
                    group.addTask { Int(try await client.call(.post, "/v1/batches", token: token, json: Self.batch(batch)).status.code) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: batches.count))
        }
        let report = await demo.ledger.verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
    }

    @Test func refusedBatchesWriteNothingAndSayWhy() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let farmKey = try DemoNetwork.key("farm-gh")
        let sizeBefore = try Checkpoint(body: try await demo.ledger.latestCheckpoint().text).size
        let good = try SignedEvent.sign(Self.harvest("GH-H-0950", lot: "LOT-GH-950"), signer: "farm-gh", key: farmKey)
        try await demo.withServer { client in
            let farm = try await client.login("farm-gh", key: farmKey)
            let mill = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))

            OpenAPIContract.expect(try await client.call(.post, "/v1/batches", json: Self.batch([good])), 401, "POST", "/v1/batches")

            // Signed by the farm, sent with the mill's token.
            let otherSigner = try await client.call(.post, "/v1/batches", token: mill, json: Self.batch([good]))
            OpenAPIContract.expect(otherSigner, 403, "POST", "/v1/batches")
            #expect(try otherSigner.json["error"]?["message"]?.stringValue?.contains("events[0] (record GH-H-0950) is signed as farm-gh") == true)

            // A signature that does not verify refuses the whole batch, the good event with it.
            let forged = try SignedEvent.sign(Self.harvest("GH-H-0951", lot: "LOT-GH-951"), signer: "farm-gh", key: try DemoNetwork.key("mill-nl"))
            let badSignature = try await client.call(.post, "/v1/batches", token: farm, json: Self.batch([good, forged]))
            OpenAPIContract.expect(badSignature, 403, "POST", "/v1/batches")
            #expect(badSignature.errorCode == "bad_signature")

            // The same record ID with other content is a conflict.
            let existing = try SignedEvent.sign(Self.harvest("GH-H-0101", lot: "LOT-GH-101", quantity: "1"), signer: "farm-gh", key: farmKey)
            let conflict = try await client.call(.post, "/v1/batches", token: farm, json: Self.batch([good, existing]))
            OpenAPIContract.expect(conflict, 409, "POST", "/v1/batches")
            #expect(conflict.errorCode == "conflict")

            // Malformed bodies.
            let notJSON = try await client.call(.post, "/v1/batches", token: farm, contentType: "application/json", body: Array("{\"events\": [\n,]}".utf8))
            OpenAPIContract.expect(notJSON, 400, "POST", "/v1/batches")
            #expect(try notJSON.json["error"]?["message"]?.stringValue?.contains("line 2") == true)
            var statement = try #require(good.transportJSON.objectValue)
            statement["signature"] = "not base64!"
            let malformed = try await client.call(.post, "/v1/batches", token: farm, json: ["events": [.object(statement)]])
            OpenAPIContract.expect(malformed, 400, "POST", "/v1/batches")
            #expect(try malformed.json["error"]?["message"]?.stringValue?.contains("events[0]") == true)
            let csv = try await client.call(.post, "/v1/batches", token: farm, contentType: "text/csv", body: Array("record_id\n".utf8))
            OpenAPIContract.expect(csv, 415, "POST", "/v1/batches")
        }
        #expect(try Checkpoint(body: try await demo.ledger.latestCheckpoint().text).size == sizeBefore)
    }
}
