import Foundation
import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import ProvenanceServer
import TestSupport
import Testing

/// A producer holding its own key and a valid token attacks the server: each attempt is refused with a 4xx that says
/// why, nothing is written, and the ledger still verifies (docs/security.md).
@Suite struct HostileParticipantTests {
    /// A statement the mill signs by hand, as any client could, with `sensitive` committed and disclosed.
    static func millSigned(
        _ kind: String, recordID: String, fields: [String: JSONValue], sensitive: [String: JSONValue] = [:],
        occurredAt: String = "2026-06-01T07:00:00Z"
    ) throws -> SignedEvent {
        try HandSigned.event(
            kind: kind, signer: "mill-nl", recordID: recordID, occurredAt: occurredAt, fields: fields,
            sensitive: sensitive, key: try DemoNetwork.key("mill-nl"))
    }

    static let millLot: [String: JSONValue] = [
        "product": "cocoa-mass", "lot": "LOT-NL-900", "facility": "MILL-NL-01", "unit": "kg",
    ]

    @Test func signedBatchesRunTheAdmissionChecks() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let before = try await demo.ledger.latestCheckpoint().text
        let attempts: [(String, SignedEvent, String)] = [
            (
                "takes over the farm's facility",
                try Self.millSigned(
                    "facility", recordID: "facility/FARM-GH-01/x",
                    fields: [
                        "facility": "FARM-GH-01", "party": "mill-nl", "name": "Mine now", "kind": "farm",
                        "country": "GH", "latitude": "6.7", "longitude": "-1.6",
                    ]), "facility 'FARM-GH-01' is registered to 'farm-gh'"
            ),
            (
                "a NUL in the lot",
                try Self.millSigned(
                    "produce", recordID: "NUL-1", fields: Self.millLot.merging(["lot": "LOT-GH-101\u{0}x"]) { $1 },
                    sensitive: ["quantity": "1"]), "contains U+0000"
            ),
            (
                "a NUL in the facility",
                try Self.millSigned(
                    "produce", recordID: "NUL-2", fields: Self.millLot.merging(["facility": "MILL-NL-01\u{0}"]) { $1 },
                    sensitive: ["quantity": "1"]), "contains U+0000"
            ),
            ("a ship with only a lot", try Self.millSigned("ship", recordID: "S-1", fields: ["lot": "L"]), "missing"),
            (
                "an empty record ID",
                try Self.millSigned("produce", recordID: "", fields: Self.millLot, sensitive: ["quantity": "1"]),
                "record_id is empty"
            ),
            (
                "U+0001 in the record ID",
                try Self.millSigned("produce", recordID: "R\u{1}", fields: Self.millLot, sensitive: ["quantity": "1"]),
                "contains U+0001"
            ),
            (
                "a public unit price",
                try Self.millSigned(
                    "produce", recordID: "P-1", fields: Self.millLot.merging(["unit_price": "3"]) { $1 },
                    sensitive: ["quantity": "1"]), "commercially sensitive"
            ),
            (
                "a lot that is a number",
                try Self.millSigned(
                    "produce", recordID: "P-2", fields: Self.millLot.merging(["lot": .number("5")]) { $1 },
                    sensitive: ["quantity": "1"]), "canonical form"
            ),
            (
                "bananas",
                try Self.millSigned(
                    "produce", recordID: "P-3", fields: Self.millLot.merging(["unit": "bananas"]) { $1 },
                    sensitive: ["quantity": "1"]), "'bananas' is not one of"
            ),
            (
                "a negative quantity",
                try Self.millSigned("produce", recordID: "P-4", fields: Self.millLot, sensitive: ["quantity": "-7"]),
                "must be greater than 0"
            ),
            (
                "a commitment for an unknown field",
                try Self.millSigned(
                    "produce", recordID: "P-5", fields: Self.millLot, sensitive: ["quantity": "1", "bribe": "x"]),
                "a commitment for 'bribe'"
            ),
            (
                "a certificate on the farm's lot",
                try Self.millSigned(
                    "produce", recordID: "P-6",
                    fields: Self.millLot.merging(["lot": "LOT-GH-101", "certificate": "FAKE-CERT"]) { $1 },
                    sensitive: ["quantity": "1"]), "certificate 'FAKE-CERT' is not facility 'MILL-NL-01''s"
            ),
            (
                "the farm's lot",
                try Self.millSigned(
                    "produce", recordID: "P-7", fields: Self.millLot.merging(["lot": "LOT-GH-101"]) { $1 },
                    sensitive: ["quantity": "1"]), "lot 'LOT-GH-101' was made by 'farm-gh'"
            ),
            (
                "the year 9999",
                try Self.millSigned(
                    "produce", recordID: "P-8", fields: Self.millLot, sensitive: ["quantity": "1"],
                    occurredAt: "9999-06-01T07:00:00Z"), "lies outside the ledger's window"
            ),
            (
                "a right-to-left override",
                try Self.millSigned(
                    "produce", recordID: "P-9", fields: Self.millLot.merging(["product": "cocoa\u{202E}ssam"]) { $1 },
                    sensitive: ["quantity": "1"]), "contains U+202E"
            ),
        ]
        try await demo.withServer { client in
            let mill = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            for (what, event, expected) in attempts {
                let answer = try await client.call(
                    .post, "/v1/batches", token: mill, json: ["events": [event.transportJSON]])
                OpenAPIContract.expect(answer, 400, "POST", "/v1/batches")
                let message = try answer.json["error"]?["message"]?.stringValue ?? ""
                #expect(answer.errorCode == "invalid_record", "\(what): \(message)")
                #expect(message.contains(expected), "\(what): \(message)")
                #expect(message.contains("batch entry 1"), "\(what): \(message)")
            }
        }
        #expect(try await demo.ledger.latestCheckpoint().text == before)
        let facilities = try await demo.ledger.facilities()
        #expect(facilities.last { $0.id == "FARM-GH-01" }?.fields["party"] == "farm-gh")
        #expect(await demo.ledger.verify().isValid)
    }

    /// An EPCIS 2.0 JSON-LD document of one `ObjectEvent` that makes lot `lot` at `location`.
    static func epcisCommissioning(
        location: String, lot: String, time: String = "2026-06-01T07:00:00Z", product: String = "cocoa-mass"
    ) -> [UInt8] {
        let document: JSONValue = [
            "@context": [
                "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                ["cbvmda": "urn:epcglobal:cbv:mda:"],
            ],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-06-01T08:00:00Z",
            "epcisBody": [
                "eventList": [
                    [
                        "type": "ObjectEvent", "eventTime": .string(time), "eventTimeZoneOffset": "+00:00",
                        "eventID": .string("urn:uuid:\(UUID().uuidString.lowercased())"), "action": "ADD",
                        "bizStep": "commissioning", "bizLocation": ["id": .string(location)],
                        "quantityList": [["epcClass": .string(product), "quantity": .integer(5), "uom": "KGM"]],
                        "ilmd": ["cbvmda:lotNumber": .string(lot)],
                    ]
                ]
            ],
        ]
        return Array(document.prettyPrinted().utf8)
    }

    /// The EPCIS capture interface is one more door: a document the mill captures runs the same admission checks,
    /// and its job names the refused event and why.
    @Test func capturedEPCISDocumentsRunTheAdmissionChecks() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let before = try await demo.ledger.latestCheckpoint().text
        let attempts: [(String, [UInt8], String)] = [
            (
                "at the farm's facility", Self.epcisCommissioning(location: "FARM-GH-01", lot: "LOT-NL-950"),
                "FARM-GH-01"
            ),
            ("the farm's lot", Self.epcisCommissioning(location: "MILL-NL-01", lot: "LOT-GH-101"), "made by 'farm-gh'"),
            (
                "the year 9999",
                Self.epcisCommissioning(location: "MILL-NL-01", lot: "LOT-NL-951", time: "9999-06-01T07:00:00Z"),
                "outside the ledger's window"
            ),
            (
                "a right-to-left override",
                Self.epcisCommissioning(location: "MILL-NL-01", lot: "LOT-NL-952", product: "cocoa\u{202E}ssam"),
                "U+202E"
            ),
        ]
        try await demo.withServer(signingKeys: try await demo.signingKeys(["mill-nl"])) { client in
            let mill = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            for (what, body, expected) in attempts {
                let accepted = try await client.call(
                    .post, "/epcis/capture", token: mill, contentType: "application/ld+json", body: body)
                OpenAPIContract.expect(accepted, 202, "POST", "/epcis/capture")
                let job = try await EPCISCaptureTests.finished(
                    try #require(accepted.headers[.location]), client: client, token: mill)
                let state = try job.json
                #expect(state["success"] == .bool(false), "\(what): \(state)")
                let details = (state["errors"]?.arrayValue ?? []).compactMap { $0["detail"]?.stringValue }
                #expect(details.contains { $0.contains(expected) }, "\(what): \(details)")
            }
        }
        #expect(try await demo.ledger.latestCheckpoint().text == before)
        #expect(await demo.ledger.verify().isValid)
    }

    @Test func aReviewOfAFlagThatDoesNotExistIsRefused() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let key = try DemoNetwork.key("compliance")
        let review = try EventContent(
            kind: .review, recordID: "review/F-NONE/1", occurredAt: Timestamp(iso8601: "2026-06-01T07:00:00Z"),
            fields: ["flag": "F-NONE", "decision": "confirmed", "note": "no such flag"])
        let event = try SignedEvent.sign(review, signer: "compliance", key: key)
        try await demo.withServer { client in
            let token = try await client.login("compliance", key: key)
            let answer = try await client.call(
                .post, "/v1/batches", token: token, json: ["events": [event.transportJSON]])
            OpenAPIContract.expect(answer, 400, "POST", "/v1/batches")
            #expect(try answer.json["error"]?["message"]?.stringValue?.contains("no anchored report holds") == true)
        }
        #expect(await demo.ledger.verify().isValid)
    }

    @Test func theLoginEndpointBoundsWhatItTakesAndEchoes() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let farmKey = try DemoNetwork.key("farm-gh")
        try await demo.withServer { client in
            // A 1 MiB participant name: refused before it is read whole, and never echoed.
            let huge = String(repeating: "x", count: 1 << 20)
            let tooLarge = try await client.call(.post, "/v1/auth/challenge", json: ["participant": .string(huge)])
            OpenAPIContract.expect(tooLarge, 413, "POST", "/v1/auth/challenge")
            #expect(tooLarge.body.count < 1024)
            // An unknown name just under the limit: the 404 quotes a short prefix of it.
            let long = String(repeating: "y", count: 3000)
            let unknown = try await client.call(.post, "/v1/auth/challenge", json: ["participant": .string(long)])
            OpenAPIContract.expect(unknown, 404, "POST", "/v1/auth/challenge")
            #expect(unknown.body.count < 512)
            let control = try await client.call(.post, "/v1/auth/challenge", json: ["participant": "a\u{0}\u{1B}[31m"])
            #expect(!String(decoding: control.body, as: UTF8.self).contains("\u{1B}"))

            // Challenges cost the server nothing to hold: 20,000 asked for the farm by anyone lock nobody out.
            for _ in 0..<20_000 {
                let challenge = try await client.call(.post, "/v1/auth/challenge", json: ["participant": "farm-gh"])
                try #require(challenge.status == .ok)
            }
            let token = try await client.login("farm-gh", key: farmKey)
            #expect(!token.isEmpty)

            // A challenge is good once, and only for the participant it names.
            let challenge = try await client.call(.post, "/v1/auth/challenge", json: ["participant": "farm-gh"])
            let text = try #require(try challenge.json["challenge"]?.stringValue)
            let signature = Base64.encode(try farmKey.signature(for: Array(text.utf8)))
            let body: JSONValue = [
                "participant": "farm-gh", "challenge": .string(text), "signature": .string(signature),
            ]
            #expect(try await client.call(.post, "/v1/auth/token", json: body).status == .ok)
            let replay = try await client.call(.post, "/v1/auth/token", json: body)
            OpenAPIContract.expect(replay, 401, "POST", "/v1/auth/token")
            let altered = text.replacingOccurrences(of: "participant: farm-gh", with: "participant: mill-nl")
            let otherText = try await client.call(
                .post, "/v1/auth/token",
                json: [
                    "participant": "mill-nl", "challenge": .string(altered),
                    "signature": .string(
                        Base64.encode(try DemoNetwork.key("mill-nl").signature(for: Array(altered.utf8)))),
                ])
            OpenAPIContract.expect(otherText, 401, "POST", "/v1/auth/token")
        }
    }

    @Test func idsInPathsWithControlCharactersAreRefusedNotCut() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            for path in ["/v1/lots/LOT-GH-101%00junk", "/v1/products/cocoa-beans%0A", "/v1/events/ab%00cd"] {
                let answer = try await client.call(.get, path)
                #expect(answer.status == .badRequest, "\(path): \(answer.status)")
                #expect(answer.errorCode == "bad_request", "\(path)")
            }
            #expect(try await client.call(.get, "/v1/lots/LOT-GH-101").status == .ok)
        }
    }
}
