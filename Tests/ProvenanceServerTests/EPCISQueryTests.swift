import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import LedgerCore
import Provenance
@testable import ProvenanceServer
import TestSupport
import Testing

/// `GET /epcis/events` and its kin: the GS1 EPCIS 2.0 REST binding's query interface over the ledger's events.
@Suite struct EPCISQueryTests {
    static let lgtin = "urn:epc:class:lgtin:4012345.012345.LOT-DE-CHOC-31"
    static let packing = "urn:uuid:6d1a2a3e-8b54-4f0e-9a41-2c7d0c3b3101"
    static let dispatch = "urn:uuid:6d1a2a3e-8b54-4f0e-9a41-2c7d0c3b3102"

    /// The demo network with factory-de's EPCIS dispatch captured.
    static func demoWithDispatch(backend: StoreBackend = .sqlite) async throws -> DemoNetwork {
        let demo = try await DemoNetwork.make(backend: backend)
        let keys = try await demo.signingKeys(["factory-de"])
        try await demo.withServer(signingKeys: keys) { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            let accepted = try await client.call(
                .post, "/epcis/capture", token: token, contentType: "application/ld+json",
                body: try EPCISCaptureTests.dispatchDocument())
            let job = try await EPCISCaptureTests.finished(
                try #require(accepted.headers[.location]), client: client, token: token)
            let state = try job.json
            try #require(state["success"] == .bool(true), "\(state)")
        }
        return demo
    }

    /// The events of a query document.
    static func events(_ response: APIResponse) throws -> [JSONValue] {
        try #require(
            try response.json["epcisBody"]?["queryResults"]?["resultsBody"]?["eventList"]?.arrayValue,
            "\(String(decoding: response.body, as: UTF8.self))")
    }

    static func eventIDs(_ response: APIResponse) throws -> [String] {
        try events(response).compactMap { $0["eventID"]?.stringValue }
    }

    @Test(arguments: StoreBackend.tested) func queriesFindCapturedEventsByTheirFields(backend: StoreBackend)
        async throws
    {
        let demo = try await Self.demoWithDispatch(backend: backend)
        defer { demo.remove() }
        try await demo.withServer { client in
            func ids(_ uri: String) async throws -> [String] {
                let response = try await client.call(.get, uri)
                OpenAPIContract.expect(response, 200, "GET", "/epcis/events")
                return try Self.eventIDs(response)
            }
            #expect(
                try await ids(
                    "/epcis/events?EQ_bizStep=shipping&GE_eventTime=2026-05-04T00:00:00Z&LT_eventTime=2026-05-05T00:00:00Z"
                )
                    == [Self.dispatch])
            // Any of the CBV's three forms, and alternatives separated by |.
            #expect(
                try await ids(
                    "/epcis/events?EQ_bizStep=urn:epcglobal:cbv:bizstep:packing%7Chttps://ref.gs1.org/cbv/BizStep-shipping&MATCH_epcClass=\(Self.lgtin)"
                )
                    == [Self.packing, Self.dispatch])
            #expect(
                try await ids(
                    "/epcis/events?MATCH_anyEPCClass=urn:epc:idpat:sgtin:4012345.012345.*&eventType=ObjectEvent")
                    == [Self.packing, Self.dispatch])
            #expect(
                try await ids("/epcis/events?EQ_disposition=in_transit&EQ_readPoint=urn:epc:id:sgln:4012345.00020.0")
                    == [Self.dispatch])
            #expect(
                try await ids("/epcis/events?MATCH_epcClass=\(Self.lgtin)&LT_eventTime=2026-05-04T00:00:00%2B02:00")
                    == [Self.packing])
            #expect(try await ids("/epcis/events?EQ_bizStep=shipping&EQ_disposition=active") == [])
            // The dock is a location of the factory: with its descendants, the factory holds the dispatch.
            #expect(try await ids("/epcis/events?EQ_bizLocation=FACTORY-DE-02&EQ_bizStep=shipping") == [])
            #expect(try await ids("/epcis/events?WD_bizLocation=FACTORY-DE-02&EQ_bizStep=shipping") == [Self.dispatch])

            let single = try await client.call(.get, "/epcis/events/\(Self.dispatch)")
            OpenAPIContract.expect(single, 200, "GET", "/epcis/events/{eventID}")
            let event = try #require(try Self.events(single).first)
            #expect(event["bizTransactionList"]?.arrayValue?.first?["type"] == "desadv")
            let missing = try await client.call(.get, "/epcis/events/urn:uuid:00000000-0000-0000-0000-000000000000")
            OpenAPIContract.expect(missing, 404, "GET", "/epcis/events/{eventID}")

            let byEPC = try await client.call(.get, "/epcis/epcs/\(Self.lgtin)/events")
            OpenAPIContract.expect(byEPC, 200, "GET", "/epcis/epcs/{epc}/events")
            #expect(try Self.events(byEPC).isEmpty, "an LGTIN is a class, not an EPC")

            let types = try await client.call(.get, "/epcis/eventTypes")
            OpenAPIContract.expect(types, 200, "GET", "/epcis/eventTypes")
            #expect(try types.json["member"]?.arrayValue?.contains("ObjectEvent") == true)
            #expect(try types.json["member"]?.arrayValue?.contains("TransformationEvent") == true)
        }
    }

    @Test(arguments: StoreBackend.tested) func pagesFollowTheLinkHeaderWithoutGapsOrRepeats(backend: StoreBackend)
        async throws
    {
        let demo = try await Self.demoWithDispatch(backend: backend)
        defer { demo.remove() }
        try await demo.withServer { client in
            let all = try await client.call(.get, "/epcis/events?perPage=1000")
            let expected = try Self.events(all).map { $0["prov:ledgerEvent"] ?? $0 }
            #expect(expected.count > 10)
            var seen = [JSONValue]()
            var next: String? = "/epcis/events?perPage=4"
            var pages = 0
            while let uri = next {
                let page = try await client.call(.get, uri)
                OpenAPIContract.expect(page, 200, "GET", "/epcis/events")
                seen += try Self.events(page).map { $0["prov:ledgerEvent"] ?? $0 }
                next = page.headers[HTTPField.Name.spelled("Link")].flatMap { link in
                    link.split(separator: ">").first.map { String($0.dropFirst()) }
                }
                pages += 1
                try #require(pages < 100)
            }
            #expect(seen == expected)
            #expect(pages == (expected.count + 3) / 4)

            // In time order.
            let times = try Self.events(all).compactMap { $0["eventTime"]?.stringValue }
                .map { try Timestamp(iso8601: $0) }
            #expect(times == times.sorted())
        }
    }

    /// A counterparty is matched only for readers who may see it; the event itself is shown with its sensitive
    /// fields withheld from the public.
    @Test(arguments: StoreBackend.tested) func counterpartiesMatchOnlyForThoseWhoMaySeeThem(backend: StoreBackend)
        async throws
    {
        let demo = try await DemoNetwork.make(backend: backend)
        defer { demo.remove() }
        try await demo.withServer { client in
            let uri = "/epcis/events?EQ_destination_location=FACTORY-DE-02"
            let anonymous = try await client.call(.get, uri)
            OpenAPIContract.expect(anonymous, 200, "GET", "/epcis/events")
            #expect(try Self.events(anonymous).isEmpty)

            let mill = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            let signer = try await client.call(.get, uri, token: mill)
            #expect(try Self.events(signer).count > 0)
            let compliance = try await client.login("compliance", key: try DemoNetwork.key("compliance"))
            let officer = try await client.call(.get, uri, token: compliance)
            #expect(try Self.events(officer).count == Self.events(signer).count)

            // The same ship events to the public: found by their step, without destination or quantities.
            let ships = try await client.call(.get, "/epcis/events?EQ_bizStep=shipping&perPage=1000")
            let shown = try Self.events(ships)
            #expect(!shown.isEmpty)
            #expect(shown.allSatisfy { $0["destinationList"] == nil })
        }
    }

    @Test func badQueriesAreRefusedNamingTheParameter() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            for (query, named) in [
                ("colour=red", "colour"), ("eventType=BigEvent", "BigEvent"),
                ("GE_eventTime=yesterday", "GE_eventTime"),
                ("perPage=0", "perPage"), ("perPage=5000", "perPage"), ("nextPageToken=zzz", "nextPageToken"),
                ("EQ_quantity=5", "EQ_quantity"), ("EQ_bizStep=", "EQ_bizStep"),
                ("MATCH_epc=urn:epc:idpat:sgtin:4012345.*.*", "MATCH_epc"),
            ] {
                let refused = try await client.call(.get, "/epcis/events?\(query)")
                OpenAPIContract.expect(refused, 400, "GET", "/epcis/events")
                #expect(refused.headers[.contentType] == "application/problem+json")
                #expect(try refused.json["type"] == "epcisException:QueryParameterException")
                let message = try refused.json["detail"]?.stringValue ?? ""
                #expect(message.contains(named), "\(query): \(message)")
            }
        }
    }

    /// Errors under /epcis/ are RFC 7807 problems with the EPCIS exception as their type, as the binding gives them.
    @Test func errorsAreEPCISProblems() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            for (method, path, status, type) in [
                (HTTPRequest.Method.delete, "/epcis/events", 405, "ValidationException"),
                (.get, "/epcis/nothing-here", 404, "NoSuchResourceException"),
                (.get, "/epcis/capture", 401, "SecurityException"),
            ] {
                let answer = try await client.call(method, path)
                #expect(Int(answer.status.code) == status, "\(method) \(path)")
                #expect(answer.headers[.contentType] == "application/problem+json", "\(path)")
                #expect(try answer.json["type"]?.stringValue == "epcisException:" + type, "\(path)")
                #expect(try answer.json["status"] == .integer(status), "\(path)")
            }
        }
    }

    /// Every answer is a valid EPCIS 2.0 query document, by GS1's JSON schema.
    @Test(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
    func answersAreValidQueryDocuments() async throws {
        let demo = try await Self.demoWithDispatch()
        defer { demo.remove() }
        let file = demo.folder.appendingPathComponent("answer.jsonld").path
        try await demo.withServer { client in
            let answer = try await client.call(.get, "/epcis/events?perPage=1000")
            try Data(answer.body).write(to: URL(fileURLWithPath: file))
        }
        let (status, report) = try EPCISCorpus.validateJSON([file])
        #expect(status == 0, "\(report)")
        #expect(report.contains("checked 1 invalid 0"), "\(report)")
    }

    /// With `Accept: application/xml` the answer is the same query document in XML, which reads back as the same
    /// events and is valid against GS1's schema.
    @Test func anXMLAnswerHoldsTheSameEvents() async throws {
        let demo = try await Self.demoWithDispatch()
        defer { demo.remove() }
        let file = demo.folder.appendingPathComponent("answer.xml").path
        try await demo.withServer { client in
            let uri = "/epcis/events?MATCH_epcClass=\(Self.lgtin)"
            let xml = try await client.call(.get, uri, headers: [.accept: "application/xml"])
            OpenAPIContract.expect(xml, 200, "GET", "/epcis/events")
            #expect(xml.headers[.contentType] == "application/xml")
            try Data(xml.body).write(to: URL(fileURLWithPath: file))
            let json = try await client.call(.get, uri, headers: [.accept: "application/json, application/xml"])
            #expect(try Self.eventIDs(json) == [Self.packing, Self.dispatch])
        }
        let source = EPCISDocument(path: file, xsd: EPCISCorpus.directory != nil ? try EPCISCorpus.querySchema() : nil)
        #expect(try source.readAll().records.map(\.content.recordID) == [Self.packing, Self.dispatch])
    }
}
