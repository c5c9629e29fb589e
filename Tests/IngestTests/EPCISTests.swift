import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

/// The EPCIS reader on the project's own documents: the fixtures in `Tests/Fixtures/EPCIS` (every
/// event type, extensions, error declarations, sensor data, persistent disposition, EPCIS 2.0 and
/// 1.2, validated against the project's schema `epcis-2_0-events.xsd`) and inline documents.
@Suite struct EPCISTests {
    /// The project's schema of EPCIS 2.0 documents.
    static let schema = TestPaths.epcisSchema
    /// The EPCIS 2.0 fixtures, each validated against ``schema`` when read.
    static let fixtures20 = TestPaths.epcis20Fixtures
    static let fixtures = fixtures20 + [TestPaths.epcis12Fixture]
    /// How many ledger records each fixture gives.
    static let recordCounts = [
        "object-events.xml": 4, "aggregation-events.xml": 5, "transformation-events.xml": 2,
        "association-events.xml": 6, "transaction-events.xml": 3, "error-declarations.xml": 6, "epcis-1_2.xml": 7,
    ]

    /// The records of fixture `name`, read after validating it against ``schema`` if it is EPCIS 2.0;
    /// it must have no rejects.
    static func fixture(_ name: String) throws -> [EventContent] {
        let xsd = fixtures20.contains(name) ? schema : nil
        let (records, rejects) = try readAll(EPCISDocument(path: TestPaths.epcisFixture(name), xsd: xsd))
        #expect(rejects.isEmpty, "\(name): \(rejects.map(\.error))")
        return records.map(\.content)
    }

    static func records(inline text: String, xsd: String? = nil) throws -> (
        records: [SourceRecord], rejects: [SourceReject]
    ) {
        let path = try XMLFixture.file(text)
        defer { XMLFixture.remove(path) }
        return try readAll(EPCISDocument(path: path, xsd: xsd))
    }

    // MARK: The project's fixtures

    @Test func everyFixtureIsDetectedImportsWithoutRejectsAndReimportsWithTheSameRecordIDs() throws {
        #expect(Self.fixtures.count == Self.recordCounts.count)
        for name in Self.fixtures {
            #expect(try InputFormat.detect(path: TestPaths.epcisFixture(name)) == .epcis, "\(name)")
            let first = try Self.fixture(name).map(\.recordID)
            #expect(first.count == Self.recordCounts[name], "\(name)")
            #expect(Set(first).count == first.count, "\(name)")
            #expect(try Self.fixture(name).map(\.recordID) == first, "\(name)")
        }
    }

    @Test func objectEventsMapOntoKinds() throws {
        let records = try Self.fixture("object-events.xml")
        #expect(records.map(\.kind) == [.produce, .observe, .ship, .receive])

        // Commissioning 150.5 kg of lot LOT-A1 of GTIN 04012345111118 (from the LGTIN class).
        let produce = records[0]
        #expect(produce.recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000101")
        #expect(produce.product == "04012345111118")
        #expect(produce.lot == "LOT-A1")
        #expect(produce.sensitiveFields["quantity"] == "150.5")
        #expect(produce.publicFields["unit"] == "KGM")
        #expect(produce.facility == "urn:epc:id:sgln:4012345.00001.0")
        #expect(produce.publicFields["certificate"] == "urn:provenance:cert:ORG-2026-0042")
        #expect(produce.occurredAt.local == "2026-04-01T07:45:00.125-05:00")
        let extensions = produce.publicFields["extensions"]
        #expect(
            extensions?["{https://ns.provenance.example/epcis/quality}inspection"] == [
                "@inspector": "QA-3", "#text": "passed",
            ])
        // A namespaced element called `extension` is an extension, not a wrapper to flatten.
        #expect(
            extensions?["{https://ns.provenance.example/epcis/quality}extension"] == [
                "moisture": ["@unit": "%", "#text": "7.2"]
            ])
        #expect(
            extensions?["ilmd"] == [
                "{urn:epcglobal:cbv:mda}countryOfOrigin": "PE",
                "{https://ns.provenance.example/epcis/quality}harvest": ["field": "F-12", "picker": "P-7"],
            ])
        #expect(extensions?["bizStep"] == "urn:epcglobal:cbv:bizstep:commissioning")
        #expect(extensions?["disposition"] == "urn:epcglobal:cbv:disp:active")
        #expect(extensions?["action"] == "ADD")
        #expect(extensions?["eventID"] == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000101")
        #expect(extensions?["readPoint"] == ["id": "urn:epc:id:sgln:4012345.00001.7"])
        #expect(extensions?["bizLocation"] == ["id": "urn:epc:id:sgln:4012345.00001.0"], "kept as written")
        for held in ["quantityList", "certificationInfo", "eventTime", "extension"] {
            #expect(extensions?[held] == nil, "\(held) is held by a field or flattened")
        }

        // Shipping serialised items without a lot or a destination: kept as an observation.
        let shipping = records[1]
        #expect(
            shipping.recordID == shipping.publicFields["event_hash"]?.stringValue
                && shipping.recordID.hasPrefix("ni:///sha-256;"))
        #expect(shipping.publicFields["epcis_type"] == "ObjectEvent")
        #expect(shipping.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:shipping")
        #expect(shipping.publicFields["disposition"] == "urn:epcglobal:cbv:disp:in_transit")
        #expect(shipping.publicFields["action"] == "OBSERVE")
        #expect(
            shipping.publicFields["epcs"] == [
                "urn:epc:id:sgtin:4012345.011111.1001", "urn:epc:id:sgtin:4012345.011111.1002",
            ])
        #expect(shipping.product == "04012345111118")
        #expect(shipping.lot == nil)
        #expect(shipping.sensitiveFields["quantity"] == "2")
        #expect(shipping.publicFields["unit"] == "pcs")
        #expect(shipping.shipmentID == "urn:epcglobal:cbv:bt:4098765000001:PO-2026-118")
        #expect(shipping.facility == "urn:epc:id:sgln:4012345.00001.7", "the read point, without a business location")
        #expect(
            shipping.publicFields["extensions"]?["{https://ns.provenance.example/epcis/warehouse}handlingUnit"] == [
                "label": "HU-5501"
            ])

        // Shipping the lot, business step as a web URI: the despatch advice is the shipment, the
        // location the destination; the owning party stays in the list.
        let ship = records[2]
        #expect(ship.recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000103")
        #expect(ship.product == "04012345111118")
        #expect(ship.lot == "LOT-A1")
        #expect(ship.sensitiveFields["quantity"] == "150.5")
        #expect(ship.shipmentID == "urn:epcglobal:cbv:bt:4012345000009:DESADV-0417")
        #expect(ship.sensitiveFields["destination"] == "urn:epc:id:sgln:4098765.00002.0")
        #expect(ship.facility == "urn:epc:id:sgln:4012345.00001.0")
        #expect(ship.occurredAt.utc == "2026-04-02T05:30:00Z")
        #expect(ship.occurredAt.offset == "-05:00")
        #expect(ship.occurredAt.local == "2026-04-02T00:30:00-05:00")
        let shipExtensions = ship.publicFields["extensions"]
        #expect(
            shipExtensions?["destinationList"] == [
                "destination": [
                    "@type": "urn:epcglobal:cbv:sdt:owning_party", "#text": "urn:epc:id:pgln:4098765.00000",
                ]
            ])
        #expect(
            shipExtensions?["{https://ns.provenance.example/epcis/warehouse}carrier"] == [
                "@scac": "PRVX", "#text": "reefer truck",
            ])
        #expect(shipExtensions?["bizStep"] == "https://ref.gs1.org/cbv/BizStep-shipping")
        #expect(shipExtensions?["bizTransactionList"]?["bizTransaction"]?.arrayValue?.count == 2)

        // Receiving, business step as a bare word: the business location is the facility, the
        // location among the sources the origin.
        let receive = records[3]
        #expect(receive.shipmentID == "urn:epcglobal:cbv:bt:4012345000009:DESADV-0417")
        #expect(receive.facility == "urn:epc:id:sgln:4098765.00002.0")
        #expect(receive.sensitiveFields["origin"] == "urn:epc:id:sgln:4012345.00001.0")
        #expect(receive.sensitiveFields["quantity"] == "149.75")
        #expect(receive.occurredAt.local == "2026-04-03T09:20:00+02:00")
        let receiveExtensions = receive.publicFields["extensions"]
        #expect(receiveExtensions?["{https://ns.provenance.example/epcis/warehouse}receivedBy"] == "dock team B")
        #expect(receiveExtensions?["readPoint"] == ["id": "urn:epc:id:sgln:4098765.00002.410"])
        #expect(receiveExtensions?["bizLocation"] == ["id": "urn:epc:id:sgln:4098765.00002.0"], "kept as written")
        #expect(
            receiveExtensions?["sourceList"] == [
                "source": ["@type": "urn:epcglobal:cbv:sdt:owning_party", "#text": "urn:epc:id:pgln:4012345.00000"]
            ])
    }

    @Test func severalProductClassesBecomeSeveralEvents() throws {
        let records = Array(try Self.fixture("aggregation-events.xml").prefix(4))
        #expect(records.map { String($0.recordID.suffix(2)) } == ["#1", "#2", "#3", "#4"])
        #expect(Set(records.map { $0.recordID.dropLast(2) }).count == 1)
        // Serialised items grouped by GTIN in order of appearance, then one part per quantity element.
        #expect(records.map(\.product) == ["04012345111118", "04012345222227", "04012345333336", "04012345444445"])
        #expect(records.map(\.lot) == [nil, nil, nil, "LOT-B7"])
        #expect(records.map { $0.sensitiveFields["quantity"] } == ["2", "1", "10", "200.5"])
        #expect(records.map { $0.publicFields["unit"] } == ["pcs", "pcs", "pcs", "KGM"])
        #expect(
            records.map { $0.publicFields["epcs"] } == [
                ["urn:epc:id:sgtin:4012345.011111.1001", "urn:epc:id:sgtin:4012345.011111.1002"],
                ["urn:epc:id:sgtin:4012345.022222.2001"], nil, nil,
            ])
        #expect(records.allSatisfy { $0.kind == .observe })
        #expect(records.allSatisfy { $0.publicFields["epcis_type"] == "AggregationEvent" })
        #expect(records.allSatisfy { $0.publicFields["parent_id"] == "urn:epc:id:sscc:4012345.0000000017" })
        #expect(records.allSatisfy { $0.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:packing" })
        #expect(records.allSatisfy { $0.publicFields["action"] == "ADD" })
        #expect(records.allSatisfy { $0.facility == "urn:epc:id:sgln:4012345.00003.0" })
        #expect(records[0].occurredAt.utc == "2026-04-05T10:00:00Z")
        #expect(records[0].occurredAt.offset == "+01:00")
        let extensions = records[3].publicFields["extensions"]
        #expect(extensions?["{https://ns.provenance.example/epcis/warehouse}extension"] == ["palletType": "EUR-1"])
        #expect(extensions?["{https://ns.provenance.example/epcis/warehouse}packedBy"] == "line 2")
        #expect(extensions?["childEPCs"] == nil && extensions?["childQuantityList"] == nil)
    }

    @Test func eventTimeTakesTheEventTimeZoneOffsetAndPersistentDispositionIsKept() throws {
        let event = try Self.fixture("aggregation-events.xml")[4]
        #expect(event.kind == .observe)
        #expect(event.occurredAt.utc == "2026-04-06T16:40:00Z")
        #expect(event.occurredAt.offset == "+02:00")
        #expect(event.occurredAt.local == "2026-04-06T18:40:00+02:00")
        #expect(event.product == "04012345111118")
        #expect(event.sensitiveFields["quantity"] == "2")
        #expect(event.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:receiving")
        #expect(event.publicFields["disposition"] == "urn:epcglobal:cbv:disp:in_progress")
        let extensions = event.publicFields["extensions"]
        #expect(
            extensions?["persistentDisposition"] == [
                "unset": "urn:epcglobal:cbv:disp:completeness_verified",
                "set": "urn:epcglobal:cbv:disp:completeness_inferred",
            ])
        // The owning parties are the only source and destination: mapped, and kept out of the public extensions.
        #expect(event.sensitiveFields["origin"] == "urn:epc:id:pgln:4012345.00000")
        #expect(event.sensitiveFields["destination"] == "urn:epc:id:pgln:4098765.00000")
        #expect(extensions?["sourceList"] == nil && extensions?["destinationList"] == nil)
        // Of an invoice, a purchase order and a despatch advice, the despatch advice names the shipment.
        #expect(event.shipmentID == "urn:epcglobal:cbv:bt:4012345000009:DESADV-0418")
    }

    @Test func transformationsKeepSensorDataAndForeignElements() throws {
        let records = try Self.fixture("transformation-events.xml")
        #expect(records.map(\.kind) == [.transform, .observe])

        let transform = records[0]
        #expect(transform.recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000301")
        #expect(transform.product == "14012345111115")
        #expect(transform.lot == "LOT-J-0408", "from the ILMD")
        #expect(transform.sensitiveFields["quantity"] == "3")
        #expect(transform.publicFields["unit"] == "pcs")
        #expect(
            transform.publicFields["serials"] == [
                "urn:epc:id:sgtin:4012345.111111.J-0001", "urn:epc:id:sgtin:4012345.111111.J-0002",
                "urn:epc:id:sgtin:4012345.111111.J-0003",
            ])
        #expect(transform.inputLots == ["LOT-A1", "LOT-B7"])
        #expect(transform.sensitiveFields["input_quantities"] == ["120", "30.25"])
        #expect(transform.facility == "urn:epc:id:sgln:4012345.00003.0")
        let extensions = transform.publicFields["extensions"]
        #expect(extensions?["input_units"] == ["KGM", "KGM"], "the inputs' unit differs from the output's")
        #expect(extensions?["transformationID"] == "urn:provenance:transformation:MIX-0408")
        // A business location holding more than its ID is kept whole, as is the read point.
        #expect(
            extensions?["bizLocation"] == [
                "id": "urn:epc:id:sgln:4012345.00003.0", "{https://ns.provenance.example/epcis/quality}room": "hall C",
            ])
        #expect(
            extensions?["readPoint"] == [
                "id": "urn:epc:id:sgln:4012345.00003.8",
                "{https://ns.provenance.example/epcis/quality}station": "mixer 1",
            ])
        let sensor = extensions?["sensorElementList"]?["sensorElement"]
        #expect(sensor?["sensorMetadata"]?["@startTime"] == "2026-04-08T12:30:00.000+02:00")
        #expect(sensor?["sensorMetadata"]?["@{https://ns.provenance.example/epcis/quality}probe"] == "TP-9")
        let reports = sensor?["sensorReport"]?.arrayValue ?? []
        #expect(reports.count == 2)
        #expect(reports.first?["@type"] == "gs1:Temperature")
        #expect(reports.first?["@minValue"] == "3.8")
        #expect(reports.first?["@maxValue"] == "5.1")
        #expect(reports.first?["@uom"] == "CEL")
        #expect(reports.first?["@{https://ns.provenance.example/epcis/quality}calibrated"] == "2026-01-15")
        #expect(reports.last?["@value"] == "61")
        #expect(sensor?["{https://ns.provenance.example/epcis/quality}note"] == "door opened twice")
        #expect(extensions?["ilmd"]?["{urn:epcglobal:cbv:mda}lotNumber"] == "LOT-J-0408")
        #expect(extensions?["ilmd"]?["{urn:epcglobal:cbv:mda}bestBeforeDate"] == "2027-04-08")
        #expect(
            extensions?["ilmd"]?["{https://ns.provenance.example/epcis/quality}recipe"] == [
                "@version": "3", "#text": "R-JAM",
            ])
        #expect(
            extensions?["{https://ns.provenance.example/epcis/quality}extension"] == [
                "batchRecord": ["page": ["1", "2"]]
            ])
        #expect(
            extensions?["{https://ns.provenance.example/epcis/quality}line"] == [
                "@{https://ns.provenance.example/epcis/quality}shift": "2",
                "@{https://ns.provenance.example/epcis/quality}crew": "B",
            ])
        #expect(extensions?["inputQuantityList"] == nil && extensions?["outputEPCList"] == nil)

        // A serialised jar as input carries no lot: not a ledger transformation, an observation of its output.
        let rework = records[1]
        #expect(rework.publicFields["epcis_type"] == "TransformationEvent")
        #expect(rework.product == "04012345555554")
        #expect(rework.lot == "LOT-R1")
        #expect(rework.sensitiveFields["quantity"] == "0.8")
        #expect(rework.publicFields["unit"] == "KGM")
        #expect(rework.facility == "urn:epc:id:sgln:4012345.00003.0")
        #expect(rework.publicFields["extensions"]?["inputEPCList"] == ["epc": "urn:epc:id:sgtin:4012345.111111.J-0003"])
    }

    @Test func associationsAndAnErrorDeclarationLinkedToTheEventItCorrects() throws {
        let records = try Self.fixture("association-events.xml")
        #expect(records.allSatisfy { $0.kind == .observe && $0.publicFields["epcis_type"] == "AssociationEvent" })

        let pairing = records[0]
        #expect(pairing.publicFields["parent_id"] == "urn:epc:id:grai:4012345.00099.501")
        #expect(pairing.publicFields["epcs"] == ["urn:epc:id:giai:4012345.LOGGER-77"])
        #expect(pairing.product == nil, "a GIAI names no trade item")
        #expect(pairing.sensitiveFields["quantity"] == nil)
        #expect(pairing.publicFields["action"] == "ADD")
        #expect(pairing.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:assembling")
        #expect(pairing.facility == "urn:epc:id:sgln:4012345.00003.5")

        // Loggers and a quantity of a lot: two parts; recordTime, sensor data and the parties are kept.
        let loggers = records[1]
        let lot = records[2]
        #expect(loggers.recordID.hasSuffix("#1") && lot.recordID.hasSuffix("#2"))
        #expect(
            loggers.publicFields["epcs"] == ["urn:epc:id:giai:4012345.LOGGER-78", "urn:epc:id:giai:4012345.LOGGER-79"])
        #expect(loggers.product == nil)
        #expect(lot.product == "04012345444445")
        #expect(lot.lot == "LOT-B7")
        #expect(lot.sensitiveFields["quantity"] == "12")
        #expect(lot.publicFields["unit"] == "pcs", "a quantity without uom is a count")
        for part in [loggers, lot] {
            let extensions = part.publicFields["extensions"]
            #expect(extensions?["recordTime"] == "2026-04-10T09:31:12.000+02:00")
            #expect(extensions?["sensorElementList"]?["sensorElement"]?["sensorReport"]?["@maxValue"] == "3.4")
            #expect(
                extensions?["sensorElementList"]?["sensorElement"]?["sensorMetadata"]?["@endTime"]
                    == "2026-04-10T09:29:00.000+02:00")
            #expect(part.sensitiveFields["origin"] == "urn:epc:id:pgln:4012345.00010")
            #expect(part.sensitiveFields["destination"] == "urn:epc:id:pgln:4012345.00000")
            #expect(part.shipmentID == nil, "an invoice does not name a shipment")
            #expect(part.facility == "urn:epc:id:sgln:4012345.00003.0")
            #expect(part.publicFields["disposition"] == "urn:epcglobal:cbv:disp:in_progress")
        }

        // The unpairing has no eventID; its error declaration restates it, so both hash alike.
        let unpairing = records[3]
        #expect(
            unpairing.recordID == unpairing.publicFields["event_hash"]?.stringValue
                && unpairing.recordID.hasPrefix("ni:///sha-256;"))
        #expect(unpairing.publicFields["action"] == "DELETE")
        #expect(unpairing.publicFields["epcs"] == nil)
        let declared = records[4]
        #expect(declared.recordID == unpairing.recordID + "#error-declaration")
        let declaration = declared.publicFields["extensions"]?["errorDeclaration"]
        #expect(declaration?["declarationTime"] == "2026-04-12T08:15:00.000+02:00")
        #expect(declaration?["reason"] == "urn:epcglobal:cbv:er:incorrect_data")
        #expect(
            declaration?["correctiveEventIDs"] == [
                "correctiveEventID": "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000405"
            ])
        #expect(unpairing.publicFields["extensions"]?["errorDeclaration"] == nil)
        #expect(records[5].recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000405")
        #expect(records[5].publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:removing")
    }

    @Test func transactionEventsNameTheirShipmentDocumentsAndRoutes() throws {
        let records = try Self.fixture("transaction-events.xml")
        #expect(records.allSatisfy { $0.kind == .observe && $0.publicFields["epcis_type"] == "TransactionEvent" })
        #expect(
            records.map(\.recordID) == [
                "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000501#1", "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000501#2",
                records[2].recordID,
            ])

        let cases = records[0]
        let weighed = records[1]
        #expect(cases.product == "04012345222227")
        #expect(cases.publicFields["epcs"]?.arrayValue?.count == 3)
        #expect(cases.sensitiveFields["quantity"] == "3")
        #expect(weighed.product == "04012345444445")
        #expect(weighed.lot == "LOT-B7")
        #expect(weighed.sensitiveFields["quantity"] == "48")
        #expect(weighed.publicFields["unit"] == "KGM")
        for part in [cases, weighed] {
            // The untyped document comes first, but only the purchase order names a shipment.
            #expect(part.shipmentID == "urn:epcglobal:cbv:bt:4098765000001:PO-2026-131")
            #expect(part.publicFields["action"] == "ADD")
            #expect(part.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:accepting")
            #expect(part.facility == "urn:epc:id:sgln:4098765.00002.0")
            #expect(part.occurredAt.local == "2026-04-14T10:05:00-04:00")
            let extensions = part.publicFields["extensions"]
            #expect(
                extensions?["bizTransactionList"] == [
                    "bizTransaction": [
                        "urn:epc:id:gdti:4012345.00001.8812",
                        [
                            "@type": "urn:epcglobal:cbv:btt:po",
                            "#text": "urn:epcglobal:cbv:bt:4098765000001:PO-2026-131",
                        ],
                    ]
                ])
            #expect(extensions?["sensorElementList"]?["sensorElement"]?["sensorReport"]?["@value"] == "0.004")
            #expect(
                extensions?["{https://ns.provenance.example/epcis/warehouse}extension"] == [
                    "approval": ["by": "buyer-12"]
                ])
            #expect(extensions?["{https://ns.provenance.example/epcis/warehouse}dock"] == "D4")
        }

        let withdrawn = records[2]
        #expect(
            withdrawn.recordID == withdrawn.publicFields["event_hash"]?.stringValue
                && withdrawn.recordID.hasPrefix("ni:///sha-256;"))
        #expect(withdrawn.publicFields["action"] == "DELETE")
        #expect(withdrawn.publicFields["parent_id"] == "urn:epc:id:sscc:4012345.0000000024")
        #expect(withdrawn.product == nil && withdrawn.publicFields["epcs"] == nil)
        #expect(withdrawn.shipmentID == "urn:epcglobal:cbv:bt:4012345000009:DESADV-0419", "type written as a bare word")
        #expect(withdrawn.sensitiveFields["origin"] == "urn:epc:id:sgln:4012345.00003.0")
        #expect(withdrawn.sensitiveFields["destination"] == "urn:epc:id:sgln:4098765.00002.0")
        let extensions = withdrawn.publicFields["extensions"]
        #expect(extensions?["sourceList"] == nil)
        #expect(
            extensions?["destinationList"] == [
                "destination": [
                    "@type": "urn:epcglobal:cbv:sdt:owning_party", "#text": "urn:epc:id:pgln:4098765.00000",
                ]
            ])
        #expect(extensions?["{https://ns.provenance.example/epcis/warehouse}seal"] == ["S-0001", "S-0002"])
    }

    @Test func errorDeclarationsAreObservationsThatDoNotCountGoodsTwice() throws {
        let records = try Self.fixture("error-declarations.xml")
        #expect(
            records.map(\.recordID) == [
                "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000601#error-declaration#1",
                "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000601#error-declaration#2",
                "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000602#1", "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000602#2",
                "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000603",
                "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000603#error-declaration",
            ])
        #expect(records.map(\.kind) == [.observe, .observe, .observe, .observe, .ship, .observe])

        // The declared rework: two output classes, so split; the declaration's own extension is kept.
        let declared = records[0]
        #expect(declared.product == "04012345666663")
        #expect(declared.publicFields["epcs"] == ["urn:epc:id:sgtin:4012345.066666.R-0001"])
        #expect(records[1].product == "04012345777772")
        #expect(records[1].sensitiveFields["quantity"] == "45.2")
        #expect(records[1].publicFields["unit"] == "KGM")
        let extensions = declared.publicFields["extensions"]
        let declaration = extensions?["errorDeclaration"]
        #expect(declaration?["{https://ns.provenance.example/epcis/quality}reportedBy"] == "QA-3")
        #expect(declaration?["declarationTime"] == "2026-04-17T09:00:00+02:00")
        #expect(declaration?["reason"] == "urn:epcglobal:cbv:er:incorrect_data")
        #expect(
            declaration?["correctiveEventIDs"] == [
                "correctiveEventID": "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000602"
            ])
        #expect(extensions?["eventID"] == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000601")
        // The inputs of a transformation kept as an observation stay in its extensions; a nil quantity is null.
        #expect(extensions?["inputEPCList"] == ["epc": "urn:epc:id:sgtin:4012345.111111.J-0002"])
        #expect(extensions?["inputQuantityList"]?["quantityElement"]?["quantity"] == .null)

        // The corrective event has an input without lot or quantity: an observation too.
        #expect(records[3].sensitiveFields["quantity"] == "4.52")
        #expect(records[2].publicFields["extensions"]?["errorDeclaration"] == nil)

        // A complete shipment declared wrong: the declaration is an observation, not a second shipment.
        let ship = records[4]
        let shipDeclared = records[5]
        #expect(ship.sensitiveFields["quantity"] == "80")
        #expect(shipDeclared.publicFields["biz_step"] == "shipping")
        #expect(shipDeclared.product == ship.product && shipDeclared.lot == "LOT-A1")
        #expect(shipDeclared.sensitiveFields["quantity"] == "80")
        #expect(shipDeclared.shipmentID == ship.shipmentID)
        #expect(shipDeclared.shipmentID == "urn:epcglobal:cbv:bt:4012345000009:DESADV-0420")
        #expect(shipDeclared.sensitiveFields["destination"] == "urn:epc:id:sgln:4098765.00002.0")
        #expect(
            shipDeclared.publicFields["extensions"]?["errorDeclaration"] == [
                "declarationTime": "2026-04-19T11:30:00-05:00", "reason": "urn:epcglobal:cbv:er:did_not_occur",
            ])
    }

    @Test func epcis12ExtensionsAndEventTypesReadAsIn20() throws {
        let records = try Self.fixture("epcis-1_2.xml")
        #expect(records.map(\.kind) == [.produce, .observe, .observe, .observe, .observe, .transform, .observe])

        // Quantity list and ILMD in <extension>, sensor data and persistent disposition one level deeper.
        let produce = records[0]
        #expect(produce.recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000701")
        #expect(produce.product == "04012345111118")
        #expect(produce.lot == "LOT-A2")
        #expect(produce.sensitiveFields["quantity"] == "310")
        #expect(produce.publicFields["unit"] == "KGM")
        #expect(produce.facility == "urn:epc:id:sgln:4012345.00001.0")
        let extensions = produce.publicFields["extensions"]
        #expect(extensions?["ilmd"] == ["{urn:epcglobal:cbv:mda}countryOfOrigin": "PE"])
        #expect(extensions?["sensorElementList"]?["sensorElement"]?["sensorReport"]?["@value"] == "14.5")
        #expect(extensions?["persistentDisposition"] == ["set": "urn:epcglobal:cbv:disp:completeness_verified"])
        #expect(extensions?["{https://ns.provenance.example/epcis/warehouse}scale"] == "W-2")
        #expect(extensions?["extension"] == nil && extensions?["baseExtension"] == nil, "the wrappers are flattened")

        // An error declaration in <baseExtension>.
        let declared = records[1]
        #expect(declared.recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000701#error-declaration")
        #expect(declared.publicFields["biz_step"] == "urn:epcglobal:cbv:bizstep:commissioning")
        #expect(
            declared.publicFields["extensions"]?["errorDeclaration"] == [
                "declarationTime": "2026-05-01T18:00:00.000-05:00", "reason": "urn:epcglobal:cbv:er:incorrect_data",
            ])

        // An aggregation with its child quantities and source in <extension>: two parts.
        #expect(records[2].publicFields["epcis_type"] == "AggregationEvent")
        #expect(records[2].product == "04012345222227" && records[2].sensitiveFields["quantity"] == "1")
        #expect(records[3].lot == "LOT-A2" && records[3].sensitiveFields["quantity"] == "300")
        #expect(records[2].sensitiveFields["origin"] == "urn:epc:id:sgln:4012345.00001.7")
        #expect(records[3].publicFields["parent_id"] == "urn:epc:id:sscc:4012345.0000000031")

        // A transaction with its quantity list and destination in <extension>.
        let transaction = records[4]
        #expect(transaction.publicFields["epcis_type"] == "TransactionEvent")
        #expect(transaction.lot == "LOT-A2" && transaction.sensitiveFields["quantity"] == "300")
        #expect(transaction.shipmentID == "urn:epcglobal:cbv:bt:4098765000001:PO-2026-140")
        #expect(transaction.sensitiveFields["destination"] == "urn:epc:id:sgln:4098765.00002.0")

        // TransformationEvent in the event list's <extension>, where EPCIS 1.2 puts it.
        let transform = records[5]
        #expect(transform.recordID == "urn:uuid:7c0e1a52-4f3b-4d7e-9a10-000000000705")
        #expect(transform.product == "04012345555554")
        #expect(transform.lot == "LOT-P2")
        #expect(transform.sensitiveFields["quantity"] == "240")
        #expect(transform.inputLots == ["LOT-A2"])
        #expect(transform.sensitiveFields["input_quantities"] == ["250"])
        #expect(transform.publicFields["extensions"]?["input_units"] == nil, "inputs and output are both in KGM")

        // An AssociationEvent (EPCIS 2.0) in the same <extension>.
        let association = records[6]
        #expect(association.publicFields["epcis_type"] == "AssociationEvent")
        #expect(association.publicFields["parent_id"] == "urn:epc:id:grai:4012345.00099.503")
        #expect(association.publicFields["epcs"] == ["urn:epc:id:giai:4012345.LOGGER-80"])
        #expect(association.facility == "urn:epc:id:sgln:4012345.00003.5")
    }

    @Test func theProjectsSchemaRefusesFixturesThatBreakIt() throws {
        let source = try String(contentsOfFile: TestPaths.epcisFixture("object-events.xml"), encoding: .utf8)
        // An unknown standard field, a decimal comma and an offset without its leading zero.
        let broken =
            source
            .replacingOccurrences(of: "<action>ADD</action>", with: "<actionx>ADD</actionx>")
            .replacingOccurrences(of: "<quantity>149.75</quantity>", with: "<quantity>149,75</quantity>")
            .replacingOccurrences(of: "<eventTimeZoneOffset>+02:00<", with: "<eventTimeZoneOffset>+2:00<")
        #expect { try Self.records(inline: broken, xsd: Self.schema) } throws: { error in
            let description = (error as? LedgerError)?.description ?? ""
            return description.contains("line 19, element actionx") && description.contains("element quantity")
                && description.contains("149,75") && description.contains("element eventTimeZoneOffset")
        }
        // The schema is of EPCIS 2.0: a 1.2 document does not match it.
        #expect {
            try readAll(EPCISDocument(path: TestPaths.epcisFixture("epcis-1_2.xml"), xsd: Self.schema))
        } throws: {
            error in (error as? LedgerError)?.reason.contains("EPCISDocument") == true
        }
    }

    // MARK: Inline documents

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
        #expect(
            ship.recordID == ship.publicFields["event_hash"]?.stringValue && ship.recordID.hasPrefix("ni:///sha-256;"))
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

    /// An event of two product classes records `ID#1` and `ID#2`: an event whose ID is one of those, before or
    /// after it, is refused as a repeat, so that no record ID of the file is written twice.
    @Test func anEventRepeatingARecordIDOfAnotherEventsPartIsRefused() throws {
        func event(_ id: String, day: Int, classes: [String]) -> String {
            let quantities = classes.map {
                "<quantityElement><epcClass>urn:epc:class:lgtin:4012345.011111.\($0)</epcClass><quantity>5</quantity><uom>KGM</uom></quantityElement>"
            }
            return """
                <ObjectEvent>
                  <eventTime>2026-03-0\(day)T08:00:00Z</eventTime>
                  <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
                  <eventID>\(id)</eventID>
                  <action>OBSERVE</action>
                  <extension><quantityList>\(quantities.joined())</quantityList></extension>
                </ObjectEvent>
                """
        }
        let (records, rejects) = try Self.records(
            inline: """
                <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2026-03-01T00:00:00Z">
                  <EPCISBody><EventList>
                \(event("urn:uuid:a#2", day: 1, classes: ["L1"]))
                \(event("urn:uuid:a", day: 2, classes: ["L1", "L2"]))
                \(event("urn:uuid:b", day: 3, classes: ["L1", "L2"]))
                \(event("urn:uuid:b#1", day: 4, classes: ["L3"]))
                  </EventList></EPCISBody>
                </epcis:EPCISDocument>
                """)
        #expect(records.map(\.content.recordID) == ["urn:uuid:a#2", "urn:uuid:b#1", "urn:uuid:b#2"])
        let messages = rejects.map(\.error.description)
        #expect(messages.count == 2)
        #expect(messages.first?.contains("its record 'urn:uuid:a#2' already appears on line 3") == true, "\(messages)")
        #expect(messages.last?.contains("the event 'urn:uuid:b#1' already appears on line") == true, "\(messages)")
    }

    /// An ObjectEvent whose action (line 6) no EPCIS schema allows.
    static let invalidActionDocument = """
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

    @Test func schemaViolationsNameLineAndElement() throws {
        let text = Self.invalidActionDocument
        #expect { try Self.records(inline: text, xsd: Self.schema) } throws: { error in
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
        #expect { try Self.records(inline: laughs, xsd: Self.schema) } throws: { error in
            (error as? LedgerError)?.reason.contains("entity declarations are not allowed") == true
        }
    }
}
