import Foundation
import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import ProvenanceServer
import TestSupport
import Testing

/// `POST /v1/batches`: events the producer signed, appended as one block, all or nothing.
@Suite struct BatchTests {
    static func harvest(_ recordID: String, lot: String, quantity: String = "120.5") throws -> EventContent {
        try EventContent(
            kind: .produce, recordID: recordID, occurredAt: Timestamp(iso8601: "2026-06-01T07:00:00Z"),
            fields: [
                "product": "cocoa-beans", "lot": .string(lot), "facility": "FARM-GH-01", "unit": "kg",
                "quantity": .string(quantity),
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
                try SignedEvent.sign(
                    Self.harvest("GH-H-C\(batch)-\(item)", lot: "LOT-GH-C\(batch)-\(item)"), signer: "farm-gh",
                    key: farmKey)
            }
        }
        try await demo.withServer { client in
            let token = try await client.login("farm-gh", key: farmKey)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for batch in batches {
                    group.addTask {
                        Int(
                            try await client.call(.post, "/v1/batches", token: token, json: Self.batch(batch)).status
                                .code)
                    }
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

            OpenAPIContract.expect(
                try await client.call(.post, "/v1/batches", json: Self.batch([good])), 401, "POST", "/v1/batches")

            // Signed by the farm, sent with the mill's token.
            let otherSigner = try await client.call(.post, "/v1/batches", token: mill, json: Self.batch([good]))
            OpenAPIContract.expect(otherSigner, 403, "POST", "/v1/batches")
            #expect(
                try otherSigner.json["error"]?["message"]?.stringValue?.contains(
                    "events[0] (record GH-H-0950) is signed as farm-gh") == true)

            // A signature that does not verify refuses the whole batch, the good event with it.
            let forged = try SignedEvent.sign(
                Self.harvest("GH-H-0951", lot: "LOT-GH-951"), signer: "farm-gh", key: try DemoNetwork.key("mill-nl"))
            let badSignature = try await client.call(
                .post, "/v1/batches", token: farm, json: Self.batch([good, forged]))
            OpenAPIContract.expect(badSignature, 403, "POST", "/v1/batches")
            #expect(badSignature.errorCode == "bad_signature")

            // The same record ID with other content is a conflict.
            let existing = try SignedEvent.sign(
                Self.harvest("GH-H-0101", lot: "LOT-GH-101", quantity: "1"), signer: "farm-gh", key: farmKey)
            let conflict = try await client.call(.post, "/v1/batches", token: farm, json: Self.batch([good, existing]))
            OpenAPIContract.expect(conflict, 409, "POST", "/v1/batches")
            #expect(conflict.errorCode == "conflict")

            // Malformed bodies.
            let notJSON = try await client.call(
                .post, "/v1/batches", token: farm, contentType: "application/json",
                body: Array("{\"events\": [\n,]}".utf8))
            OpenAPIContract.expect(notJSON, 400, "POST", "/v1/batches")
            #expect(try notJSON.json["error"]?["message"]?.stringValue?.contains("line 2") == true)
            var statement = try #require(good.transportJSON.objectValue)
            statement["signature"] = "not base64!"
            let malformed = try await client.call(
                .post, "/v1/batches", token: farm, json: ["events": [.object(statement)]])
            OpenAPIContract.expect(malformed, 400, "POST", "/v1/batches")
            #expect(try malformed.json["error"]?["message"]?.stringValue?.contains("events[0]") == true)
            let csv = try await client.call(
                .post, "/v1/batches", token: farm, contentType: "text/csv", body: Array("record_id\n".utf8))
            OpenAPIContract.expect(csv, 415, "POST", "/v1/batches")
        }
        #expect(try Checkpoint(body: try await demo.ledger.latestCheckpoint().text).size == sizeBefore)
    }
}

/// `POST /v1/batches` with a CSV, shipment XML or EPCIS body, signed by the server with a key the
/// producer left with it (`prov serve --signing-keys`).
@Suite struct RawBatchTests {
    static let header = "record_id,event,occurred_at,product,lot,quantity,unit,facility\n"

    static func csv(_ rows: String...) -> [UInt8] {
        Array((header + rows.joined(separator: "\n") + "\n").utf8)
    }

    @Test func aCSVBodyIsSignedForTheCallerAndImportedOnce() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["farm-gh"])
        #expect(keys.participants == ["farm-gh"])
        let body = Self.csv(
            "GH-H-0950,produce,2026-06-01T07:00:00Z,cocoa-beans,LOT-GH-950,120.5,kg,FARM-GH-01",
            "GH-H-0951,produce,2026-06-01T08:00:00Z,cocoa-beans,LOT-GH-951,98,kg,FARM-GH-01")
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("farm-gh", key: try DemoNetwork.key("farm-gh"))
            let created = try await client.call(.post, "/v1/batches", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(created, 201, "POST", "/v1/batches")
            #expect(try created.json["accepted"] == .integer(2) && created.json["signer"] == "farm-gh")

            let again = try await client.call(
                .post, "/v1/batches", token: token, contentType: "text/csv; charset=utf-8", body: body)
            OpenAPIContract.expect(again, 200, "POST", "/v1/batches")
            #expect(try again.json["duplicates"] == .integer(2) && again.json["block"] == .null)
        }
        // Signed with the farm's registered key: the ledger verifies it like any other event.
        let lot = try await demo.ledger.history(of: "LOT-GH-950", as: .lot)
        #expect(lot.entries.map(\.event.header.signer) == ["farm-gh"])
        #expect(lot.entries.first?.event.isSignedBy(try DemoNetwork.key("farm-gh").publicKey) == true)
        #expect(await demo.ledger.verify().isValid)
    }

    @Test func anInvalidRecordRefusesTheBodyUnlessSkipped() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["farm-gh"])
        let body = Self.csv(
            "GH-H-0960,produce,2026-06-01T07:00:00Z,cocoa-beans,LOT-GH-960,120.5,kg,FARM-GH-01",
            "GH-H-0961,produce,2026-06-01T08:00:00Z,cocoa-beans,LOT-GH-961,-4,kg,FARM-GH-01")
        let before = try await demo.ledger.latestCheckpoint()
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("farm-gh", key: try DemoNetwork.key("farm-gh"))
            let refused = try await client.call(.post, "/v1/batches", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(refused, 422, "POST", "/v1/batches")
            #expect(refused.errorCode == "invalid_record")
            let reject = try #require(try refused.json["rejects"]?.arrayValue?.first)
            #expect(reject["line"] == .integer(3))
            let message = try #require(reject["message"]?.stringValue)
            #expect(
                message.contains("body:3") && message.contains("quantity") && !message.contains("prov-batch-"),
                "\(message)")
            #expect(try await demo.ledger.latestCheckpoint() == before)

            let skipped = try await client.call(
                .post, "/v1/batches?skip_invalid=true", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(skipped, 201, "POST", "/v1/batches")
            #expect(try skipped.json["accepted"] == .integer(1) && skipped.json["rejected"] == .integer(1))
            #expect(try skipped.json["rejects"]?.arrayValue?.count == 1)

            let malformed = try await client.call(
                .post, "/v1/batches?dry_run=maybe", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(malformed, 400, "POST", "/v1/batches")
        }
    }

    @Test func shipmentXMLAndEPCISBodiesAreReadAsProvIngestReadsThem() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["factory-de"])
        let folder = TestPaths.sampleData.appendingPathComponent("demo")
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            for file in ["factory-de-receipts.xml", "factory-de-dispatch.epcis.xml"] {
                let body = [UInt8](try Data(contentsOf: folder.appendingPathComponent(file)))
                let created = try await client.call(
                    .post, "/v1/batches", token: token, contentType: "application/xml", body: body)
                OpenAPIContract.expect(created, 201, "POST", "/v1/batches")
                #expect(try (created.json["accepted"]?.integerValue ?? 0) > 0, "\(file)")
            }
            let broken = try await client.call(
                .post, "/v1/batches", token: token, contentType: "application/xml", body: Array("<shipments".utf8))
            #expect(broken.status == .badRequest && broken.errorCode == "invalid_record")
        }
    }

    /// The demo's dispatch as JSON-LD: read as `prov ingest` reads it. Its XML twin gives its events the same IDs with
    /// an extension written otherwise, so its records are refused (an ID already used with other content), not
    /// imported twice.
    @Test func anEPCISJSONLDBodyIsReadAsProvIngestReadsIt() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["factory-de"])
        let folder = TestPaths.sampleData.appendingPathComponent("demo")
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let json = [UInt8](try Data(contentsOf: folder.appendingPathComponent("factory-de-dispatch.epcis.jsonld")))
            let created = try await client.call(
                .post, "/v1/batches", token: token, contentType: "application/ld+json", body: json)
            OpenAPIContract.expect(created, 201, "POST", "/v1/batches")
            #expect(try created.json["accepted"] == .integer(2))
            let xml = [UInt8](try Data(contentsOf: folder.appendingPathComponent("factory-de-dispatch.epcis.xml")))
            let twin = try await client.call(
                .post, "/v1/batches", token: token, contentType: "application/xml", body: xml)
            OpenAPIContract.expect(twin, 422, "POST", "/v1/batches")
            let message = try twin.json["rejects"]?.arrayValue?.first?["message"]?.stringValue ?? ""
            // The packing event is the same in both syntaxes (a duplicate); the dispatch's truck is written otherwise.
            #expect(
                message.contains(
                    "'urn:uuid:6d1a2a3e-8b54-4f0e-9a41-2c7d0c3b3102' was already imported with different content"),
                "\(message)")
            #expect(try twin.json["rejects"]?.arrayValue?.count == 1)
            let broken = try await client.call(
                .post, "/v1/batches", token: token, contentType: "application/ld+json", body: Array("{\"type\": 1".utf8)
            )
            OpenAPIContract.expect(broken, 400, "POST", "/v1/batches")
            #expect(broken.errorCode == "invalid_record")
        }
    }

    @Test func rawBodiesNeedAKeyTheServerHolds() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let body = Self.csv("NL-X-1,produce,2026-06-01T07:00:00Z,cocoa-beans,LOT-NL-X1,1,kg,MILL-NL-01")
        try await demo.withServer { client in
            let token = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            let refused = try await client.call(.post, "/v1/batches", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(refused, 415, "POST", "/v1/batches")
            #expect(try refused.json["error"]?["message"]?.stringValue?.contains("--signing-keys") == true)
        }
        try await demo.withServer(signingKeys: try await demo.signingKeys(["farm-gh"])) { client in
            let token = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            let refused = try await client.call(.post, "/v1/batches", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(refused, 403, "POST", "/v1/batches")
            let anonymous = try await client.call(.post, "/v1/batches", contentType: "text/csv", body: body)
            #expect(anonymous.status == .unauthorized)
        }
        // A key no participant is registered with is refused when the server starts.
        let stranger = demo.folder.appendingPathComponent("stranger-keys")
        try FileManager.default.createDirectory(at: stranger, withIntermediateDirectories: true)
        try Ed25519.PrivateKey(seed: Array(repeating: 9, count: 32)).pemRepresentation().write(
            to: stranger.appendingPathComponent("stranger.pem"), atomically: true, encoding: .utf8)
        await #expect { try await SigningKeys.load(directory: stranger.path, ledger: demo.ledger) } throws: {
            ($0 as? LedgerError)?.code == .unknownSigner
        }
    }
}
