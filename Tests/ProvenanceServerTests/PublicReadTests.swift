import HTTPTypes
import HummingbirdTesting
import Ingest
import LedgerCore
import LedgerCrypto
import Provenance
import TestSupport
import Testing

/// What anyone may read: checkpoints, histories, events and proofs, with sensitive fields withheld.
@Suite struct PublicReadTests {
    @Test func healthAndCheckpointNameTheLedger() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let checkpointNote = try await demo.ledger.latestCheckpoint()
        let expected = try Checkpoint.open(checkpointNote, verifier: demo.ledger.noteVerifier)
        try await demo.withServer { client in
            let health = try await client.call(.get, "/healthz")
            OpenAPIContract.expect(health, 200, "GET", "/healthz")
            #expect(try health.json["tree_size"] == .integer(expected.size))
            let ready = try await client.call(.get, "/readyz")
            OpenAPIContract.expect(ready, 200, "GET", "/readyz")
            #expect(try ready.json["status"] == "ready" && ready.json["replicas"] == .array([]))

            let checkpoint = try await client.call(.get, "/v1/checkpoint")
            OpenAPIContract.expect(checkpoint, 200, "GET", "/v1/checkpoint")
            let note = try SignedNote(parsing: try #require(try checkpoint.json["note"]?.stringValue))
            let keyText = try #require(try checkpoint.json["operator_key"]?.stringValue)
            let operatorKey = try Ed25519.PublicKey(rawRepresentation: try #require(Base64.decode(keyText)))
            // The note verifies under the key the response names, and is the ledger's latest.
            #expect(
                try Checkpoint.open(note, verifier: NoteVerifier(name: expected.origin, key: operatorKey)) == expected)
        }
    }

    @Test func lotHistoryFollowsTransformationsAndWithholdsSensitiveFields() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let response = try await client.call(.get, "/v1/lots/LOT-GH-101")
            OpenAPIContract.expect(response, 200, "GET", "/v1/lots/{id}")
            let body = try response.json
            let events = try #require(body["events"]?.arrayValue)
            let ship = try #require(events.first { $0["record_id"] == "GH-S-0101" })
            #expect(ship["fields"]?["product"] == "cocoa-beans")
            #expect(
                ship["fields"]?["unit_price"] == nil && ship["fields"]?["quantity"] == nil
                    && ship["fields"]?["destination"] == nil)
            #expect(ship["withheld"]?.arrayValue?.contains("unit_price") == true)
            #expect(body["facilities"]?["FARM-GH-01"]?["country"] == "GH")
            // The plot its harvest names comes with its master data and geometry, which the product page draws.
            let plot = body["facilities"]?["PLOT-GH-01-A"]
            #expect(plot?["kind"] == "plot" && plot?["parent_facility"] == "FARM-GH-01", "\(String(describing: plot))")
            let geometry = try JSONParser.parse(try #require(plot?["geometry"]?.stringValue))
            #expect(geometry["type"] == "Polygon")
            // The mill made a mass from this lot: the history reaches it downstream.
            #expect(body["downstream_lots"]?.arrayValue?.isEmpty == false)
            // The lot stayed with each party it reached: no move between two sites of one party went unrecorded.
            #expect(body["unrecorded_transfers"] == .array([]))

            let product = try await client.call(.get, "/v1/products/cocoa-beans?limit=3")
            OpenAPIContract.expect(product, 200, "GET", "/v1/products/{id}")
            #expect(try product.json["events"]?.arrayValue?.count == 3)
            #expect(try product.json["page"]?["next"] == .integer(3))
            #expect(try product.json["kind"] == "product")

            // Path parameters are percent-decoded, as a QR code's URL may encode them.
            #expect(try await client.call(.get, "/v1/lots/%4COT-GH-101").status == .ok)

            // A lot is not a product and a product is not a lot.
            OpenAPIContract.expect(
                try await client.call(.get, "/v1/products/LOT-GH-101"), 404, "GET", "/v1/products/{id}")
            OpenAPIContract.expect(try await client.call(.get, "/v1/lots/cocoa-beans"), 404, "GET", "/v1/lots/{id}")
        }
    }

    /// A product asked for by a GTIN, and a lot of it, come with the product's master data: its code, name and GTINs.
    @Test func aRegisteredProductIsDescribedByItsMasterData() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let beans = try EventContent(
            kind: .product, recordID: "product/cocoa-beans/1", occurredAt: Timestamp(epochSeconds: 1_830_297_600),
            fields: ["product": "cocoa-beans", "name": "Cocoa beans, fermented", "gtins": "4012345000016"])
        _ = try await demo.ledger.append([beans], signedWith: try DemoNetwork.key("farm-gh"))
        let expected: JSONValue = [
            "code": "cocoa-beans", "name": "Cocoa beans, fermented", "gtins": ["04012345000016"],
        ]
        try await demo.withServer { client in
            let byGTIN = try await client.call(.get, "/v1/products/04012345000016?limit=2")
            OpenAPIContract.expect(byGTIN, 200, "GET", "/v1/products/{id}")
            #expect(try byGTIN.json["product"] == expected)
            #expect(try byGTIN.json["events"]?.arrayValue?.count == 2)
            let lot = try await client.call(.get, "/v1/lots/LOT-GH-101")
            OpenAPIContract.expect(lot, 200, "GET", "/v1/lots/{id}")
            #expect(try lot.json["product"] == expected)
            // A product no master data describes has no description.
            let mass = try await client.call(.get, "/v1/products/cocoa-mass?limit=1")
            #expect(try mass.json["product"] == nil)
        }
    }

    /// Paging a product by `next_after` and by `next` lists the same events, each once, in time
    /// order; a page names its lots and the lots they went into.
    @Test func productPagesByCursorAndByOffsetAgree() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            func walk(_ first: String, next: (JSONValue) -> String?) async throws -> (ids: [String], total: JSONValue?)
            {
                var ids = [String]()
                var path: String? = first
                var total: JSONValue?
                while let current = path {
                    let response = try await client.call(.get, current)
                    OpenAPIContract.expect(response, 200, "GET", "/v1/products/{id}")
                    let body = try response.json
                    ids += body["events"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                    total = body["page"]?["total"]
                    path = body["page"].flatMap(next)
                }
                return (ids, total)
            }
            let byCursor = try await walk("/v1/products/cocoa-beans?limit=2") { page in
                page["next_after"]?.integerValue.map { "/v1/products/cocoa-beans?limit=2&after=\($0)" }
            }
            let byOffset = try await walk("/v1/products/cocoa-beans?limit=3") { page in
                page["next"]?.integerValue.map { "/v1/products/cocoa-beans?limit=3&offset=\($0)" }
            }
            #expect(byCursor.ids == byOffset.ids && Set(byCursor.ids).count == byCursor.ids.count)
            #expect(byCursor.total == .integer(byCursor.ids.count) && byCursor.ids.count > 4)
            let expected = try await demo.ledger.productHistory(of: "cocoa-beans", limit: 1_000).entries.map(
                \.event.id.hex)
            #expect(byCursor.ids == expected)

            let beans = try await client.call(.get, "/v1/products/cocoa-beans").json
            #expect(beans["lots"]?.arrayValue?.contains("LOT-GH-101") == true)
            #expect(beans["downstream_lots"]?.arrayValue?.isEmpty == false)

            // A cursor that is not one of the product's events names nothing to start after.
            let massEvent = try await demo.ledger.productHistory(of: "cocoa-mass").entries[0].index
            let foreignCursor = try await client.call(.get, "/v1/products/cocoa-beans?after=\(massEvent)")
            OpenAPIContract.expect(foreignCursor, 404, "GET", "/v1/products/{id}")
            #expect(foreignCursor.errorCode == "not_found")
            OpenAPIContract.expect(
                try await client.call(.get, "/v1/products/cocoa-beans?after=x"), 400, "GET", "/v1/products/{id}")
        }
    }

    /// A destination no facility record names is a participant's, by its GLN, or outside the ledger; public readers
    /// see neither, as they do not see the destination.
    @Test func aLotsPlacesNameTheParticipantBehindAGLN() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let folder = TestPaths.sampleData.appendingPathComponent("demo")
        _ = try await demo.ledger.ingest(
            ShipmentXML(path: folder.appendingPathComponent("factory-de-receipts.xml").path),
            signedWith: try DemoNetwork.key("factory-de"))
        _ = try await demo.ledger.ingest(
            EPCISDocument(path: folder.appendingPathComponent("factory-de-dispatch.epcis.xml").path),
            signedWith: try DemoNetwork.key("factory-de"))
        let retailer = "urn:epc:id:sgln:4098765.00001.0"
        try await demo.withServer { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            func places(_ token: String?) async throws -> JSONValue? {
                let response = try await client.call(.get, "/v1/lots/LOT-DE-CHOC-31", token: token)
                OpenAPIContract.expect(response, 200, "GET", "/v1/lots/{id}")
                return try response.json["places"]
            }
            #expect(try await places(token)?[retailer] == .object([:]))
            #expect(try await places(nil) == .object([:]))
            // Once the retailer's GLN is a participant's, the place names it.
            let retailKey = try Ed25519.PrivateKey(seed: (0..<32).map { UInt8(200 - $0) })
            _ = try await demo.ledger.registerParticipant(
                id: "retail-nl", name: "Retail", role: .producer, publicKey: retailKey.publicKey,
                glns: ["4098765000010"])
            #expect(try await places(token)?[retailer] == ["participant": "retail-nl"])
            #expect(try await places(nil) == .object([:]))
        }
    }

    @Test func partiesAndAuditorsSeeEveryFieldOthersDoNot() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            func shipFields(_ token: String?) async throws -> JSONValue? {
                let response = try await client.call(.get, "/v1/lots/LOT-GH-101", token: token)
                return try response.json["events"]?.arrayValue?.first { $0["record_id"] == "GH-S-0101" }?["fields"]
            }
            // The shipper, the receiving facility's owner and the auditor see the price; another producer does not.
            for participant in ["farm-gh", "mill-nl", "auditor"] {
                let token = try await client.login(participant, key: try DemoNetwork.key(participant))
                #expect(try await shipFields(token)?["unit_price"] == "2.58", "\(participant)")
            }
            let factory = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            #expect(try await shipFields(factory)?["unit_price"] == nil)
        }
    }

    @Test func eventAndProofVerifyOfflineWithFieldsWithheld() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let history = try await demo.ledger.history(of: "LOT-GH-101", as: .lot)
        let ship = try #require(history.entries.first { $0.event.header.recordID == "GH-S-0101" })
        let id = ship.event.id.hex
        try await demo.withServer { client in
            let event = try await client.call(.get, "/v1/events/\(id)")
            OpenAPIContract.expect(event, 200, "GET", "/v1/events/{id}")
            #expect(try event.json["index"] == .integer(ship.index))

            let proof = try await client.call(.get, "/v1/events/\(id)/proof")
            OpenAPIContract.expect(proof, 200, "GET", "/v1/events/{id}/proof")
            let bundle = try ProofBundle(bytes: proof.body)
            let verified = try bundle.verify(operatorKey: demo.ledger.metadata.operatorKey)
            #expect(verified.event.id == ship.event.id)
            #expect(verified.event.withheldFields.contains("unit_price"))

            // One changed byte and the bundle no longer verifies.
            var tampered = proof.body
            let position = try #require(tampered.firstIndex(of: UInt8(ascii: "6")))
            tampered[position] = UInt8(ascii: "7")
            #expect(throws: LedgerError.self) {
                try ProofBundle(bytes: tampered).verify(operatorKey: demo.ledger.metadata.operatorKey)
            }
        }
    }

    @Test func consistencyProofExtendsAnEarlierCheckpoint() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let old = try #require(try await demo.ledger.store.checkpoint(size: 6))
        let oldCheckpoint = try Checkpoint(body: SignedNote(parsing: old.note).text)
        try await demo.withServer { client in
            let response = try await client.call(.get, "/v1/consistency?from=6")
            OpenAPIContract.expect(response, 200, "GET", "/v1/consistency")
            let body = try response.json
            let proof = try #require(body["proof"]?.arrayValue).compactMap {
                $0.stringValue.flatMap(Base64.decode).flatMap(Digest.init)
            }
            let newCheckpoint = try Checkpoint(
                body: SignedNote(parsing: try #require(body["checkpoint"]?.stringValue)).text)
            #expect(
                Merkle.verifyConsistency(
                    oldSize: 6, newSize: newCheckpoint.size, oldRoot: oldCheckpoint.root, newRoot: newCheckpoint.root,
                    proof: proof))

            OpenAPIContract.expect(try await client.call(.get, "/v1/consistency"), 400, "GET", "/v1/consistency")
            let beyond = try await client.call(.get, "/v1/consistency?from=999999")
            OpenAPIContract.expect(beyond, 409, "GET", "/v1/consistency")
            #expect(beyond.errorCode == "invalid_state")
        }
    }

    @Test func errorsAreJSONWithStableCodes() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let badID = try await client.call(.get, "/v1/events/not-an-id")
            OpenAPIContract.expect(badID, 400, "GET", "/v1/events/{id}")
            #expect(badID.errorCode == "invalid_record")
            let unknown = try await client.call(.get, "/v1/events/\(String(repeating: "ab", count: 32))")
            OpenAPIContract.expect(unknown, 404, "GET", "/v1/events/{id}")
            #expect(unknown.errorCode == "not_found")
            let badPage = try await client.call(.get, "/v1/lots/LOT-GH-101?limit=5000")
            #expect(badPage.status == .badRequest && badPage.errorCode == "bad_request")
            let noRoute = try await client.call(.get, "/v2/nothing")
            #expect(noRoute.status == .notFound && noRoute.errorCode == "not_found")
        }
    }

    @Test func aMethodAPathDoesNotTakeIs405WithTheMethodsItTakes() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            for (method, uri, allow) in [
                (HTTPRequest.Method.trace, "/v1/checkpoint", "GET, HEAD"),
                (.delete, "/v1/lots/LOT-GH-101", "GET, HEAD"),
                (.put, "/v1/anomalies/F-0000000000000000/review", "POST"), (.get, "/v1/batches", "POST"),
                (.options, "/assets/style.css", "GET, HEAD"),
            ] {
                let answer = try await client.call(method, uri)
                #expect(answer.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(answer.headers[.allow] == allow, "\(method) \(uri)")
                #expect(answer.errorCode == "method_not_allowed", "\(method) \(uri)")
            }
            #expect(try await client.call(.trace, "/v2/nothing").status == .notFound)
        }
    }

    @Test func queryParametersHaveTheBoundsTheDocumentGives() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let largest = 9_007_199_254_740_991
            for uri in [
                "/v1/lots/LOT-GH-101?limit=0", "/v1/lots/LOT-GH-101?offset=-1", "/v1/lots/LOT-GH-101?limit=1001",
                "/v1/lots/LOT-GH-101?offset=\(largest + 1)", "/v1/lots/LOT-GH-101?offset=123456789012345678901234",
            ] {
                let answer = try await client.call(.get, uri)
                OpenAPIContract.expect(answer, 400, "GET", "/v1/lots/{id}")
                #expect(answer.errorCode == "bad_request", "\(uri)")
            }
            let lastPage = try await client.call(.get, "/v1/lots/LOT-GH-101?offset=\(largest)&limit=1")
            OpenAPIContract.expect(lastPage, 200, "GET", "/v1/lots/{id}")
            #expect(try lastPage.json["events"]?.arrayValue?.isEmpty == true)
            OpenAPIContract.expect(
                try await client.call(.get, "/v1/products/cocoa-beans?limit=0"), 400, "GET", "/v1/products/{id}")
        }
    }

    @Test func headAnswersAsGetWithoutTheBody() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let health = try await client.call(.head, "/healthz")
            #expect(health.status == .ok && health.body.isEmpty && health.headers[.contentType] == "application/json")
            #expect(try await client.call(.head, "/v1/lots/LOT-GH-101").status == .ok)
            #expect(try await client.call(.head, "/v1/lots/nothing").status == .notFound)
            #expect(try await client.call(.head, "/p/LOT-GH-101").status == .ok)
        }
    }
}
