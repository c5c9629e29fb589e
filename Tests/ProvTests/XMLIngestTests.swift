import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

/// `prov ingest` on XML: the project's EPCIS fixtures (`Tests/Fixtures/EPCIS`) and shipment XML,
/// through the CLI.
@Suite struct XMLIngestTests {

    /// A new ledger with a warehouse system `wms` (key `wms.pem`) registered as a distributor.
    static func ledgerWithWarehouseSystem() throws -> ProvRunner {
        let prov = try ProvRunner()
        try #require(try prov.run("init").status == 0)
        try prov.run("keys", "generate", "--out", "wms.pem")
        try prov.run(
            "participants", "add", "--id", "wms", "--name", "Warehouse system", "--role", "distributor", "--public-key",
            "wms.pem")
        return prov
    }

    /// Registers as `wms`'s facilities the locations (SGLNs) that the EPCIS `files` name, as a party
    /// does before importing its events; returns how many records each file gives.
    static func registerLocations(of files: [String], in prov: ProvRunner) throws -> [String: Int] {
        // Each location with the certificate its events claim: a certificate claimed must be the facility's own.
        var facilities = [String: String]()
        var expected = [String: Int]()
        for file in files {
            let batch = try InputChoice().source(for: file).readAll()
            #expect(batch.rejects.isEmpty, "\(file): \(batch.rejects.map(\.error))")
            for content in batch.records.map(\.content) {
                guard let facility = content.facility else { continue }
                let claimed = content.publicFields["certificate"]?.stringValue ?? ""
                if (facilities[facility] ?? "").isEmpty { facilities[facility] = claimed }
            }
            expected[file] = batch.records.count
        }
        let rows = facilities.keys.sorted().map { id in
            "\"\(id)\",wms,Location \(id.suffix(8)),warehouse,DE,50.1,8.6,,,,\"\(facilities[id] ?? "")\","
        }
        try
            ([
                "facility_id,party,name,kind,country,latitude,longitude,capacity_per_day,unit,workers,certificate,certificate_expires"
            ] + rows)
            .joined(separator: "\n").write(toFile: prov.path("locations.csv"), atomically: true, encoding: .utf8)
        let registered = try prov.run("facilities", "import", "locations.csv", "--key", "wms.pem")
        #expect(registered.status == 0, "\(registered.stderr)")
        return expected
    }

    /// Imports `file` (validated against `xsd` if given), then imports it again: a no-op.
    static func importTwice(_ file: String, xsd: String?, expected: Int?, in prov: ProvRunner) throws {
        let imported = try prov.run(
            ["ingest", file, "--key", "wms.pem", "--json"] + (xsd.map { ["--xsd", $0] } ?? []))
        #expect(imported.status == 0, "\(file): \(imported.stderr)")
        let summary = try JSONParser.parse(imported.stdout)
        #expect(summary["accepted"]?.integerValue == expected, "\(file)")
        #expect(summary["rejected"]?.integerValue == 0, "\(file)")
        let again = try prov.run("ingest", file, "--key", "wms.pem", "--json")
        #expect(try JSONParser.parse(again.stdout)["duplicates"]?.integerValue == expected, "\(file)")
    }

    @Test func everyFixtureImportsValidatedAndReimportsAsANoOp() throws {
        let prov = try Self.ledgerWithWarehouseSystem()
        defer { prov.remove() }
        let files = (TestPaths.epcis20Fixtures + [TestPaths.epcis12Fixture]).map(TestPaths.epcisFixture)
        let expected = try Self.registerLocations(of: files, in: prov)
        #expect(expected.values.reduce(0, +) == 33)
        for file in files {
            // The EPCIS 2.0 fixtures pass the project's schema; the 1.2 one is read without.
            let xsd = file.hasSuffix(TestPaths.epcis12Fixture) ? nil : TestPaths.epcisSchema
            try Self.importTwice(file, xsd: xsd, expected: expected[file], in: prov)
        }
        // The jam lot's history reaches back through the transformation to the events of the fruit
        // lots, observations with a lot included, in time order.
        let history = try prov.run("history", "LOT-J-0408", "--json")
        try #require(history.status == 0, "\(history.stderr)")
        let timeline = try JSONParser.parse(history.stdout)
        let events = timeline["events"]?.arrayValue ?? []
        #expect(
            events.compactMap { $0["kind"]?.stringValue } == [
                "produce", "ship", "receive", "observe", "transform", "observe", "observe", "ship", "observe",
            ], "\(history.stdout)")
        let ids = events.compactMap { $0["record_id"]?.stringValue }
        let event = "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000"
        #expect(ids.count == 9)
        #expect(Array(ids.prefix(3)) == [event + "101", event + "103", event + "104"])
        #expect(ids.dropFirst(4).first == event + "301")
        #expect(ids.dropFirst(6).first == event + "501#2")
        #expect(Array(ids.suffix(2)) == [event + "603", event + "603#error-declaration"])
        #expect(timeline["upstream_lots"] == ["LOT-A1", "LOT-B7"], "\(history.stdout)")
        #expect(try prov.run("verify").status == 0)
    }

    @Test func anEPCISDocumentViolatingTheSchemaWritesNothing() throws {
        let prov = try Self.ledgerWithWarehouseSystem()
        defer { prov.remove() }
        let source = try String(contentsOfFile: TestPaths.epcisFixture("object-events.xml"), encoding: .utf8)
        try source.replacingOccurrences(of: "<action>", with: "<actionx>").replacingOccurrences(
            of: "</action>", with: "</actionx>"
        )
        .write(toFile: prov.path("bad.xml"), atomically: true, encoding: .utf8)
        let refused = try prov.run("ingest", "bad.xml", "--key", "wms.pem", "--xsd", TestPaths.epcisSchema)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("bad.xml:19"), "\(refused.stderr)")
        #expect(refused.stderr.contains("actionx"), "\(refused.stderr)")
        #expect(try JSONParser.parse(prov.run("verify", "--json").stdout)["tree_size"]?.integerValue == 2)
    }

    @Test func shipmentXMLAndFormatDetection() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        let key = TestPaths.sampleData.appendingPathComponent("demo/keys/DEMO-ONLY-factory-de.pem").path
        try prov.run(
            "participants", "add", "--id", "factory-de", "--name", "Factory", "--role", "processor", "--public-key", key
        )
        try prov.run(
            "facilities", "import", TestPaths.sampleData.appendingPathComponent("demo/factory-de-facilities.csv").path,
            "--key", key)
        let xml = TestPaths.sampleData.appendingPathComponent("demo/factory-de-receipts.xml").path
        let imported = try prov.run("ingest", xml, "--key", key)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("accepted in block"))
        let wrong = try prov.run("ingest", xml, "--key", key, "--format", "csv")
        #expect(wrong.status == 4)
        try "layout: shipments\n".write(toFile: prov.path("x.yml"), atomically: true, encoding: .utf8)
        let mapped = try prov.run("ingest", xml, "--key", key, "--mapping", "x.yml")
        #expect(mapped.stderr.contains("--mapping applies to CSV files"))
    }

    /// GS1's JSON-LD examples through `prov ingest`: each imports once its locations are registered, and again is a
    /// no-op (``EPCISJSONCorpusTests`` explains the one example refused). The same, with the demo's dispatch.
    @Test(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
    func everyGS1JSONExampleImportsAndReimportsAsANoOp() throws {
        let files = try EPCISCorpus.jsonExamples().filter { !$0.hasSuffix("AssociationEvent-h.jsonld") }
        #expect(files.count >= 15)
        // Each into a ledger of its own: several examples give one eventID to events of different content, which one
        // ledger refuses as a conflict (a record ID already used with other content).
        for file in files {
            let prov = try Self.ledgerWithWarehouseSystem()
            defer { prov.remove() }
            let expected = try Self.registerLocations(of: [file], in: prov)
            try Self.importTwice(file, xsd: nil, expected: expected[file], in: prov)
            #expect(try prov.run("verify").status == 0)
        }
    }
}
