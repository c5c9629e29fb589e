import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import Testing

/// Flags, signed reviews and anchored reports over the API.
@Suite struct ComplianceTests {
    @Test func anOfficerReviewsAFlagWithASignatureMadeOutsideTheServer() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let officerKey = try DemoNetwork.key("compliance")
        try await demo.withServer { client in
            let officer = try await client.login("compliance", key: officerKey)
            let list = try await client.call(.get, "/v1/anomalies?status=open", token: officer)
            OpenAPIContract.expect(list, 200, "GET", "/v1/anomalies")
            let flags = try #require(try list.json["items"]?.arrayValue)
            let capacity = try #require(
                flags.first { $0["rules"]?.arrayValue?.contains { $0["rule"] == "over_capacity" } == true })
            let id = try #require(capacity["id"]?.stringValue)
            OpenAPIContract.expect(
                try await client.call(.get, "/v1/anomalies/\(id)", token: officer), 200, "GET", "/v1/anomalies/{id}")

            // The server prepares the statement; the officer signs it with a key the server never sees.
            let decision: JSONValue = ["decision": "confirmed", "note": "weighbridge slips requested"]
            let prepared = try await client.call(
                .post, "/v1/anomalies/\(id)/review/statement", token: officer, json: decision)
            OpenAPIContract.expect(prepared, 200, "POST", "/v1/anomalies/{id}/review/statement")
            let statementText = try #require(try prepared.json["statement"]?.stringValue)
            let statement = try #require(Base64.decode(statementText))
            let signature = try officerKey.signature(for: statement)
            let disclosures = try #require(try prepared.json["disclosures"])
            let signed: JSONValue = [
                "statement": .string(Base64.encode(statement)), "signature": .string(Base64.encode(signature)),
                "disclosures": disclosures,
            ]

            // Another flag's ID, or a forged signature, is refused.
            OpenAPIContract.expect(
                try await client.call(.post, "/v1/anomalies/F-0000000000000000/review", token: officer, json: signed),
                400, "POST",
                "/v1/anomalies/{id}/review")
            let forged: JSONValue = [
                "statement": .string(Base64.encode(statement)),
                "signature": .string(Base64.encode(try DemoNetwork.key("farm-gh").signature(for: statement))),
                "disclosures": disclosures,
            ]
            let forgedAnswer = try await client.call(.post, "/v1/anomalies/\(id)/review", token: officer, json: forged)
            OpenAPIContract.expect(forgedAnswer, 403, "POST", "/v1/anomalies/{id}/review")
            #expect(forgedAnswer.errorCode == "bad_signature")
            // Bytes the officer signed that are not a statement, and a body with a member the route does not take.
            let garbage = Array("not a statement".utf8)
            let signedGarbage: JSONValue = [
                "statement": .string(Base64.encode(garbage)),
                "signature": .string(Base64.encode(try officerKey.signature(for: garbage))),
            ]
            let notAStatement = try await client.call(
                .post, "/v1/anomalies/\(id)/review", token: officer, json: signedGarbage)
            OpenAPIContract.expect(notAStatement, 400, "POST", "/v1/anomalies/{id}/review")
            #expect(notAStatement.errorCode == "invalid_record")
            let extra: JSONValue = ["decision": "confirmed", "note": "n", "urgent": .bool(true)]
            let unknownMember = try await client.call(
                .post, "/v1/anomalies/\(id)/review/statement", token: officer, json: extra)
            OpenAPIContract.expect(unknownMember, 400, "POST", "/v1/anomalies/{id}/review/statement")
            #expect(String(decoding: unknownMember.body, as: UTF8.self).contains("'urgent'"))

            let recorded = try await client.call(.post, "/v1/anomalies/\(id)/review", token: officer, json: signed)
            OpenAPIContract.expect(recorded, 201, "POST", "/v1/anomalies/{id}/review")
            #expect(try recorded.json["flag"]?["status"] == "confirmed")
            #expect(try recorded.json["flag"]?["reviews"]?.arrayValue?.first?["note"] == "weighbridge slips requested")

            let confirmed = try await client.call(.get, "/v1/anomalies?status=confirmed", token: officer)
            #expect(try confirmed.json["items"]?.arrayValue?.map { $0["id"] } == [.string(id)])

            // The review's flag and note are the compliance office's: a public reader sees that a review exists and
            // its decision, the flag's own parties (the farm) see all of it, another producer sees no more than the
            // public, in the event and in its proof.
            let eventID = try #require(try recorded.json["event_id"]?.stringValue)
            let farm = try await client.login("farm-gh", key: try DemoNetwork.key("farm-gh"))
            let mill = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            for (reader, seesAll) in [(String?.none, false), (mill, false), (farm, true), (officer, true)] {
                let event = try await client.call(.get, "/v1/events/\(eventID)", token: reader)
                OpenAPIContract.expect(event, 200, "GET", "/v1/events/{id}")
                let fields = try #require(try event.json["fields"]?.objectValue)
                #expect(fields["decision"] == "confirmed")
                #expect((fields["note"] == "weighbridge slips requested") == seesAll, "\(fields)")
                #expect((fields["flag"] == .string(id)) == seesAll, "\(fields)")
                let proof = try await client.call(.get, "/v1/events/\(eventID)/proof", token: reader)
                #expect(String(decoding: proof.body, as: UTF8.self).contains("weighbridge") == seesAll)
            }

            // An auditor reads flags but may not decide; a producer may do neither.
            let auditor = try await client.login("auditor", key: try DemoNetwork.key("auditor"))
            #expect(try await client.call(.get, "/v1/anomalies", token: auditor).status == .ok)
            OpenAPIContract.expect(
                try await client.call(.post, "/v1/anomalies/\(id)/review/statement", token: auditor, json: decision),
                403, "POST",
                "/v1/anomalies/{id}/review/statement")
        }
        let confirmed = try await demo.ledger.flags(status: .confirmed)
        #expect(confirmed.first?.reviews.first?.officer == "compliance")
    }

    /// The product page's line on detection: the anchored report covering a lot, and a confirmed flag on it only once
    /// an officer confirmed it (an open flag is not told).
    @Test func aLotsDetectionTellsOnlyConfirmedFlags() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let flag = try #require(try await demo.ledger.flags().first { $0.flag.lot != nil })
        let lot = try #require(flag.flag.lot)
        try await demo.withServer { client in
            let path = "/v1/lots/\(lot)/detection"
            let before = try await client.call(.get, path)
            OpenAPIContract.expect(before, 200, "GET", "/v1/lots/{id}/detection")
            let detection = try before.json
            #expect(detection["report"]?["digest"] == .string(flag.reportDigest.hex), "\(detection)")
            #expect(detection["confirmed_flag"] == .bool(false))
            _ = try await demo.ledger.review(
                flag: flag.flag.id, decision: .confirmed, note: "checked", signedWith: try DemoNetwork.key("compliance")
            )
            let after = try await client.call(.get, path).json
            #expect(after["confirmed_flag"] == .bool(true), "\(after)")
            OpenAPIContract.expect(
                try await client.call(.get, "/v1/lots/NO-SUCH-LOT/detection"), 404, "GET", "/v1/lots/{id}/detection")
        }
    }

    @Test func reportsAreListedAndServedAsAnchored() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let auditor = try await client.login("auditor", key: try DemoNetwork.key("auditor"))
            let list = try await client.call(.get, "/v1/reports", token: auditor)
            OpenAPIContract.expect(list, 200, "GET", "/v1/reports")
            let digest = try #require(try list.json["items"]?.arrayValue?.first?["digest"]?.stringValue)

            let report = try await client.call(.get, "/v1/reports/\(digest)", token: auditor)
            OpenAPIContract.expect(report, 200, "GET", "/v1/reports/{digest}")
            #expect(SHA256.hash(report.body).hex == digest)
            #expect(try await demo.ledger.verifyReport(report.body).digest.hex == digest)

            let html = try await client.call(.get, "/v1/reports/\(digest)/html", token: auditor)
            OpenAPIContract.expect(html, 200, "GET", "/v1/reports/{digest}/html")
            #expect(String(decoding: html.body, as: UTF8.self).contains("<svg"))

            // What the report is reproduced from, with the digests its anchor carries.
            let anchor = try await demo.ledger.verifyReport(report.body).anchorEventID
            let fields = try await demo.ledger.event(id: anchor).event.header.publicFields
            let model = try await client.call(.get, "/v1/reports/\(digest)/model", token: auditor)
            OpenAPIContract.expect(model, 200, "GET", "/v1/reports/{digest}/model")
            #expect(fields["model_digest"] == .string(SHA256.hash(model.body).hex))
            let definition = try await client.call(.get, "/v1/reports/\(digest)/definition", token: auditor)
            OpenAPIContract.expect(definition, 200, "GET", "/v1/reports/{digest}/definition")
            #expect(fields["pipeline_digest"] == .string(SHA256.hash(definition.body).hex))
            #expect(try await demo.ledger.reproduceReport(report.body).reproduced)
            // Compliance readers only.
            let farm = try await client.login("farm-gh", key: try DemoNetwork.key("farm-gh"))
            OpenAPIContract.expect(
                try await client.call(.get, "/v1/reports/\(digest)/model", token: farm), 403, "GET",
                "/v1/reports/{digest}/model")

            OpenAPIContract.expect(
                try await client.call(.get, "/v1/reports/\(String(repeating: "0", count: 64))", token: auditor), 404,
                "GET", "/v1/reports/{digest}")
        }
    }
}
