import Foundation
import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import ProvenanceServer
import Synchronization
import TestSupport
import Testing

/// Random and adversarial events, signed with a valid key, through the JSON batch door: each is refused cleanly (a
/// 4xx, never a 500) or admitted, and the ledger verifies after all of them. One event per batch, so that each
/// stands or falls on its own.
@Suite struct AdmissionPropertyTests {
    /// Events sent per run.
    static let eventCount = 10_000

    /// Texts chosen to break things: control characters, bidirectional and invisible formatting, combining marks,
    /// astral characters, odd spaces, huge values, and IDs of other parties.
    static let nastyTexts: [String] = [
        "", " ", "\u{0}", "L\u{0}x", "\u{1}", "\t", "line\nbreak", "\r", "\u{7F}", "\u{85}", "\u{9F}", "a\u{202E}b",
        "\u{2066}x\u{2069}", "\u{200B}", "zero\u{200D}joiner", "\u{FEFF}bom", "\u{00AD}", "\u{2028}", "\u{2029}",
        "e\u{301}", "é", "😀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "日本語", "עברית", "\u{E000}", "\u{FFFD}", "\u{FFFF}", "'; DROP TABLE events;--",
        "../../etc/passwd", "%00", "\\u0000", String(repeating: "A", count: 257), String(repeating: "B", count: 5000),
        "FARM-GH-01", "MILL-NL-01", "LOT-GH-101", "LOT-NL-900", "LOT-PROP", "NOWHERE", "FT-2026-0042", "cocoa-mass",
    ]

    static let fieldNames = [
        "product", "lot", "facility", "unit", "quantity", "unit_price", "currency", "certificate", "serials",
        "shipment_id", "destination", "origin", "carrier", "input_lots", "input_quantities", "extensions", "party",
        "name", "kind", "country", "latitude", "longitude", "flag", "decision", "note", "bogus", "", "a\u{0}b",
    ]

    static let sensitiveNames = ["quantity", "unit_price", "currency", "destination", "origin", "carrier", "bogus"]

    struct Generator {
        var random: SplitMix64

        mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        mutating func value(depth: Int = 0) -> JSONValue {
            switch random.next() % 10 {
            case 0: return .number(pick(["5", "-7", "0", "1e3", "1.50", "9007199254740993", "3.14"]))
            case 1: return .bool(chance(50))
            case 2: return .null
            case 3 where depth < 2: return .array((0..<Int(random.next() % 3)).map { _ in value(depth: depth + 1) })
            case 4 where depth < 2: return .object([pick(Self.keys): value(depth: depth + 1)])
            case 5: return .string(pick(["1", "10", "120.5", "-7", "0", "1.50", "kg", "bananas", "USD", "GH", "6.7"]))
            default: return .string(pick(AdmissionPropertyTests.nastyTexts))
            }
        }

        static let keys = ["k", "", "\u{0}", "a\u{202E}", "😀", String(repeating: "k", count: 300)]

        /// A valid produce at the mill's own facility, then zero to four mutations.
        mutating func event(_ serial: Int) -> (
            kind: String, recordID: String, fields: [String: JSONValue],
            sensitive: [String: JSONValue], occurredAt: String, dropDisclosures: Bool
        ) {
            var kind = "produce"
            var recordID = "PROP-\(serial)"
            var fields: [String: JSONValue] = [
                "product": "cocoa-mass", "lot": .string("LOT-PROP-\(serial)"), "facility": "MILL-NL-01", "unit": "kg",
            ]
            var sensitive: [String: JSONValue] = ["quantity": "10"]
            var occurredAt = "2026-06-01T07:00:00Z"
            var dropDisclosures = false
            for _ in 0..<Int(random.next() % 5) {
                switch random.next() % 9 {
                case 0: fields[pick(AdmissionPropertyTests.fieldNames)] = value()
                case 1: fields.removeValue(forKey: pick(fields.keys.sorted() + ["lot"]))
                case 2: sensitive[pick(AdmissionPropertyTests.sensitiveNames)] = value()
                case 3: sensitive.removeValue(forKey: "quantity")
                case 4: recordID = pick(AdmissionPropertyTests.nastyTexts)
                case 5:
                    occurredAt = pick([
                        "9999-12-31T23:59:59Z", "1899-12-31T23:59:59Z", "2027-12-31T00:00:00Z", "2028-01-03T00:00:00Z",
                        "1970-01-01T00:00:00Z",
                    ])
                case 6: kind = pick(["ship", "receive", "transform", "observe", "facility", "review", "anchor"])
                case 7: dropDisclosures = true
                default:
                    fields[pick(["facility", "lot", "certificate"])] = .string(pick(AdmissionPropertyTests.nastyTexts))
                }
            }
            return (kind, recordID, fields, sensitive, occurredAt, dropDisclosures)
        }
    }

    @Test func randomSignedEventsAreRefusedCleanlyOrAdmittedAndVerify() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let key = try DemoNetwork.key("mill-nl")
        var generator = Generator(random: SplitMix64(seed: 20_261_204))
        var bodies = [JSONValue]()
        var serial = 0
        while bodies.count < Self.eventCount {
            serial += 1
            let draft = generator.event(serial)
            // A few values have no canonical form (a number beyond 2^53): such a statement cannot even be signed.
            guard
                let event = try? HandSigned.event(
                    kind: draft.kind, signer: "mill-nl", recordID: draft.recordID, occurredAt: draft.occurredAt,
                    fields: draft.fields, sensitive: draft.sensitive, key: key, dropDisclosures: draft.dropDisclosures)
            else { continue }
            bodies.append(["events": [event.transportJSON]])
        }
        let outcomes = try await withServer(demo: demo, bodies: bodies)
        print("admission property test: \(bodies.count) events, \(outcomes)")
        #expect(outcomes.serverErrors.isEmpty, "answered 5xx: \(outcomes.serverErrors.prefix(3))")
        #expect(outcomes.admitted > 100, "the generator admits too few events to test anything: \(outcomes)")
        #expect(outcomes.refused > 1000)
        let report = await demo.ledger.verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
    }

    struct Outcomes: Sendable, CustomStringConvertible {
        var admitted = 0
        var refused = 0
        var serverErrors = [String]()
        var description: String { "\(admitted) admitted, \(refused) refused, \(serverErrors.count) server errors" }
    }

    private func withServer(demo: DemoNetwork, bodies: [JSONValue]) async throws -> Outcomes {
        let box = OutcomeBox()
        try await demo.withServer { client in
            let token = try await client.login("mill-nl", key: try DemoNetwork.key("mill-nl"))
            for body in bodies {
                let answer = try await client.call(.post, "/v1/batches", token: token, json: body)
                switch answer.status.code {
                case 200, 201: box.record(admitted: true)
                case 400..<500: box.record(admitted: false)
                default:
                    box.record(
                        error: "\(answer.status.code) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
                }
            }
        }
        return box.outcomes
    }
}

/// The outcomes, filled from the server test's closure.
private final class OutcomeBox: Sendable {
    private let value = Mutex(AdmissionPropertyTests.Outcomes())

    func record(admitted: Bool) {
        value.withLock { if admitted { $0.admitted += 1 } else { $0.refused += 1 } }
    }

    func record(error: String) {
        value.withLock { $0.serverErrors.append(error) }
    }

    var outcomes: AdmissionPropertyTests.Outcomes { value.withLock { $0 } }
}
