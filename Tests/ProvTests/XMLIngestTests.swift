import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

/// `prov ingest` on XML: every GS1 EPCIS example and the project's shipment XML, through the CLI.
@Suite struct XMLIngestTests {
    static let examples: [String] = {
        let folder = TestPaths.shared.appendingPathComponent("epcis/XML")
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".xml") }.sorted().map { folder.appendingPathComponent($0).path }
    }()
    static let gs1Schema = TestPaths.shared.appendingPathComponent("epcis/XSD/EPCglobal-epcis-2_0.xsd").path

    @Test func everyGS1ExampleImportsValidatedAndReimportsAsANoOp() throws {
        #expect(Self.examples.count >= 10)
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        try prov.run("keys", "generate", "--out", "wms.pem")
        try prov.run(
            "participants", "add", "--id", "wms", "--name", "Warehouse system", "--role", "distributor", "--public-key",
            "wms.pem")

        // The party registers the locations its events name (SGLNs) as facilities first.
        var facilities = Set<String>()
        var expected = [String: Int]()
        for file in Self.examples {
            let batch = try EPCISDocument(path: file).readAll()
            #expect(batch.rejects.isEmpty, "\(file): \(batch.rejects.map(\.error))")
            facilities.formUnion(batch.records.compactMap(\.content.facility))
            expected[file] = batch.records.count
        }
        let rows = facilities.sorted().map { "\"\($0)\",wms,Location \($0.suffix(8)),warehouse,DE,50.1,8.6,,,,," }
        try
            ([
                "facility_id,party,name,kind,country,latitude,longitude,capacity_per_day,unit,workers,certificate,certificate_expires"
            ] + rows)
            .joined(separator: "\n").write(toFile: prov.path("locations.csv"), atomically: true, encoding: .utf8)
        let registered = try prov.run("facilities", "import", "locations.csv", "--key", "wms.pem")
        #expect(registered.status == 0, "\(registered.stderr)")

        for file in Self.examples {
            let imported = try prov.run("ingest", file, "--key", "wms.pem", "--xsd", Self.gs1Schema, "--json")
            #expect(imported.status == 0, "\(file): \(imported.stderr)")
            let summary = try JSONParser.parse(imported.stdout)
            #expect(summary["accepted"]?.integerValue == expected[file], "\(file)")
            #expect(summary["rejected"]?.integerValue == 0)
            let again = try prov.run("ingest", file, "--key", "wms.pem", "--json")
            #expect(try JSONParser.parse(again.stdout)["duplicates"]?.integerValue == expected[file], "\(file)")
        }
        let history = try prov.run("history", "urn:epc:id:sgln:0614141.00888.0")
        #expect(history.status == 3 || history.status == 0)
        #expect(try prov.run("verify").status == 0)
    }

    @Test func anEPCISDocumentViolatingTheSchemaWritesNothing() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        try prov.run("keys", "generate", "--out", "wms.pem")
        try prov.run(
            "participants", "add", "--id", "wms", "--name", "Warehouse system", "--role", "distributor", "--public-key",
            "wms.pem")
        let source = try String(
            contentsOfFile: try #require(Self.examples.first { $0.hasSuffix("WithExtension/ObjectEvent.xml") }),
            encoding: .utf8)
        try source.replacingOccurrences(of: "<action>", with: "<actionx>").replacingOccurrences(
            of: "</action>", with: "</actionx>"
        )
        .write(toFile: prov.path("bad.xml"), atomically: true, encoding: .utf8)
        let refused = try prov.run("ingest", "bad.xml", "--key", "wms.pem", "--xsd", Self.gs1Schema)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("bad.xml:"), "\(refused.stderr)")
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
}
