import Foundation
import LedgerCore
import TestSupport
import Testing

/// EPCIS master data through the CLI: `prov facilities import` and `prov products import` of an EPCIS document, and
/// `prov ingest --with-master-data` (docs/epcis.md).
@Suite struct MasterDataCommandTests {
    /// A ledger with the participants `roaster` and `rival`, each with its key.
    static func ledger() throws -> ProvRunner {
        let prov = try ProvRunner()
        try #require(try prov.run("init").status == 0)
        for id in ["roaster", "rival"] {
            try #require(try prov.run("keys", "generate", "--out", "\(id).pem").status == 0)
            try #require(
                try prov.run(
                    "participants", "add", "--id", id, "--name", id, "--role", "processor", "--public-key", "\(id).pem"
                ).status == 0)
        }
        return prov
    }

    @Test func anEPCISMasterDataDocumentRegistersLocationsAndTradeItems() throws {
        let prov = try Self.ledger()
        defer { prov.remove() }
        let document = TestPaths.epcisFixture("master-data.xml")
        let imported = try prov.run("facilities", "import", document, "--key", "roaster.pem", "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try JSONParser.parse(imported.stdout)
        #expect(summary["accepted"] == .integer(6) && summary["rejected"] == .integer(0), "\(imported.stdout)")
        // Importing it again changes nothing.
        let again = try prov.run("facilities", "import", document, "--key", "roaster.pem")
        #expect(again.status == 0 && again.stdout.contains("Nothing new"), "\(again.stdout)")

        let facilities = try JSONParser.parse(try prov.run("facilities", "list", "--json").stdout)
        let dock = try #require(
            facilities.arrayValue?.first { $0["facility_id"] == "urn:epc:id:sgln:4098765.00001.1" })
        #expect(dock["parent_facility"] == "urn:epc:id:sgln:4098765.00001.0")
        #expect(dock["party"] == "roaster" && dock["kind"] == "factory")
        let products = try prov.run("products", "list").stdout
        #expect(
            products.contains("04098765123450") && products.contains("Espresso beans, roasted, 1 kg"), "\(products)")

        // Another participant cannot take the roaster's locations by importing the same document.
        let hostile = try prov.run("facilities", "import", document, "--key", "rival.pem")
        #expect(hostile.status != 0)
        #expect(
            hostile.stderr.contains("facility 'urn:epc:id:sgln:4098765.00001.0' is registered to 'roaster'"),
            "\(hostile.stderr)")
        #expect(try prov.run("verify").status == 0)
    }

    @Test func productsImportReadsOnlyTheTradeItems() throws {
        let prov = try Self.ledger()
        defer { prov.remove() }
        let imported = try prov.run(
            "products", "import", TestPaths.epcisFixture("master-data-header.jsonld"), "--key", "roaster.pem", "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try JSONParser.parse(imported.stdout)["accepted"] == .integer(2))
        #expect(try prov.run("facilities", "list").stdout.isEmpty)
    }

    @Test func ingestWithMasterDataRegistersTheHeadersLocationsFirst() throws {
        let prov = try Self.ledger()
        defer { prov.remove() }
        try """
        {"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-05-04T09:00:00Z",
         "epcisHeader": {"epcisMasterData": {"vocabularyList": [
           {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
             {"id": "urn:epc:id:sgln:4098765.00001.0", "attributes": [
               {"id": "cbvmda:name", "attribute": "Hamburg Roastery"},
               {"id": "cbvmda:countryCode", "attribute": "DE"},
               {"id": "cbvmda:latitude", "attribute": 53.543}, {"id": "cbvmda:longitude", "attribute": 9.987},
               {"id": "urn:provenance:mda#kind", "attribute": "factory"}]}]}]}},
         "epcisBody": {"eventList": [
           {"type": "ObjectEvent", "eventTime": "2026-05-03T16:00:00Z", "eventTimeZoneOffset": "+00:00",
            "eventID": "urn:uuid:1f6e1c9a-51c6-4c55-9a4b-0f0b7d3c0001", "action": "ADD",
            "bizStep": "commissioning", "bizLocation": {"id": "urn:epc:id:sgln:4098765.00001.0"},
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:4098765.012345.R-2026-118",
                              "quantity": 800, "uom": "KGM"}]}]}}
        """.write(toFile: prov.path("roast.jsonld"), atomically: true, encoding: .utf8)
        let without = try prov.run("ingest", "roast.jsonld", "--key", "roaster.pem")
        #expect(without.status != 0 && without.stderr.contains("unknown facility"), "\(without.stderr)")
        let with = try prov.run("ingest", "roast.jsonld", "--key", "roaster.pem", "--with-master-data")
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout.contains("1 accepted in block"), "\(with.stdout)")
        let history = try prov.run("history", "R-2026-118").stdout
        #expect(history.contains("produce") && history.contains("urn:epc:id:sgln:4098765.00001.0"), "\(history)")
        // Again: both the master data and the event are already there.
        let again = try prov.run("ingest", "roast.jsonld", "--key", "roaster.pem", "--with-master-data")
        #expect(again.status == 0 && !again.stdout.contains("accepted in block"), "\(again.stdout)")
        #expect(try prov.run("verify").status == 0)
    }
}
