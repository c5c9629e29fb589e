import Foundation
import Ingest
import LedgerCore
import Testing

@Suite struct EPCISTests {
    /// GS1's EPCIS examples and XSD, in `../shared/epcis` beside the repository.
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/epcis")
    static let xsd = shared.appendingPathComponent("XSD/EPCglobal-epcis-2_0.xsd").path

    static func example(_ name: String) -> String {
        shared.appendingPathComponent("XML").appendingPathComponent(name).path
    }

    static var examples: [String] {
        let root = shared.appendingPathComponent("XML").path
        let names = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted()
    }

    static func records(_ name: String) throws -> [EventContent] {
        let (records, rejects) = try readAll(EPCISDocument(path: example(name)))
        #expect(rejects.isEmpty, "\(rejects.map(\.error))")
        return records.map(\.content)
    }

    static func records(inline text: String, xsd: String? = nil) throws -> (
        records: [SourceRecord], rejects: [SourceReject]
    ) {
        let path = try XMLFixture.file(text)
        defer { XMLFixture.remove(path) }
        return try readAll(EPCISDocument(path: path, xsd: xsd))
    }

    @Test func everyGS1ExampleImportsWithoutRejectsAndValidatesAgainstGS1Schema() throws {
        #expect(Self.examples.count == 10)
        for name in Self.examples {
            let (records, rejects) = try readAll(EPCISDocument(path: Self.example(name), xsd: Self.xsd))
            #expect(rejects.isEmpty, "\(name): \(rejects.map(\.error))")
            #expect(!records.isEmpty, "\(name)")
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
        #expect(extensions?["bizLocation"] == nil, "held by facility")
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
        #expect(association[3].recordID.hasPrefix("epcis:") && association[3].recordID.count == 38)
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
        for name in Self.examples {
            let first = try Self.records(name).map(\.recordID)
            #expect(try Self.records(name).map(\.recordID) == first)
            #expect(Set(first).count == first.count, "\(name)")
        }
    }

    /// EPCIS 1.2 puts quantityList, source and destination lists and ILMD in `<extension>`,
    /// eventID in `<baseExtension>`, and TransformationEvent in the EventList's `<extension>`.
    static let epcis12 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:cbvmda="urn:epcglobal:cbv:mda"
            xmlns:acme="https://acme.example/epcis" schemaVersion="1.2" creationDate="2026-03-01T00:00:00Z">
          <EPCISBody>
            <EventList>
              <ObjectEvent>
                <eventTime>2026-03-01T08:15:00.000+02:00</eventTime>
                <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
                <baseExtension><eventID>urn:uuid:00000000-0000-4000-8000-000000000001</eventID></baseExtension>
                <epcList/>
                <action>ADD</action>
                <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
                <bizLocation><id>urn:epc:id:sgln:4012345.00001.0</id></bizLocation>
                <extension>
                  <quantityList>
                    <quantityElement>
                      <epcClass>urn:epc:class:lgtin:4012345.012345.LOT%2F1</epcClass>
                      <quantity>1200.50</quantity>
                      <uom>KGM</uom>
                    </quantityElement>
                  </quantityList>
                  <ilmd><cbvmda:countryOfOrigin>GH</cbvmda:countryOfOrigin></ilmd>
                </extension>
                <certificationInfo>urn:example:cert:FT-12345</certificationInfo>
              </ObjectEvent>
              <ObjectEvent>
                <eventTime>2026-03-03T06:00:00Z</eventTime>
                <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                <epcList/>
                <action>OBSERVE</action>
                <bizStep>shipping</bizStep>
                <bizLocation><id>urn:epc:id:sgln:4012345.00001.0</id></bizLocation>
                <bizTransactionList>
                  <bizTransaction type="urn:epcglobal:cbv:btt:po">PO-1</bizTransaction>
                  <bizTransaction type="urn:epcglobal:cbv:btt:desadv">DESADV-77</bizTransaction>
                </bizTransactionList>
                <extension>
                  <quantityList>
                    <quantityElement>
                      <epcClass>urn:epc:class:lgtin:4012345.012345.LOT%2F1</epcClass>
                      <quantity>1200.5</quantity>
                      <uom>KGM</uom>
                    </quantityElement>
                  </quantityList>
                  <destinationList>
                    <destination type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:0614141.00001</destination>
                    <destination type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:0614141.00777.0</destination>
                  </destinationList>
                </extension>
                <acme:truck>TRUCK-9</acme:truck>
              </ObjectEvent>
              <ObjectEvent>
                <eventTime>2026-03-04T10:00:00+01:00</eventTime>
                <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
                <epcList/>
                <action>OBSERVE</action>
                <bizStep>https://ref.gs1.org/cbv/BizStep-receiving</bizStep>
                <readPoint><id>urn:epc:id:sgln:0614141.00777.0</id></readPoint>
                <bizTransactionList>
                  <bizTransaction type="https://ref.gs1.org/cbv/BTT-desadv">DESADV-77</bizTransaction>
                </bizTransactionList>
                <extension>
                  <quantityList>
                    <quantityElement>
                      <epcClass>urn:epc:class:lgtin:4012345.012345.LOT%2F1</epcClass>
                      <quantity>1198</quantity>
                      <uom>KGM</uom>
                    </quantityElement>
                  </quantityList>
                  <sourceList>
                    <source type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:4012345.00001.0</source>
                  </sourceList>
                </extension>
              </ObjectEvent>
              <extension>
                <TransformationEvent>
                  <eventTime>2026-03-10T12:00:00-05:00</eventTime>
                  <eventTimeZoneOffset>-05:00</eventTimeZoneOffset>
                  <baseExtension><eventID>urn:uuid:00000000-0000-4000-8000-000000000004</eventID></baseExtension>
                  <inputQuantityList>
                    <quantityElement>
                      <epcClass>urn:epc:class:lgtin:4012345.012345.LOT%2F1</epcClass>
                      <quantity>1000</quantity>
                      <uom>KGM</uom>
                    </quantityElement>
                    <quantityElement>
                      <epcClass>urn:epc:class:lgtin:4012345.012345.LOT-2</epcClass>
                      <quantity>198.5</quantity>
                      <uom>KGM</uom>
                    </quantityElement>
                  </inputQuantityList>
                  <outputEPCList>
                    <epc>urn:epc:id:sgtin:4012345.112345.S1</epc>
                    <epc>urn:epc:id:sgtin:4012345.112345.S2</epc>
                  </outputEPCList>
                  <bizLocation><id>urn:epc:id:sgln:0614141.00999.0</id></bizLocation>
                  <ilmd><cbvmda:lotNumber>CB-0001</cbvmda:lotNumber></ilmd>
                </TransformationEvent>
              </extension>
            </EventList>
          </EPCISBody>
        </epcis:EPCISDocument>
        """

    @Test func epcis12StructureMapsOntoEveryKind() throws {
        let (records, rejects) = try Self.records(inline: Self.epcis12)
        #expect(rejects.isEmpty, "\(rejects.map(\.error))")
        let contents = records.map(\.content)
        #expect(contents.map(\.kind) == [.produce, .ship, .receive, .transform])
        #expect(records.map(\.line) == [6, 26, 52, 76])

        let produce = contents[0]
        #expect(produce.recordID == "urn:uuid:00000000-0000-4000-8000-000000000001")
        #expect(produce.product == "04012345123456")
        #expect(produce.lot == "LOT/1")
        #expect(produce.sensitiveFields["quantity"] == "1200.5")
        #expect(produce.publicFields["certificate"] == "urn:example:cert:FT-12345")
        #expect(produce.publicFields["extensions"]?["ilmd"] == ["{urn:epcglobal:cbv:mda}countryOfOrigin": "GH"])
        #expect(produce.publicFields["extensions"]?["eventID"] == "urn:uuid:00000000-0000-4000-8000-000000000001")

        let ship = contents[1]
        #expect(ship.shipmentID == "DESADV-77")
        #expect(ship.sensitiveFields["destination"] == "urn:epc:id:sgln:0614141.00777.0")
        #expect(ship.facility == "urn:epc:id:sgln:4012345.00001.0")
        #expect(ship.recordID.hasPrefix("epcis:"))
        let shipExtensions = ship.publicFields["extensions"]
        #expect(shipExtensions?["{https://acme.example/epcis}truck"] == "TRUCK-9")
        // The location is the destination; the owning party that is not mapped stays in the list.
        #expect(
            shipExtensions?["destinationList"] == [
                "destination": [
                    "@type": "urn:epcglobal:cbv:sdt:owning_party", "#text": "urn:epc:id:pgln:0614141.00001",
                ]
            ])

        let receive = contents[2]
        #expect(receive.shipmentID == "DESADV-77")
        #expect(receive.sensitiveFields["origin"] == "urn:epc:id:sgln:4012345.00001.0")
        #expect(receive.sensitiveFields["quantity"] == "1198")
        #expect(receive.facility == "urn:epc:id:sgln:0614141.00777.0")
        #expect(receive.publicFields["extensions"]?["sourceList"] == nil)

        let transform = contents[3]
        #expect(transform.recordID == "urn:uuid:00000000-0000-4000-8000-000000000004")
        #expect(transform.product == "14012345123453")
        #expect(transform.lot == "CB-0001")
        #expect(transform.sensitiveFields["quantity"] == "2")
        #expect(transform.publicFields["unit"] == "pcs")
        #expect(
            transform.publicFields["serials"] == [
                "urn:epc:id:sgtin:4012345.112345.S1", "urn:epc:id:sgtin:4012345.112345.S2",
            ])
        #expect(transform.inputLots == ["LOT/1", "LOT-2"])
        #expect(transform.sensitiveFields["input_quantities"] == ["1000", "198.5"])
        #expect(transform.publicFields["extensions"]?["input_units"] == ["KGM", "KGM"])
        #expect(transform.occurredAt.local == "2026-03-10T12:00:00-05:00")
    }

    @Test func digitalLinkIdentifiersGiveProductLotAndSerial() throws {
        let (records, rejects) = try Self.records(
            inline: """
                <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-03-01T00:00:00Z">
                  <EPCISBody><EventList>
                    <ObjectEvent>
                      <eventTime>2026-03-01T08:00:00Z</eventTime>
                      <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                      <epcList>
                        <epc>https://id.gs1.org/01/09520123456788/10/L1/21/A1</epc>
                        <epc>https://example.com/01/09520123456788/10/L1/21/A2?linkType=all</epc>
                        <epc>https://id.gs1.org/01/09520123456789/21/BAD-CHECK-DIGIT</epc>
                      </epcList>
                      <action>ADD</action>
                      <bizStep>commissioning</bizStep>
                      <bizLocation><id>urn:epc:id:sgln:9520123.00000.0</id></bizLocation>
                    </ObjectEvent>
                  </EventList></EPCISBody>
                </epcis:EPCISDocument>
                """)
        #expect(rejects.isEmpty)
        // The third EPC names no valid GTIN, so the event cannot be a produce of one lot: observe, split.
        #expect(records.map(\.content.kind) == [.observe, .observe])
        #expect(records[0].content.product == "09520123456788")
        #expect(records[0].content.lot == "L1")
        #expect(records[0].content.publicFields["epcs"]?.arrayValue?.count == 2)
        #expect(records[1].content.product == nil)
    }

    @Test func malformedEventsAreRejectedWithLineAndElement() throws {
        let (records, rejects) = try Self.records(
            inline: """
                <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-03-01T00:00:00Z">
                  <EPCISBody><EventList>
                    <ObjectEvent>
                      <eventTime>2026-03-01 08:00</eventTime>
                      <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                      <action>ADD</action>
                    </ObjectEvent>
                    <ObjectEvent>
                      <action>ADD</action>
                    </ObjectEvent>
                    <ObjectEvent>
                      <eventTime>2026-03-01T08:00:00Z</eventTime>
                      <eventTimeZoneOffset>+25:00</eventTimeZoneOffset>
                      <action>ADD</action>
                    </ObjectEvent>
                    <ObjectEvent>
                      <eventTime>2026-03-01T08:00:00Z</eventTime>
                      <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                      <eventID>urn:uuid:dup</eventID>
                      <action>MOVE</action>
                    </ObjectEvent>
                    <ObjectEvent>
                      <eventTime>2026-03-01T08:00:00Z</eventTime>
                      <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                      <eventID>urn:uuid:ok</eventID>
                      <action>ADD</action>
                    </ObjectEvent>
                    <ObjectEvent>
                      <eventTime>2026-03-02T08:00:00Z</eventTime>
                      <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                      <eventID>urn:uuid:ok</eventID>
                      <action>ADD</action>
                    </ObjectEvent>
                  </EventList></EPCISBody>
                </epcis:EPCISDocument>
                """)
        #expect(records.map(\.content.recordID) == ["urn:uuid:ok"])
        let messages = rejects.map(\.error.description)
        #expect(rejects.map(\.line) == [3, 8, 11, 16, 28])
        #expect(messages.count == 5)
        #expect(
            messages[0].contains(".xml:4, element eventTime") && messages[0].contains("not ISO 8601"), "\(messages[0])")
        #expect(
            messages[1].contains(".xml:8, element ObjectEvent") && messages[1].contains("needs an eventTime"),
            "\(messages[1])")
        #expect(messages[2].contains(".xml:13, element eventTimeZoneOffset"), "\(messages[2])")
        #expect(
            messages[3].contains(".xml:16, element ObjectEvent, field action") && messages[3].contains("'MOVE'"),
            "\(messages[3])")
        #expect(messages[4].contains(".xml:28") && messages[4].contains("already appears on line 22"), "\(messages[4])")
        #expect(rejects[3].fields == ["ObjectEvent", "urn:uuid:dup", "2026-03-01T08:00:00Z"])
    }

    @Test func schemaViolationsNameLineAndElement() throws {
        let text = """
            <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-03-01T00:00:00Z">
              <EPCISBody><EventList>
                <ObjectEvent>
                  <eventTime>2026-03-01T08:00:00Z</eventTime>
                  <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                  <action>MOVE</action>
                </ObjectEvent>
              </EventList></EPCISBody>
            </epcis:EPCISDocument>
            """
        #expect { try Self.records(inline: text, xsd: Self.xsd) } throws: { error in
            let description = (error as? LedgerError)?.description ?? ""
            return description.contains(".xml:6") && description.contains("line 6, element action")
                && description.contains("MOVE")
        }
        // Without the schema, the same event is read and refused on its own.
        let (_, rejects) = try Self.records(inline: text)
        #expect(rejects.count == 1)
    }

    @Test func otherDocumentsAreRefused() throws {
        let other = try XMLFixture.file("<shipments xmlns=\"urn:provenance:shipments:1\"/>")
        defer { XMLFixture.remove(other) }
        #expect { try readAll(EPCISDocument(path: other)) } throws: { error in
            (error as? LedgerError)?.reason.contains("not an EPCIS document") == true
        }
        let laughs = """
            <!DOCTYPE epcis:EPCISDocument [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">&b;</epcis:EPCISDocument>
            """
        #expect { try Self.records(inline: laughs) } throws: { error in
            (error as? LedgerError)?.reason.contains("entity declarations are not allowed") == true
        }
        #expect { try Self.records(inline: laughs, xsd: Self.xsd) } throws: { error in
            (error as? LedgerError)?.reason.contains("entity declarations are not allowed") == true
        }
    }
}
