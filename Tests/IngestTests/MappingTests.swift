import Foundation
import Ingest
import LedgerCore
import Testing

@Suite struct MappingTests {
    /// An ERP export with its own column names, German dates, decimal commas and event words.
    static let export = """
        Beleg;Vorgang;Datum;Artikel;Charge;Menge (kg);Standort;Sendung;Ziel;Preis;Notiz
        V-1;Versand;02.03.2026 14:30;cocoa-beans;LOT-9;1.250,5;FARM-1;SHP-9;MILL-1;2,61;fragile
        V-2;Ernte;01.03.2026 06:00;cocoa-beans;LOT-9;1.250,5;FARM-1;;;2,40;

        """.replacingOccurrences(of: ";", with: ",").replacingOccurrences(of: "1.250,5", with: "\"1.250,5\"")
        .replacingOccurrences(of: "2,61", with: "\"2,61\"").replacingOccurrences(of: "2,40", with: "\"2,40\"")

    static let mappingYAML = """
        layout: shipments
        columns:
          Beleg: record_id
          Vorgang: event
          Datum: occurred_at
          Artikel: product
          Charge: lot
          "Menge (kg)": quantity
          Standort: facility
          Sendung: shipment_id
          Ziel: destination
          Preis: unit_price
        ignore: [Notiz]
        defaults:
          unit: kg
          currency: EUR
        values:
          event: { Versand: ship, Ernte: produce }
        formats:
          occurred_at: "dd.MM.yyyy HH:mm"
          time_zone: "+01:00"
          decimal_separator: ","
        """

    @Test func aMappingReadsAnotherExportersColumns() throws {
        let path = try CSVReaderTests.file(Array(Self.export.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapping = try CSVMapping(parsing: Self.mappingYAML, file: "erp.yml")
        let batch = try ShipmentCSV(path: path, mapping: mapping).readAll()
        #expect(batch.rejects.isEmpty, "\(batch.rejects.map(\.error))")
        let ship = try #require(batch.records.first?.content)
        #expect(ship.kind == .ship && ship.recordID == "V-1")
        #expect(ship.occurredAt.local == "2026-03-02T14:30:00+01:00")
        #expect(ship.sensitiveFields["quantity"] == .string("1250.5"))
        #expect(ship.sensitiveFields["unit_price"] == .string("2.61"))
        #expect(ship.sensitiveFields["currency"] == .string("EUR"))
        #expect(ship.publicFields["unit"] == .string("kg"))
        #expect(batch.records.last?.content.kind == .produce)
    }

    @Test func theSameMappingAsJSON() throws {
        let json = """
            {"columns": {"Beleg": "record_id", "Vorgang": "event", "Datum": "occurred_at", "Artikel": "product", "Charge": "lot",
                         "Menge (kg)": "quantity", "Standort": "facility", "Sendung": "shipment_id", "Ziel": "destination", "Preis": "unit_price"},
             "ignore": ["Notiz"], "defaults": {"unit": "kg", "currency": "EUR"},
             "values": {"event": {"Versand": "ship", "Ernte": "produce"}},
             "formats": {"occurred_at": "dd.MM.yyyy HH:mm", "time_zone": "+01:00", "decimal_separator": ","}}
            """
        #expect(
            try CSVMapping(parsing: json, file: "erp.json")
                == CSVMapping(
                    parsing: Self.mappingYAML.replacingOccurrences(of: "layout: shipments\n", with: ""), file: "erp.yml"
                ))
    }

    @Test func errorsNameTheSourceColumnAndLine() throws {
        let bad = Self.export.replacingOccurrences(of: "02.03.2026 14:30", with: "2026-03-02")
        let path = try CSVReaderTests.file(Array(bad.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = try ShipmentCSV(path: path, mapping: CSVMapping(parsing: Self.mappingYAML, file: "erp.yml"))
            .readAll()
        #expect(
            batch.rejects.map(\.error.description) == [
                "\(path):2, column Datum: '2026-03-02' does not match the date format 'dd.MM.yyyy HH:mm'"
            ])
    }

    @Test func badMappingFilesAreRefusedWithTheirLine() {
        for (text, expected) in [
            ("columns:\n  a: quantity\ncolums: {}\n", "erp.yml:3: unknown key 'colums'"),
            ("formats:\n  occurred_at: \"HH:mm\"\n", "erp.yml:2: date format 'HH:mm' has no year"),
            ("formats:\n  occurred_at: \"dd.MM.yyyy HH:mm\"\n", "formats.occurred_at has no UTC offset"),
            ("formats:\n  time_zone: Berlin\n", "erp.yml:2: time_zone must be an offset"),
            ("layout: invoices\n", "layout must be 'shipments' or 'facilities'"),
            ("[1, 2]", "a mapping file holds an object"),
            ("columns: [", "not valid YAML or JSON"),
        ] {
            #expect(throws: LedgerError.self, "\(text)") { try CSVMapping(parsing: text, file: "erp.yml") }
            do {
                _ = try CSVMapping(parsing: text, file: "erp.yml")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
    }

    @Test func aMappingForAnotherLayoutIsRefused() throws {
        let path = try CSVReaderTests.file(Array("facility_id\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapping = try CSVMapping(parsing: "layout: shipments\n", file: "m.yml")
        #expect {
            try FacilitiesCSV(path: path, recordedAt: Timestamp(epochSeconds: 0), mapping: mapping).readAll()
        } throws: { error in
            (error as? LedgerError)?.reason == "the mapping is written for the shipments layout, not for facilities"
        }
    }
}

@Suite struct FacilitiesCSVTests {
    static let header =
        "facility_id,party,name,kind,country,latitude,longitude,capacity_per_day,unit,workers,certificate,certificate_expires\n"

    @Test func versionsAreNamedByContent() throws {
        let first = Self.header + "F-1,farm,Farm one,farm,GH,6.70,-1.6,1500,kg,12,FT-1,2027-01-31\n"
        let same = Self.header.uppercased() + "F-1,farm,Farm one,farm,GH,6.7,-1.60,1500.0,kg,12,FT-1,2027-01-31\n"
        let changed = Self.header + "F-1,farm,Farm one,farm,GH,6.7,-1.6,1500,kg,15,FT-1,2027-01-31\n"
        var ids = [String]()
        for text in [first, same, changed] {
            let path = try CSVReaderTests.file(Array(text.utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let batch = try FacilitiesCSV(path: path, recordedAt: Timestamp(epochSeconds: 1_767_225_600)).readAll()
            #expect(batch.rejects.isEmpty, "\(batch.rejects.map(\.error))")
            let content = try #require(batch.records.first?.content)
            #expect(content.kind == .facility && content.facility == "F-1")
            #expect(
                content.publicFields["workers"] != nil
                    && content.publicFields["certificate_expires"] == .string("2027-01-31"))
            ids.append(content.recordID)
        }
        #expect(ids[0] == ids[1], "equivalent spellings are the same version")
        #expect(ids[0] != ids[2] && ids[0].hasPrefix("facility/F-1/"))
    }

    @Test func badRowsNameTheirColumn() throws {
        let text =
            Self.header + """
                F-1,farm,Farm,farm,Ghana,6.7,-1.6,,,,,
                F-2,farm,Farm,orchard,GH,6.7,-1.6,,,,,
                F-3,farm,Farm,farm,GH,96.7,-1.6,,,,,
                F-4,farm,Farm,farm,GH,6.7,-1.6,,,,,31/12/2027

                """
        let path = try CSVReaderTests.file(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = try FacilitiesCSV(path: path, recordedAt: Timestamp(epochSeconds: 0)).readAll()
        let messages = batch.rejects.map(\.error.description)
        #expect(messages.count == 4)
        #expect(messages[0].hasPrefix("\(path):2, column country: 'Ghana' is not a 2-letter upper-case code"))
        #expect(messages[1].hasPrefix("\(path):3, column kind: 'orchard' is not one of farm"))
        #expect(messages[2].hasPrefix("\(path):4, column latitude: latitude must be within -90…90"))
        #expect(messages[3].hasPrefix("\(path):5, column certificate_expires: '31/12/2027' is not a date YYYY-MM-DD"))
    }
}
