import Foundation
import Ingest
import LedgerCore
import Testing

/// Reads every item of a record source.
func readAll<Source: RecordSource>(_ source: Source) throws -> (records: [SourceRecord], rejects: [SourceReject]) {
    let batch = try source.readAll()
    return (batch.records, batch.rejects)
}

@Suite struct ShipmentXMLTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A small shipment XML with every field of the format.
    static let sample = """
        <?xml version="1.0" encoding="UTF-8"?>
        <shipments xmlns="urn:provenance:shipments:1" xmlns:q="urn:example:quality">
          <event>
            <record_id>GH-P-0001</record_id>
            <event>produce</event>
            <occurred_at>2026-03-01T08:15:00+02:00</occurred_at>
            <product>COCOA-BEANS</product>
            <lot>GH-2026-001</lot>
            <quantity>1200.50</quantity>
            <unit>kg</unit>
            <facility>FARM-GH-01</facility>
            <unit_price>2.60</unit_price>
            <currency>USD</currency>
            <certificate>FT-12345</certificate>
            <serial>B-1</serial>
            <serial>B-2</serial>
            <extensions>
              <q:grade scale="ICCO">A</q:grade>
              <q:moisture>7.5</q:moisture>
              <q:moisture>7.8</q:moisture>
            </extensions>
          </event>
          <event>
            <record_id>GH-S-0001</record_id>
            <event>ship</event>
            <occurred_at>2026-03-03T06:00:00Z</occurred_at>
            <product>COCOA-BEANS</product>
            <lot>GH-2026-001</lot>
            <quantity>1200.5</quantity>
            <unit>KGM</unit>
            <facility>FARM-GH-01</facility>
            <shipment_id>SHP-77</shipment_id>
            <destination>PORT-TEMA</destination>
            <carrier>MAERSK, Line 2</carrier>
          </event>
          <event>
            <record_id>TM-R-0001</record_id>
            <event>receive</event>
            <occurred_at>2026-03-04T10:00:00+00:00</occurred_at>
            <product>COCOA-BEANS</product>
            <lot>GH-2026-001</lot>
            <quantity>1198</quantity>
            <unit>kg</unit>
            <facility>PORT-TEMA</facility>
            <shipment_id>SHP-77</shipment_id>
            <origin>FARM-GH-01</origin>
          </event>
          <event>
            <record_id>MILL-T-0001</record_id>
            <event>transform</event>
            <occurred_at>2026-03-10T12:00:00-05:00</occurred_at>
            <product>COCOA-BUTTER</product>
            <lot>CB-0001</lot>
            <quantity>400</quantity>
            <unit>kg</unit>
            <facility>MILL-01</facility>
            <input lot="GH-2026-001" quantity="1000"/>
            <input lot="GH-2026-002" quantity="198.5"/>
          </event>
        </shipments>
        """

    static func source(_ text: String) throws -> ShipmentXML {
        ShipmentXML(path: try XMLFixture.file(text))
    }

    @Test func bundledSchemaIsTheRepositoryFile() throws {
        let file = try String(
            contentsOfFile: Self.repository.appendingPathComponent("Schemas/shipments.xsd").path, encoding: .utf8)
        #expect(ShipmentXML.schema + "\n" == file)
    }

    @Test func everyFieldRoundTrips() throws {
        let source = try Self.source(Self.sample)
        defer { XMLFixture.remove(source.path) }
        let (records, rejects) = try readAll(source)
        #expect(rejects.isEmpty, "\(rejects.map(\.error))")
        #expect(records.map(\.line) == [3, 23, 36, 48])
        let expected = try [
            EventContent(record: [
                "record_id": "GH-P-0001", "event": "produce", "occurred_at": "2026-03-01T08:15:00+02:00",
                "product": "COCOA-BEANS", "lot": "GH-2026-001", "quantity": "1200.5", "unit": "kg",
                "facility": "FARM-GH-01",
                "unit_price": "2.6", "currency": "USD", "certificate": "FT-12345", "serials": ["B-1", "B-2"],
                "extensions": [
                    "{urn:example:quality}grade": ["@scale": "ICCO", "#text": "A"],
                    "{urn:example:quality}moisture": ["7.5", "7.8"],
                ],
            ]),
            EventContent(record: [
                "record_id": "GH-S-0001", "event": "ship", "occurred_at": "2026-03-03T06:00:00Z",
                "product": "COCOA-BEANS", "lot": "GH-2026-001", "quantity": "1200.5", "unit": "KGM",
                "facility": "FARM-GH-01",
                "shipment_id": "SHP-77", "destination": "PORT-TEMA", "carrier": "MAERSK, Line 2",
            ]),
            EventContent(record: [
                "record_id": "TM-R-0001", "event": "receive", "occurred_at": "2026-03-04T10:00:00Z",
                "product": "COCOA-BEANS", "lot": "GH-2026-001", "quantity": "1198", "unit": "kg",
                "facility": "PORT-TEMA",
                "shipment_id": "SHP-77", "origin": "FARM-GH-01",
            ]),
            EventContent(record: [
                "record_id": "MILL-T-0001", "event": "transform", "occurred_at": "2026-03-10T12:00:00-05:00",
                "product": "COCOA-BUTTER", "lot": "CB-0001", "quantity": "400", "unit": "kg", "facility": "MILL-01",
                "inputs": "GH-2026-001:1000;GH-2026-002:198.5",
            ]),
        ]
        #expect(records.map(\.content) == expected)
        #expect(records[0].content.occurredAt.local == "2026-03-01T08:15:00+02:00")
        #expect(records[3].content.inputLots == ["GH-2026-001", "GH-2026-002"])
    }

    @Test func badRecordsAreRejectedWithLineAndElement() throws {
        func event(
            _ id: String, _ kind: String = "produce", time: String = "2026-03-01T08:00:00Z", quantity: String = "5",
            unit: String = "kg", extra: String = ""
        ) -> String {
            """
              <event>
                <record_id>\(id)</record_id>
                <event>\(kind)</event>
                <occurred_at>\(time)</occurred_at>
                <product>p</product>
                <lot>l</lot>
                <quantity>\(quantity)</quantity>
                <unit>\(unit)</unit>
                <facility>f</facility>\(extra)
              </event>

            """
        }
        let text =
            "<shipments xmlns=\"urn:provenance:shipments:1\">\n"
            + event("A1", quantity: "0")
            + event("A2", time: "2026-03-01T08:00:00")
            + event("A3", unit: "bags")
            + event("A4", "ship")
            + event("A5")
            + event("A5")
            + event("A7", extra: "\n    <currency>EUR</currency>")
            + "</shipments>\n"
        let source = try Self.source(text)
        defer { XMLFixture.remove(source.path) }
        let (records, rejects) = try readAll(source)
        // A repeated record_id is refused by the ledger's ingest, which sees every format.
        #expect(records.map(\.content.recordID) == ["A5", "A5"])
        let messages = rejects.map(\.error.description)
        #expect(rejects.map(\.line) == [2, 12, 22, 32, 62])
        #expect(messages.count == 5)
        #expect(messages[0].contains(".xml:8, element quantity: must be greater than 0"), "\(messages[0])")
        #expect(
            messages[1].contains(".xml:15, element occurred_at") && messages[1].contains("no UTC offset"),
            "\(messages[1])")
        #expect(messages[2].contains(".xml:29, element unit") && messages[2].contains("'bags'"), "\(messages[2])")
        #expect(messages[3].contains(".xml:32, element event") && messages[3].contains("shipment_id"), "\(messages[3])")
        #expect(
            messages[4].contains(".xml:62, element event")
                && messages[4].contains("currency is given without unit_price"), "\(messages[4])")
        #expect(rejects[0].fields.prefix(8) == ["A1", "produce", "2026-03-01T08:00:00Z", "p", "l", "0", "kg", "f"])
        let reader = try source.makeReader()
        #expect(reader.rejectColumns.prefix(3) == ["record_id", "event", "occurred_at"])
    }

    @Test func schemaViolationsRefuseTheFileNamingLineAndElement() throws {
        let source = try Self.source(
            """
            <shipments xmlns="urn:provenance:shipments:1">
              <event>
                <record_id>A1</record_id>
                <event>produce</event>
                <occurred_at>2026-03-01T08:00:00Z</occurred_at>
                <product>p</product>
                <quantity>lots</quantity>
                <unit>kg</unit>
                <facility>f</facility>
              </event>
              <event>
                <record_id>A2</record_id>
                <event>harvest</event>
              </event>
            </shipments>
            """)
        defer { XMLFixture.remove(source.path) }
        #expect { try readAll(source) } throws: { error in
            let text = (error as? LedgerError)?.description ?? ""
            return text.contains(".xml:7") && text.contains("line 7, element quantity")
                && text.contains("line 13, element event")
                && text.contains("shipments.xsd")
        }
    }

    /// Many events across many read chunks keep their lines; only one event is in memory at a time.
    @Test func streamsManyEvents() throws {
        var text = "<shipments xmlns=\"urn:provenance:shipments:1\">\n"
        for index in 0..<3000 {
            text += "<event><record_id>R\(index)</record_id><event>produce</event>"
            text += "<occurred_at>2026-03-01T08:00:00Z</occurred_at><product>p</product><lot>L\(index)</lot>"
            text += "<quantity>\(index + 1)</quantity><unit>kg</unit><facility>f</facility></event>\n"
        }
        text += "</shipments>\n"
        let source = try Self.source(text)
        defer { XMLFixture.remove(source.path) }
        let (records, rejects) = try readAll(source)
        #expect(rejects.isEmpty)
        #expect(records.count == 3000)
        #expect(records.last?.line == 3001)
        #expect(records.last?.content.lot == "L2999")
        #expect(source.byteCount == text.utf8.count)
    }

    @Test func wrongRootAndMalformedXMLAreFileErrors() throws {
        let other = try Self.source("<shipments xmlns=\"urn:other\"/>")
        defer { XMLFixture.remove(other.path) }
        #expect { try readAll(other) } throws: { error in
            (error as? LedgerError)?.description.contains("shipments") == true
        }
        let broken = try Self.source("<shipments xmlns=\"urn:provenance:shipments:1\">\n  <event>\n</shipments>\n")
        defer { XMLFixture.remove(broken.path) }
        #expect { try readAll(broken) } throws: { error in
            let text = (error as? LedgerError)?.description ?? ""
            return text.contains(".xml:3") && text.contains("malformed XML")
        }
        let laughs = try Self.source(
            "<!DOCTYPE s [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<shipments xmlns=\"urn:provenance:shipments:1\">&b;</shipments>"
        )
        defer { XMLFixture.remove(laughs.path) }
        #expect { try readAll(laughs) } throws: { error in
            (error as? LedgerError)?.reason.contains("entity declarations are not allowed") == true
        }
    }
}
