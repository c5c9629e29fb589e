import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

/// `prov ingest` on every example of GS1's EPCIS corpus (``EPCISCorpus``), validated against GS1's
/// schema: skipped when the corpus is absent, failing under CI. ``XMLIngestTests`` checks the same on
/// the project's own fixtures, always.
@Suite(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
struct XMLIngestCorpusTests {
    @Test func everyGS1ExampleImportsValidatedAndReimportsAsANoOp() throws {
        let examples = try EPCISCorpus.examples()
        let schema = try EPCISCorpus.schema()
        #expect(examples.count >= 10)
        let prov = try XMLIngestTests.ledgerWithWarehouseSystem()
        defer { prov.remove() }
        let expected = try XMLIngestTests.registerLocations(of: examples, in: prov)
        for file in examples {
            try XMLIngestTests.importTwice(file, xsd: schema, expected: expected[file], in: prov)
        }
        let history = try prov.run("history", "urn:epc:id:sgln:0614141.00888.0")
        #expect(history.status == 3 || history.status == 0)
        #expect(try prov.run("verify").status == 0)
    }

    @Test func anEPCISDocumentViolatingGS1SchemaWritesNothing() throws {
        let schema = try EPCISCorpus.schema()
        let prov = try XMLIngestTests.ledgerWithWarehouseSystem()
        defer { prov.remove() }
        let source = try String(contentsOfFile: EPCISCorpus.example("WithExtension/ObjectEvent.xml"), encoding: .utf8)
        try source.replacingOccurrences(of: "<action>", with: "<actionx>").replacingOccurrences(
            of: "</action>", with: "</actionx>"
        )
        .write(toFile: prov.path("bad.xml"), atomically: true, encoding: .utf8)
        let refused = try prov.run("ingest", "bad.xml", "--key", "wms.pem", "--xsd", schema)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("bad.xml:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("actionx"), "\(refused.stderr)")
        #expect(try JSONParser.parse(prov.run("verify", "--json").stdout)["tree_size"]?.integerValue == 2)
    }
}
