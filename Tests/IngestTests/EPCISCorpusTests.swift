import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

/// GS1's EPCIS examples and schema (``EPCISCorpus``), read as a conformance corpus: skipped when
/// the corpus is absent, failing under CI. What these examples check is also checked, always, on
/// the project's own fixtures in ``EPCISTests``.
@Suite(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
struct EPCISCorpusTests {
    /// The records of the example `name` (a path under `XML/`), which must have no rejects.
    static func records(_ name: String) throws -> [EventContent] {
        try records(atPath: EPCISCorpus.example(name))
    }

    static func records(atPath path: String) throws -> [EventContent] {
        let (records, rejects) = try readAll(EPCISDocument(path: path))
        #expect(rejects.isEmpty, "\(path): \(rejects.map(\.error))")
        return records.map(\.content)
    }

    @Test func everyGS1ExampleImportsWithoutRejectsAndValidatesAgainstGS1Schema() throws {
        #expect(try EPCISCorpus.examples().count >= 10)
        let schema = try EPCISCorpus.schema()
        for path in try EPCISCorpus.examples() {
            let (records, rejects) = try readAll(EPCISDocument(path: path, xsd: schema))
            #expect(rejects.isEmpty, "\(path): \(rejects.map(\.error))")
            #expect(!records.isEmpty, "\(path)")
        }
    }

    @Test func objectEventsMapOntoKinds() throws {
        let records = try Self.records("WithExtension/ObjectEvent.xml")
        #expect(records.map(\.kind) == [.observe, .produce])
        // Commissioning 150 kg of lot 2019-10-07 of GTIN 04023333020008 (from the LGTIN class).
        let produce = records[1]
        #expect(produce.product == "04023333020008")
        #expect(produce.lot == "2019-10-07")
        #expect(produce.sensitiveFields["quantity"] == "150")
        #expect(produce.publicFields["unit"] == "KGM")
        #expect(produce.facility == "urn:epc:id:sgln:0614141.07346.1234")
        #expect(produce.occurredAt.local == "2005-04-03T20:33:31.116-06:00")
        let extensions = produce.publicFields["extensions"]
        #expect(extensions?["{http://ns.example.com/epcis}userElement"] == ["anotherElement": "elementData"])
        #expect(extensions?["{http://ns.example.com/epcis}extension"] == ["futureExtension": ""])
        #expect(extensions?["ilmd"]?["{http://ns.example.com/epcis}userIlmd"]?["part2"] == "2")
        #expect(extensions?["bizStep"] == "urn:epcglobal:cbv:bizstep:commissioning")
        #expect(extensions?["readPoint"] == ["id": "urn:epc:id:sgln:0614141.07346.1234"])
        // Shipping serialised items without a lot or a destination: kept as an observation.
        let shipping = records[0]
        #expect(shipping.publicFields["epcis_type"] == "ObjectEvent")
        #expect(shipping.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:shipping")
        #expect(
            shipping.publicFields["epcs"] == [
                "urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018",
            ])
        #expect(shipping.product == "10614141073464")
        #expect(shipping.sensitiveFields["quantity"] == "2")
        #expect(shipping.publicFields["unit"] == "pcs")
        #expect(shipping.shipmentID == "http://transaction.acme.com/po/12345678")
    }

    @Test func receivingPrefersTheDespatchAdviceAndKeepsExtensionsByNamespace() throws {
        let receiving = try Self.records("Example_9.6.1-ObjectEvent-2020_06_18a.xml")[1]
        #expect(receiving.shipmentID == "urn:epcglobal:cbv:bt:0614141073467:1152")
        #expect(receiving.facility == "urn:epc:id:sgln:0012345.11111.0")
        let extensions = receiving.publicFields["extensions"]
        #expect(extensions?["{http://ns.example.com/epcis}myField"] == "Example of a vendor/user extension")
        #expect(extensions?["readPoint"] == ["id": "urn:epc:id:sgln:0012345.11111.400"])
        // The facility, and kept as written too: an export tells it from the read point.
        #expect(extensions?["bizLocation"] == ["id": "urn:epc:id:sgln:0012345.11111.0"])
        #expect(receiving.facility == "urn:epc:id:sgln:0012345.11111.0")
    }

    @Test func severalProductClassesBecomeSeveralEvents() throws {
        let records = try Self.records("WithExtension/AggregationEvent.xml")
        #expect(records.map { String($0.recordID.suffix(2)) } == ["#1", "#2", "#3"])
        #expect(Set(records.map { $0.recordID.dropLast(2) }).count == 1)
        #expect(records.map(\.product) == ["10614141073464", "04012345987652", "04012345123456"])
        #expect(records.map(\.lot) == [nil, nil, "998877"])
        #expect(records.map { $0.sensitiveFields["quantity"] } == ["2", "10", "200.5"])
        #expect(records.map { $0.publicFields["unit"] } == ["pcs", "pcs", "KGM"])
        #expect(records.allSatisfy { $0.publicFields["parent_id"] == "urn:epc:id:sscc:0614141.1234567890" })
        #expect(records[0].occurredAt.local == "2013-06-08T16:58:56.591+02:00")
    }

    @Test func eventTimeTakesTheEventTimeZoneOffset() throws {
        let event = try Self.records("Example-PersistentDisposition.xml")[0]
        #expect(event.occurredAt.utc == "2020-06-07T17:10:16Z")
        #expect(event.occurredAt.offset == "+02:00")
        #expect(
            event.publicFields["extensions"]?["persistentDisposition"] == [
                "set": "urn:epcglobal:cbv:disp:completeness_inferred"
            ])
        // The owning party is the only destination: mapped, and kept out of the public extensions.
        #expect(event.sensitiveFields["destination"] == "urn:epc:id:pgln:9520999.99999")
        #expect(event.publicFields["extensions"]?["destinationList"] == nil)
    }

    @Test func errorDeclarationsAreObservationsLinkedToTheEventTheyCorrect() throws {
        let association = try Self.records("AssociationEvent/AssociationEventExamples.xml")
        // Case (g) declares case (d) erroneous; neither has an eventID, so both get the same content hash.
        // (Cases (e) and (f) name two product classes each, so they are two records each.)
        #expect(association.count == 10)
        let declared = association[8]
        #expect(declared.kind == .observe)
        #expect(declared.recordID == association[3].recordID + "#error-declaration")
        #expect(
            association[3].recordID == association[3].publicFields["event_hash"]?.stringValue
                && association[3].recordID.hasPrefix("ni:///sha-256;"))
        let declaration = declared.publicFields["extensions"]?["errorDeclaration"]
        #expect(declaration?["declarationTime"] == "2019-11-07T14:00:00.000+01:00")
        #expect(declaration?["reason"] == "urn:epcglobal:cbv:er:incorrect_data")
        #expect(
            declaration?["correctiveEventIDs"] == ["correctiveEventID": "urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518"]
        )
        #expect(association[9].recordID == "urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518")
        // Case (f): recordTime and sensor data are kept; the possessing parties are the mapped source and destination.
        #expect(association[6].publicFields["extensions"]?["recordTime"] == "2019-11-06T14:05:00.000+01:00")
        #expect(association[6].publicFields["extensions"]?["sensorElementList"] != nil)
        #expect(association[6].sensitiveFields["origin"] == "urn:epc:id:pgln:4000001.00012")

        let transformation = try Self.records("WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml")
        #expect(
            transformation.map(\.recordID) == [
                "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8#error-declaration#1",
                "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8#error-declaration#2",
                "urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8#1",
                "urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8#2",
            ])
        #expect(
            transformation[0].publicFields["extensions"]?["errorDeclaration"]?[
                "{http://ns.example.com/epcis}vendorExtension"] == "Test1")
        #expect(
            transformation[0].publicFields["extensions"]?["eventID"] == "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8")
    }

    @Test func sensorDataAndForeignElementsAreKept() throws {
        let event = try Self.records("WithExtension/TransformationEvent.xml")[0]
        let extensions = event.publicFields["extensions"]
        let report = extensions?["sensorElementList"]?["sensorElement"]?["sensorReport"]?.arrayValue?.first
        #expect(report?["@minValue"] == "12.4")
        #expect(report?["@{http://ns.example.com/epcis}cv"] == "123")
        #expect(
            extensions?["{http://ns.example.com/epcis-2}furtherData"]?["@{http://ns.example.com/epcis-2}assemblyLine"]
                == "2")
        #expect(extensions?["ilmd"]?["{urn:epcglobal:cbv:mda}lotNumber"] == "LOTABC")
        #expect(extensions?["bizLocation"]?["{http://ns.example.com/epcis}gs1ES"] == "(414)4023333000017 (254)12")
        #expect(event.facility == "urn:epc:id:sgln:4023333.00001.12")
        #expect(event.lot == "LOTABC")
    }

    @Test func reimportingGivesTheSameRecordIDs() throws {
        for path in try EPCISCorpus.examples() {
            let first = try Self.records(atPath: path).map(\.recordID)
            #expect(try Self.records(atPath: path).map(\.recordID) == first)
            #expect(Set(first).count == first.count, "\(path)")
        }
    }

    @Test func everyGS1ExampleIsDetectedAsEPCIS() throws {
        for path in try EPCISCorpus.examples() {
            #expect(try InputFormat.detect(path: path) == .epcis, "\(path)")
        }
    }

    /// The project's EPCIS 2.0 fixtures are valid for GS1's schema too, not only for the project's.
    @Test func theProjectsEPCIS20FixturesValidateAgainstGS1Schema() throws {
        let schema = try EPCISCorpus.schema()
        for name in EPCISTests.fixtures20 {
            let (records, rejects) = try readAll(EPCISDocument(path: TestPaths.epcisFixture(name), xsd: schema))
            #expect(rejects.isEmpty, "\(name): \(rejects.map(\.error))")
            #expect(records.count == EPCISTests.recordCounts[name], "\(name)")
        }
    }

    /// GS1's schema refuses what the project's schema refuses in ``EPCISTests``.
    @Test func gs1SchemaViolationsNameLineAndElement() throws {
        let text = EPCISTests.invalidActionDocument
        let schema = try EPCISCorpus.schema()
        #expect { try EPCISTests.records(inline: text, xsd: schema) } throws: { error in
            let description = (error as? LedgerError)?.description ?? ""
            return description.contains(".xml:6") && description.contains("line 6, element action")
                && description.contains("MOVE")
        }
        let laughs = """
            <!DOCTYPE epcis:EPCISDocument [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">&b;</epcis:EPCISDocument>
            """
        #expect { try EPCISTests.records(inline: laughs, xsd: schema) } throws: { error in
            (error as? LedgerError)?.reason.contains("entity declarations are not allowed") == true
        }
    }
}
