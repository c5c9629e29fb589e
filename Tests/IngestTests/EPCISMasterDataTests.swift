import Foundation
@testable import Ingest
import LedgerCore
import TestSupport
import Testing

/// EPCIS master data as facility and product events (``EPCISMasterData``): an `EPCISMasterDataDocument` in XML and the
/// same master data in the header of a JSON-LD document.
@Suite struct EPCISMasterDataTests {
    static let xml = TestPaths.epcisFixture("master-data.xml")
    static let json = TestPaths.epcisFixture("master-data-header.jsonld")
    static let recordedAt = Timestamp(epochSeconds: 1_830_297_600)

    static func context(
        facilities: [String: [String: JSONValue]] = [:], products: ProductCatalog = ProductCatalog()
    ) -> EPCISMasterData.Context {
        EPCISMasterData.Context(party: "roaster", facilities: facilities, products: products)
    }

    static func read(_ path: String, context: EPCISMasterData.Context = context()) throws -> (
        records: [EventContent], rejects: [SourceReject]
    ) {
        let (records, rejects) = try readAll(EPCISMasterData(path: path, context: context, recordedAt: recordedAt))
        return (records.map(\.content), rejects)
    }

    @Test func locationsBecomeFacilitiesEachSiteBeforeItsLocations() throws {
        let (records, rejects) = try Self.read(Self.xml)
        #expect(rejects.isEmpty, "\(rejects.map(\.error))")
        let facilities = records.filter { $0.kind == .facility }
        #expect(
            facilities.map(\.facility) == [
                "urn:epc:id:sgln:4098765.00001.0", "urn:epc:id:sgln:4098765.00001.1", "urn:epc:id:sgln:4098765.00003.0",
                "urn:epc:id:sgln:4098765.00001.2",
            ])
        let site = facilities[0].publicFields
        #expect(site["name"] == "Hamburg Roastery")
        #expect(site["party"] == "roaster")
        #expect(site["kind"] == "factory")
        #expect(site["country"] == "DE")
        #expect(site["latitude"] == .string("53.543"))
        #expect(site["longitude"] == .string("9.987"))
        #expect(site["capacity_per_day"] == .string("12000"))
        #expect(site["workers"] == .integer(85))
        #expect(site["parent_facility"] == nil)
        // Attributes the facility has no field for stay in the event.
        #expect(site["extensions"]?["urn:epcglobal:cbv:mda#city"] == "Hamburg")
        #expect(site["extensions"]?["urn:epcglobal:cbv:mda#streetAddressOne"] == "Am Sandtorkai 1")

        // The dock names its site; the line is among the site's children. Both take its kind, country and place.
        let dock = facilities[1].publicFields
        #expect(dock["parent_facility"] == "urn:epc:id:sgln:4098765.00001.0")
        #expect(dock["name"] == "Roastery Receiving Dock")
        #expect(dock["kind"] == "factory" && dock["country"] == "DE" && dock["latitude"] == .string("53.543"))
        #expect(dock["capacity_per_day"] == nil && dock["workers"] == nil)
        #expect(dock["extensions"]?["urn:epcglobal:cbv:mda:sst"] == "209")
        #expect(
            dock["extensions"]?["https://ns.roaster.example/md#gate"] == [
                "{https://ns.roaster.example/md}number": "4", "{https://ns.roaster.example/md}side": "north",
            ])
        let line = facilities[3].publicFields
        #expect(line["parent_facility"] == "urn:epc:id:sgln:4098765.00001.0")
        #expect(line["name"] == "Roasting Line 2")
        // Versions name their content: the record ID is the facility's and a digest of its fields.
        #expect(facilities[0].recordID.hasPrefix("facility/urn:epc:id:sgln:4098765.00001.0/"))
    }

    @Test func tradeItemClassesBecomeOneProductPerGTIN() throws {
        let products = try Self.read(Self.xml).records.filter { $0.kind == .product }
        #expect(products.map(\.product) == ["04098765123450", "urn:roaster:class:green-blend-7"])
        let espresso = products[0].publicFields
        #expect(espresso["name"] == "Espresso beans, roasted, 1 kg")
        #expect(espresso["gtins"] == ["04098765123450"])
        #expect(
            espresso["extensions"]?["urn:epc:idpat:sgtin:4098765.012345.*"]?["urn:epcglobal:cbv:mda#netContent"]
                == "1 KGM")
        #expect(
            espresso["extensions"]?["urn:epc:class:lgtin:4098765.012345.R-2026-118"]?[
                "urn:epcglobal:cbv:mda#bestBeforeDate"] == "2027-05-01")
        #expect(products[1].publicFields["name"] == "Green coffee blend 7")
        #expect(products[1].publicFields["gtins"] == nil)
    }

    /// The same master data in the header of a JSON-LD document (prefixed attribute IDs, numbers as numbers) gives
    /// the same events.
    @Test func theJSONHeaderGivesTheSameEventsAsTheXMLDocument() throws {
        let (xml, xmlRejects) = try Self.read(Self.xml)
        let (json, jsonRejects) = try Self.read(Self.json)
        #expect(xmlRejects.isEmpty && jsonRejects.isEmpty, "\(jsonRejects.map(\.error))")
        #expect(json.count == xml.count)
        for (left, right) in zip(json, xml) {
            #expect(left.recordID == right.recordID)
            #expect(left.publicFields == right.publicFields)
        }
    }

    @Test(.enabled(if: EPCISCorpus.shouldRun)) func theXMLDocumentIsValidAgainstGS1sMasterDataSchema() throws {
        let directory = try EPCISCorpus.require()
        let schema = directory.appendingPathComponent("XSD/EPCglobal-epcis-masterdata-2_0.xsd").path
        try XMLSchemaValidator(xsdPath: schema).validate(Self.xml, limits: .standard)
    }

    /// A facility already registered keeps the fields the document does not give; a GTIN that names another product
    /// adds nothing; a location whose site is registered takes what it lacks from it.
    @Test func whatTheLedgerHoldsFillsTheGaps() throws {
        let registered: [String: JSONValue] = [
            "facility": "urn:epc:id:sgln:4098765.00003.0", "party": "roaster", "name": "Port Warehouse",
            "kind": "warehouse", "country": "DE", "latitude": "53.529", "longitude": "9.933", "workers": .integer(14),
            "certificate": "RA-2026-77",
        ]
        var products = ProductCatalog()
        products.register(
            ["product": "espresso-1kg", "name": "Espresso 1 kg", "gtins": ["04098765123450"]], party: "roaster")
        let records = try Self.read(
            Self.xml,
            context: Self.context(facilities: ["urn:epc:id:sgln:4098765.00003.0": registered], products: products)
        ).records
        let warehouse = try #require(records.first { $0.facility == "urn:epc:id:sgln:4098765.00003.0" })
        #expect(warehouse.publicFields["workers"] == .integer(14))
        #expect(warehouse.publicFields["certificate"] == "RA-2026-77")
        #expect(records.filter { $0.kind == .product }.map(\.product) == ["urn:roaster:class:green-blend-7"])
    }

    @Test func aLocationWithoutKindCountryOrPlaceIsRefusedByName() throws {
        let path = try EPCISJSONTests.file(
            """
            {"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-05-01T08:00:00Z",
             "@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
             "epcisHeader": {"epcisMasterData": {"vocabularyList": [
               {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
                 {"id": "urn:epc:id:sgln:4098765.00009.0", "attributes": [
                   {"id": "cbvmda:name", "attribute": "Somewhere"},
                   {"id": "cbvmda:countryCode", "attribute": "DE"}]},
                 {"id": "urn:epc:id:sgln:4098765.00009.4", "attributes": [
                   {"id": "cbvmda:name", "attribute": "Bay 4"}]}]}]}},
             "epcisBody": {"eventList": []}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (records, rejects) = try Self.read(path)
        #expect(records.isEmpty)
        #expect(rejects.count == 2)
        let first = try #require(rejects.first?.error)
        #expect(first.reason.contains("gives no kind, latitude, longitude"))
        #expect(first.reason.contains("urn:provenance:mda#kind"))
        #expect(first.context.contains("/epcisHeader/epcisMasterData/vocabularyList/0/vocabularyElementList/0"))
        // The bay's SGLN names the site it is in: the site gave no kind, so neither does the bay.
        #expect(rejects.last?.error.reason.contains("no site of it does") == true)
    }

    @Test func aBadValueIsRefusedNamingItsAttribute() throws {
        let path = try EPCISJSONTests.file(
            """
            {"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-05-01T08:00:00Z",
             "epcisHeader": {"epcisMasterData": {"vocabularyList": [
               {"type": "urn:epcglobal:epcis:vtype:BusinessLocation", "vocabularyElementList": [
                 {"id": "urn:epc:id:sgln:4098765.00009.0", "attributes": [
                   {"id": "urn:epcglobal:cbv:mda#countryCode", "attribute": "Germany"},
                   {"id": "urn:epcglobal:cbv:mda#latitude", "attribute": 53.1},
                   {"id": "urn:epcglobal:cbv:mda#longitude", "attribute": 9.1},
                   {"id": "urn:provenance:mda#kind", "attribute": "factory"}]}]}]}},
             "epcisBody": {"eventList": []}}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (records, rejects) = try Self.read(path)
        #expect(records.isEmpty)
        let error = try #require(rejects.first?.error)
        #expect(error.reason.hasPrefix("urn:epcglobal:cbv:mda#countryCode: "))
        #expect(error.context.contains("id urn:epc:id:sgln:4098765.00009.0"))
    }

    @Test(.enabled(if: EPCISCorpus.shouldRun)) func anEventDocumentWithoutMasterDataHasNone() throws {
        let demo = EPCISJSONTests.demo
        // The project's shipment XML is not EPCIS: it is refused, not read as having no master data.
        #expect(throws: LedgerError.self) {
            try EPCISVocabularyReader.elements(path: demo.appendingPathComponent("factory-de-receipts.xml").path)
        }
        let corpus = try EPCISCorpus.require()
        let twin = corpus.appendingPathComponent("JSON/Example_9.6.1-ObjectEvent.jsonld").path
        #expect(try EPCISVocabularyReader.elements(path: twin).isEmpty)
        #expect(
            try EPCISVocabularyReader.elements(path: EPCISCorpus.example("Example_9.6.1-ObjectEvent-2020_06_18a.xml"))
                .isEmpty)
    }
}
