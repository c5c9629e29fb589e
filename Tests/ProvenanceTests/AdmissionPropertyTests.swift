import Foundation
import LedgerCore
import LedgerCrypto
import Provenance
import TestSupport
import Testing

/// Random and adversarial records through the doors that take records rather than signed events (`prov append` and a
/// file read by `prov ingest`): each is refused with an `invalid_record`, a `conflict` or an authorization error, or
/// admitted, and the ledger verifies after all of them. The JSON batch door has its own property test in
/// ProvenanceServerTests.
@Suite struct RecordDoorPropertyTests {
    static let texts = [
        "", "\u{0}", "L\u{0}x", "\u{1}", "tab\there", "\u{7F}", "\u{85}", "a\u{202E}b", "\u{200B}", "\u{FEFF}",
        "\u{2028}",
        "é", "e\u{301}", "😀", String(repeating: "A", count: 300), "FARM-1", "MILL-1", "LOT-0", "MASS-1", "NOWHERE",
        "10", "-7", "0", "1.50", "kg", "bananas", "2026-03-01T08:00:00Z", "9999-01-01T00:00:00Z",
    ]
    static let fields = [
        "record_id", "event", "occurred_at", "product", "lot", "facility", "unit", "quantity", "unit_price", "currency",
        "certificate", "serials", "shipment_id", "destination", "inputs", "party", "kind", "extensions", "bogus",
    ]

    @Test func randomRecordsAreRefusedCleanlyOrAdmittedAndVerify() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        var random = SplitMix64(seed: 20_261_205)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        var built = 0
        var admitted = 0
        for serial in 0..<2_000 {
            var record: [String: JSONValue] = [
                "record_id": .string("R-\(serial)"), "event": "produce", "occurred_at": "2026-03-01T08:00:00Z",
                "product": "cocoa-beans", "lot": .string("LOT-R-\(serial)"), "facility": "FARM-1", "unit": "kg",
                "quantity": "10",
            ]
            for _ in 0..<Int(random.next() % 4) {
                switch random.next() % 4 {
                case 0: record[pick(Self.fields)] = .string(pick(Self.texts))
                case 1: record.removeValue(forKey: pick(Self.fields))
                case 2:
                    record[pick(Self.fields)] = pick([
                        .number("5"), .bool(true), .null, ["x": .string(pick(Self.texts))],
                    ])
                default:
                    record["event"] = .string(pick(["ship", "receive", "transform", "facility", "review", "observe"]))
                }
            }
            // Records that do not even build are the adapters' refusals; the rest go to the ledger.
            guard let content = try? EventContent(record: .object(record)) else { continue }
            built += 1
            let viaFile = serial % 2 == 0
            do throws(LedgerError) {
                if viaFile {
                    _ = try await fixture.ledger.ingest(ArraySource([content]), signedWith: fixture.farmKey)
                } else {
                    _ = try await fixture.ledger.append([content], signedWith: fixture.farmKey)
                }
                admitted += 1
            } catch {
                let expected: Set<LedgerError.Code> = [.invalidRecord, .conflict, .notAuthorized]
                #expect(expected.contains(error.code), "record \(serial): \(error)")
            }
        }
        #expect(built > 300 && admitted > 100, "\(built) built, \(admitted) admitted")
        let report = await fixture.ledger.verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
    }
}
