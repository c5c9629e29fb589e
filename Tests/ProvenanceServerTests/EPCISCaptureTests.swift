import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Provenance
@testable import ProvenanceServer
import TestSupport
import Testing

/// `POST /epcis/capture` and its jobs: the GS1 EPCIS 2.0 REST binding's capture interface.
@Suite struct EPCISCaptureTests {
    static let errorBehaviour = HTTPField.Name.spelled("GS1-Capture-Error-Behaviour")
    static let dispatch = TestPaths.sampleData.appendingPathComponent("demo/factory-de-dispatch.epcis.jsonld")

    /// The demo's dispatch document with its second event's time replaced by `time`.
    static func dispatchDocument(secondEventTime time: String? = nil) throws -> [UInt8] {
        var text = try String(contentsOf: dispatch, encoding: .utf8)
        if let time {
            text = text.replacingOccurrences(
                of: "\"eventTime\": \"2026-05-04T07:30:00.000+02:00\"", with: "\"eventTime\": \"\(time)\"")
        }
        return Array(text.utf8)
    }

    /// Follows the job at `location` until it stops running.
    static func finished(_ location: String, client: any TestClientProtocol, token: String) async throws -> APIResponse
    {
        for _ in 0..<500 {
            let job = try await client.call(.get, location, token: token)
            OpenAPIContract.expect(job, 200, "GET", "/epcis/capture/{captureID}")
            if try job.json["running"] == .bool(false) { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LedgerError(.invalidState, "the capture job at \(location) did not finish")
    }

    @Test func aCapturedDocumentIsAppendedAndItsJobSaysSo() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["factory-de"])
        let before = try await demo.ledger.treeSize()
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let accepted = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json",
                body: try Self.dispatchDocument())
            OpenAPIContract.expect(accepted, 202, "POST", "/epcis/capture")
            let location = try #require(accepted.headers[.location])
            #expect(location.hasPrefix("/epcis/capture/"))
            #expect(accepted.headers[HTTPField.Name.spelled("GS1-EPCIS-Version")] == "2.0.0")

            let job = try await Self.finished(location, client: client, token: token)
            #expect(try job.json["success"] == .bool(true))
            #expect(try job.json["accepted"] == .integer(2))
            #expect(try job.json["captureErrorBehaviour"] == "rollback")
            #expect(try job.json["errors"] == .array([]))

            // Captured again: nothing new, and the job still succeeds.
            let again = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/json",
                body: try Self.dispatchDocument())
            let second = try await Self.finished(
                try #require(again.headers[.location]), client: client, token: token)
            #expect(try second.json["duplicates"] == .integer(2) && second.json["accepted"] == .integer(0))

            let list = try await client.call(.get, "/epcis/capture", token: token)
            OpenAPIContract.expect(list, 200, "GET", "/epcis/capture")
            #expect(try list.json.arrayValue?.count == 2)
        }
        #expect(try await demo.ledger.treeSize() == before + 2)
        #expect(await demo.ledger.verify().isValid)
    }

    @Test func oneBadEventRollsTheCaptureBackAndTheJobNamesIt() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["factory-de"])
        let before = try await demo.ledger.treeSize()
        let broken = try Self.dispatchDocument(secondEventTime: "yesterday")
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let accepted = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json", body: broken)
            OpenAPIContract.expect(accepted, 202, "POST", "/epcis/capture")
            let job = try await Self.finished(
                try #require(accepted.headers[.location]), client: client, token: token)
            #expect(try job.json["success"] == .bool(false))
            let errors = try #require(try job.json["errors"]?.arrayValue)
            let refused = try #require(errors.first)
            #expect(refused["type"] == "epcisException:ValidationException")
            #expect(refused["line"] == .integer(25))
            #expect(refused["detail"]?.stringValue?.contains("yesterday") == true, "\(refused)")
            #expect(try job.json["accepted"] == nil)
        }
        #expect(try await demo.ledger.treeSize() == before)

        // With proceed, the good event is appended and the bad one listed.
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let accepted = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json",
                headers: [Self.errorBehaviour: "proceed"], body: broken)
            OpenAPIContract.expect(accepted, 202, "POST", "/epcis/capture")
            let job = try await Self.finished(
                try #require(accepted.headers[.location]), client: client, token: token)
            #expect(try job.json["success"] == .bool(false))
            #expect(try job.json["accepted"] == .integer(1) && job.json["rejected"] == .integer(1))
            #expect(try job.json["captureErrorBehaviour"] == "proceed")
        }
        #expect(try await demo.ledger.treeSize() == before + 1)
        #expect(await demo.ledger.verify().isValid)
    }

    @Test func captureRefusesWhatItCannotTake() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let keys = try await demo.signingKeys(["factory-de"])
        try await demo.withServer(signingKeys: keys) { client in
            let body = try Self.dispatchDocument()
            let anonymous = try await client.call(
                .post, "/epcis/capture", contentType: "application/ld+json", body: body)
            OpenAPIContract.expect(anonymous, 401, "POST", "/epcis/capture")

            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let csv = try await client.call(.post, "/epcis/capture", token: token, contentType: "text/csv", body: body)
            OpenAPIContract.expect(csv, 415, "POST", "/epcis/capture")

            // What is plainly no document is refused at once, before a job starts.
            for (type, text) in [("application/json", "[null, null]"), ("application/xml", "  hello")] {
                let notADocument = try await client.call(
                    .post, "/epcis/capture", token: token, contentType: type, body: Array(text.utf8))
                OpenAPIContract.expect(notADocument, 400, "POST", "/epcis/capture")
            }

            let unknown = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json",
                headers: [Self.errorBehaviour: "ignore"], body: body)
            OpenAPIContract.expect(unknown, 400, "POST", "/epcis/capture")

            // A participant whose key the server does not hold, and another's job.
            let farm = try await client.login("farm-gh", key: try DemoNetwork.key("farm-gh"))
            let unsigned = try await client.call(
                .post, "/epcis/capture", token: farm, contentType: "application/ld+json", body: body)
            OpenAPIContract.expect(unsigned, 403, "POST", "/epcis/capture")
            let accepted = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json", body: body)
            let location = try #require(accepted.headers[.location])
            _ = try await Self.finished(location, client: client, token: token)
            let foreign = try await client.call(.get, location, token: farm)
            OpenAPIContract.expect(foreign, 404, "GET", "/epcis/capture/{captureID}")

            let options = try await client.call(.options, "/epcis/capture")
            #expect(options.status == .noContent)
            #expect(options.headers[HTTPField.Name.spelled("GS1-EPCIS-Capture-File-Size-Limit")] == String(64 << 20))
        }
    }

    /// Master data in the document's header is registered first: a location the ledger does not know becomes the
    /// caller's facility, so that the event at it is admitted.
    @Test func aHeadersMasterDataIsRegisteredBeforeItsEvents() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let annex = "urn:epc:id:sgln:4012345.00077.0"
        let document = """
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
             "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-05-04T09:00:00Z",
             "epcisHeader": {"epcisMasterData": {"vocabularyList": [
               {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
                 {"id": "\(annex)", "attributes": [
                   {"id": "cbvmda:name", "attribute": "Cologne annex"}, {"id": "cbvmda:countryCode", "attribute": "DE"},
                   {"id": "cbvmda:latitude", "attribute": 50.94}, {"id": "cbvmda:longitude", "attribute": 6.96},
                   {"id": "urn:provenance:mda#kind", "attribute": "warehouse"}]}]}]}},
             "epcisBody": {"eventList": [
               {"type": "ObjectEvent", "eventTime": "2026-05-04T16:00:00Z", "eventTimeZoneOffset": "+00:00",
                "eventID": "urn:uuid:1f6e1c9a-51c6-4c55-9a4b-0f0b7d3c0077", "action": "OBSERVE",
                "bizStep": "storing", "bizLocation": {"id": "\(annex)"},
                "quantityList": [{"epcClass": "\(EPCISQueryTests.lgtin)", "quantity": 100, "uom": "KGM"}]}]}}
            """
        try await demo.withServer(signingKeys: try await demo.signingKeys(["factory-de"])) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let accepted = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json", body: Array(document.utf8))
            let job = try await Self.finished(try #require(accepted.headers[.location]), client: client, token: token)
            let state = try job.json
            #expect(state["success"] == .bool(true), "\(state)")
            #expect(state["masterData"]?["accepted"] == .integer(1), "\(state)")
            #expect(state["accepted"] == .integer(1), "\(state)")
        }
        let facilities = try await demo.ledger.facilities()
        #expect(facilities.last { $0.id == annex }?.fields["party"] == "factory-de")
        #expect(await demo.ledger.verify().isValid)
    }
}
