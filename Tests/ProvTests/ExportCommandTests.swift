import Foundation
import LedgerCore
import Testing

/// `prov export epcis`: a lot's events as EPCIS 2.0 JSON-LD, which another ledger imports as the same events
/// (docs/epcis.md, "Export").
@Suite struct ExportCommandTests {
    static let demo = ProvRunner.sampleData.appendingPathComponent("demo")
    static let key = demo.appendingPathComponent("keys/DEMO-ONLY-factory-de.pem").path

    /// The factory's receipts (shipment XML) and its dispatch (EPCIS JSON-LD): the lot LOT-DE-CHOC-31's events.
    static let receiptsAndDispatch = ["factory-de-receipts.xml", "factory-de-dispatch.epcis.jsonld"].map {
        demo.appendingPathComponent($0).path
    }

    /// A new ledger with the Cologne factory and its facilities, which then imports `files`.
    static func factoryLedger(importing files: [String]) throws -> ProvRunner {
        let prov = try ProvRunner()
        try #require(try prov.run("init").status == 0)
        try #require(
            try prov.run(
                "participants", "add", "--id", "factory-de", "--name", "Factory", "--role", "processor", "--public-key",
                key
            ).status == 0)
        let facilities = demo.appendingPathComponent("factory-de-facilities.csv").path
        try #require(try prov.run("facilities", "import", facilities, "--key", key).status == 0)
        for file in files {
            let result = try prov.run("ingest", file, "--key", key)
            try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        return prov
    }

    @Test func aLotsEventsComeBackTheSameInAnotherLedger() throws {
        let origin = try Self.factoryLedger(importing: Self.receiptsAndDispatch)
        defer { origin.remove() }
        let export = try origin.run("export", "epcis", "--lot", "LOT-DE-CHOC-31", "--out", "choc.jsonld")
        #expect(export.status == 0 && export.stderr.contains("3 EPCIS events"), "\(export.stderr)")
        let document = try JSONParser.parse(try String(contentsOfFile: origin.path("choc.jsonld"), encoding: .utf8))
        let events = try #require(document["epcisBody"]?["eventList"]?.arrayValue)
        #expect(events.map { $0["type"]?.stringValue } == ["TransformationEvent", "ObjectEvent", "ObjectEvent"])
        #expect(events[2]["bizStep"] == "shipping" && events[2]["prov:ledgerEvent"]?.stringValue?.count == 64)

        // Another ledger, with the same participant and facilities, imports it: the dispatch's events are the same.
        let copy = try Self.factoryLedger(importing: [])
        defer { copy.remove() }
        let imported = try copy.run("ingest", origin.path("choc.jsonld"), "--key", Self.key)
        #expect(imported.status == 0 && imported.stdout.contains("3 accepted"), "\(imported.stdout)\(imported.stderr)")
        func dispatch(_ prov: ProvRunner) throws -> [JSONValue] {
            let history = try JSONParser.parse(try prov.run("history", "LOT-DE-CHOC-31", "--json").stdout)
            return (history["events"]?.arrayValue ?? []).filter {
                $0["record_id"]?.stringValue?.hasPrefix("urn:uuid:") == true
            }.map { .object(["record_id": $0["record_id"] ?? .null, "fields": $0["fields"] ?? .null]) }
        }
        let before = try dispatch(origin)
        let after = try dispatch(copy)
        #expect(before.count == 2 && before == after)
        #expect(try copy.run("verify").status == 0)

        // Withheld fields are left out; a selection is required.
        let redacted = try origin.run("export", "epcis", "--lot", "LOT-DE-CHOC-31", "--redact", "quantity,counterparty")
        // (The owning party the importer did not map stays: it was public in the event.)
        #expect(redacted.status == 0 && !redacted.stdout.contains("\"quantity\""))
        #expect(!redacted.stdout.contains("urn:epc:id:sgln:4098765.00001.0"), "\(redacted.stdout)")
        #expect(try origin.run("export", "epcis").status != 0)
        #expect(try origin.run("export", "epcis", "--lot", "NO-SUCH-LOT").status == 3)
    }

    /// `--format xml`: the same events in EPCIS 2.0 XML, which another ledger imports as the same events.
    @Test func aLotsEventsComeBackTheSameThroughXML() throws {
        let origin = try Self.factoryLedger(importing: Self.receiptsAndDispatch)
        defer { origin.remove() }
        let export = try origin.run(
            "export", "epcis", "--lot", "LOT-DE-CHOC-31", "--format", "xml", "--out", "choc.xml")
        #expect(export.status == 0 && export.stderr.contains("3 EPCIS events"), "\(export.stderr)")
        let text = try String(contentsOfFile: origin.path("choc.xml"), encoding: .utf8)
        #expect(text.hasPrefix("<?xml") && text.contains("<epcis:EPCISDocument"))
        let copy = try Self.factoryLedger(importing: [])
        defer { copy.remove() }
        let imported = try copy.run("ingest", origin.path("choc.xml"), "--key", Self.key)
        #expect(imported.status == 0 && imported.stdout.contains("3 accepted"), "\(imported.stdout)\(imported.stderr)")
        func events(_ prov: ProvRunner) throws -> [JSONValue] {
            let history = try JSONParser.parse(try prov.run("history", "LOT-DE-CHOC-31", "--json").stdout)
            // The dispatch's events, which came from EPCIS and keep their IDs.
            return (history["events"]?.arrayValue ?? []).filter {
                $0["record_id"]?.stringValue?.hasPrefix("urn:uuid:") == true
            }.map { .object(["record_id": $0["record_id"] ?? .null, "fields": $0["fields"] ?? .null]) }
        }
        let before = try events(origin)
        let after = try events(copy)
        #expect(before.count == 2 && before == after)
        #expect(try origin.run("export", "epcis", "--lot", "LOT-DE-CHOC-31", "--format", "csv").status != 0)
    }

    /// `--from` and `--to`: the events of a time range, from the query index, in time order.
    @Test func aTimeRangesEventsAreWritten() throws {
        let origin = try Self.factoryLedger(importing: Self.receiptsAndDispatch)
        defer { origin.remove() }
        let range = try origin.run("export", "epcis", "--from", "2026-05-03T00:00:00Z", "--to", "2026-05-05T00:00:00Z")
        #expect(range.status == 0, "\(range.stderr)")
        let document = try JSONParser.parse(range.stdout)
        let ids = (document["epcisBody"]?["eventList"]?.arrayValue ?? []).compactMap { $0["eventID"]?.stringValue }
        #expect(
            ids == ["urn:uuid:6d1a2a3e-8b54-4f0e-9a41-2c7d0c3b3101", "urn:uuid:6d1a2a3e-8b54-4f0e-9a41-2c7d0c3b3102"])
        // Open at one end: everything from the receipts on.
        let open = try origin.run("export", "epcis", "--from", "2026-04-01T00:00:00Z")
        let all = try JSONParser.parse(open.stdout)["epcisBody"]?["eventList"]?.arrayValue ?? []
        #expect(all.count > ids.count)
        #expect(try origin.run("export", "epcis", "--from", "yesterday").status != 0)
        #expect(
            try origin.run("export", "epcis", "--lot", "LOT-DE-CHOC-31", "--to", "2026-05-05T00:00:00Z").status != 0)
    }
}
