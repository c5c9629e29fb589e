import Foundation
import Ingest
import LedgerCore
import Testing

@Suite struct CSVReaderTests {
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prov-csv-\(UUID().uuidString).csv")
            .path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func rows(_ text: String) throws -> [CSVRow] {
        let path = try file(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rows = [CSVRow]()
        try CSVReader(path: path).forEachRow { row, _ in rows.append(row) }
        return rows
    }

    @Test func quotingMultilineFieldsAndLineNumbers() throws {
        let rows = try Self.rows("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",z\n3,,\n")
        #expect(
            rows == [
                CSVRow(line: 1, fields: ["a", "b", "c"]),
                CSVRow(line: 2, fields: ["1", "x, y", "say \"hi\""]),
                CSVRow(line: 4, fields: ["2", "two\nlines", "z"]),
                CSVRow(line: 6, fields: ["3", "", ""]),
            ])
    }

    @Test func byteOrderMarkAndMissingFinalNewline() throws {
        let path = try Self.file([0xEF, 0xBB, 0xBF] + Array("a,b\n1,ü".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rows = [CSVRow]()
        try CSVReader(path: path).forEachRow { row, _ in rows.append(row) }
        #expect(rows == [CSVRow(line: 1, fields: ["a", "b"]), CSVRow(line: 2, fields: ["1", "ü"])])
    }

    @Test func malformedQuotingAndEncodingNameTheLine() throws {
        #expect { try Self.rows("a,b\n1,2\n3,\"unterminated\n") } throws: { error in
            (error as? LedgerError)?.description.contains(":3") == true
        }
        #expect { try Self.rows("a,b\n1,x\"y\"z\n") } throws: { error in
            (error as? LedgerError)?.description.contains(":2") == true
        }
        let path = try Self.file(Array("a,b\n1,2\n3,".utf8) + [0xFF, 0x0A])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try CSVReader(path: path).forEachRow { _, _ in } } throws: { error in
            let text = (error as? LedgerError)?.description ?? ""
            return text.contains(":3, column 2") && text.contains("UTF-8")
        }
    }

    /// Many rows across many read chunks keep their line numbers.
    @Test func streamsAcrossChunks() throws {
        var text = "id,note\n"
        for index in 0..<20_000 { text += "\(index),\"line \(index)\"\n" }
        let rows = try Self.rows(text)
        #expect(rows.count == 20_001)
        #expect(rows.last == CSVRow(line: 20_001, fields: ["19999", "line 19999"]))
    }
}

@Suite struct ShipmentCSVTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleData/demo/farm-shipments.csv").path

    @Test func sampleFileReads() throws {
        let batch = try ShipmentCSV(path: Self.sample).readAll()
        #expect(batch.rejects.isEmpty, "\(batch.rejects.map(\.error))")
        #expect(batch.records.map(\.line) == [2, 3, 4, 5])
        let ship = batch.records[3].content
        #expect(ship.kind == .ship)
        #expect(ship.sensitiveFields["carrier"] == .string("MAERSK, Line 2"))
        #expect(ship.sensitiveFields["unit_price"] == .string("2.6"))
        #expect(batch.records[1].content.publicFields["serials"] == .array(["B-1", "B-2"]))
    }

    @Test func badRowsAreRejectedWithLineAndColumn() throws {
        let text = """
            record_id,event,occurred_at,product,lot,quantity,unit,facility
            A1,produce,2026-03-01T08:00:00Z,p,l1,-5,kg,f
            A2,produce,2026-03-01T08:00:00,p,l2,5,kg,f
            A3,produce,2026-03-01T08:00:00Z,p,l3,5,bags,f
            A4,produce,2026-03-01T08:00:00Z,p,l4,5,kg,f
            A5,participant,2026-03-01T08:00:00Z,p,l5,5,kg,f
            A6,produce,2026-03-01T08:00:00Z,p,l6,5,kg

            """
        let path = try CSVReaderTests.file(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = try ShipmentCSV(path: path).readAll()
        #expect(batch.records.map(\.content.recordID) == ["A4"])
        #expect(batch.records.first?.cells.first == "A4")
        let messages = batch.rejects.map(\.error.description)
        #expect(messages.count == 5)
        #expect(messages[0].contains(":2, column quantity: must be greater than 0"))
        #expect(messages[1].contains(":3, column occurred_at") && messages[1].contains("no UTC offset"))
        #expect(messages[2].contains(":4, column unit"))
        #expect(messages[3].contains(":6") && messages[3].contains("for a participant event"))
        #expect(messages[4].contains(":7") && messages[4].contains("expected 8 fields"))
        let reject = try #require(batch.rejects.first)
        #expect(
            RejectsCSV.header(columns: reject.columns)
                == "line,reason,record_id,event,occurred_at,product,lot,quantity,unit,facility\r\n")
        #expect(
            RejectsCSV.line(reject).hasPrefix(
                "2,\"\(path):2, column quantity: must be greater than 0, got -5\",A1,produce,"))
    }

    @Test func headerProblemsRefuseTheFile() throws {
        for (header, expected) in [
            ("record_id,event,occurred_at,product,lot,quantity,unit", "missing required column 'facility'"),
            ("record_id,event,occurred_at,product,lot,quantity,unit,facility,colour", "unknown column 'colour'"),
            ("record_id,EVENT,event,occurred_at,product,lot,quantity,unit,facility", "appears twice"),
        ] {
            let path = try CSVReaderTests.file(Array((header + "\n").utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect { try ShipmentCSV(path: path).readAll() } throws: { error in
                (error as? LedgerError)?.description.contains(expected) == true
            }
        }
    }
}
