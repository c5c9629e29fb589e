import Foundation
import GRDB
import LedgerCore
import LedgerCrypto
import LedgerStorage
import LedgerSQLite
import Provenance
import TestSupport
import Testing

/// Edits of the SQLite file made outside the program must all be caught by verification, which must
/// name the place.
@Suite struct TamperTests {
    /// One kind of single edit to the database file.
    enum Mutation: CaseIterable {
        case statementByte, signatureByte, eventIDByte, disclosureValue, indexColumn, deleteEvent, swapEvents
        case headerByte, blockHashByte, blockSignatureByte, deleteBlock, merkleNodeByte, deleteMerkleNode
        case checkpointByte, participantRole, deleteLotInput, blockHeightOfEvent, columnTypeChanged
    }

    @Test func randomSingleMutationsAreDetected() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        // 50 events (with the genesis block's): the Merkle table keeps their subtrees of 16 and 32.
        for batch in 0..<4 {
            _ = try await fixture.ledger.append(
                LedgerFixture.farmRecords(6, from: batch * 6), signedWith: fixture.farmKey)
        }
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 2), signedWith: fixture.millKey)
        let pristine = await fixture.ledger.verify()
        try #require(pristine.isValid, "the untouched ledger verifies: \(String(describing: pristine.failure))")
        let eventCount = pristine.treeSize
        let blockCount = pristine.blocks

        // A consistent copy of the file to mutate: VACUUM INTO writes one self-contained database.
        let master = fixture.directory.appendingPathComponent("master.sqlite").path
        try DatabaseQueue(path: fixture.path).inDatabase { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [master])
        }
        let untouched = await (try Ledger.open(store: SQLiteLedgerStore(path: master))).verify()
        #expect(untouched.isValid)

        var generator = SplitMix64(seed: 20_261_121)
        var counts = [String: Int]()
        for trial in 0..<200 {
            let mutation = Mutation.allCases[Int(generator.next() % UInt64(Mutation.allCases.count))]
            let copy = fixture.directory.appendingPathComponent("trial-\(trial).sqlite").path
            try FileManager.default.copyItem(atPath: master, toPath: copy)
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
            let expectedPlace = try apply(
                mutation, to: copy, events: eventCount, blocks: blockCount, generator: &generator)
            let report = await (try Ledger.open(store: SQLiteLedgerStore(path: copy))).verify()
            counts["\(mutation)", default: 0] += 1
            let failure = try #require(report.failure, "trial \(trial): \(mutation) went undetected")
            #expect(!failure.context.isEmpty, "trial \(trial): \(mutation) reported without a place: \(failure)")
            if let expectedPlace {
                #expect(
                    failure.description.contains(expectedPlace),
                    "trial \(trial): \(mutation) should name \(expectedPlace), said: \(failure)")
            }
        }
        #expect(counts.count == Mutation.allCases.count, "every kind of mutation was tried: \(counts)")
    }

    /// `verify(reportingAll:)` names every divergence it can step over, in ledger order; plain `verify()` the first.
    @Test func verifyingAllReportsEveryDivergence() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        for batch in 0..<3 {
            _ = try await fixture.ledger.append(
                LedgerFixture.farmRecords(2, from: batch * 2), signedWith: fixture.farmKey)
        }
        try await DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "UPDATE events SET product = 'x' WHERE record_id IN ('P-0', 'S-3')")
            try db.execute(sql: "UPDATE events SET lot = 'y' WHERE record_id = 'P-4'")
        }
        let ledger = try await fixture.reopen()
        let first = await ledger.verify()
        #expect(first.failures.count == 1)
        let all = await ledger.verify(reportingAll: true)
        #expect(all.failures.count == 3, "\(all.failures)")
        #expect(all.failures.map { $0.context.last } == ["product", "product", "lot"])
        #expect(all.failure?.description == first.failure?.description)
        #expect(all.events == all.treeSize, "every event was checked")
    }

    /// A lookup column rewritten to a canonically equivalent spelling (equal for Swift's `==`, not for
    /// SQLite's byte-wise lookups) is a divergence.
    @Test func canonicallyEquivalentRespellingIsDetected() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        let record = try LedgerFixture.record(
            """
            {"record_id": "U-1", "event": "produce", "occurred_at": "2026-03-01T08:00:00Z", "product": "caf\u{E9}",
             "lot": "LOT-\u{C9}-1", "quantity": "3", "unit": "kg", "facility": "FARM-1"}
            """)
        _ = try await fixture.ledger.append([record], signedWith: fixture.farmKey)
        #expect(await fixture.ledger.verify().isValid)
        try await DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "UPDATE events SET product = ? WHERE record_id = 'U-1'", arguments: ["cafe\u{301}"])
        }
        let report = await (try fixture.reopen()).verify()
        #expect(report.failure?.description.contains("product") == true, "\(String(describing: report.failure))")
        try await DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "UPDATE events SET product = ? WHERE record_id = 'U-1'", arguments: ["caf\u{E9}"])
        }
        let ledger = try await fixture.reopen()
        let transform = try LedgerFixture.record(
            """
            {"record_id": "T-U-1", "event": "transform", "occurred_at": "2026-03-10T10:00:00Z", "product": "caf\u{E9}-mass",
             "lot": "MASS-U-1", "quantity": "2", "unit": "kg", "facility": "MILL-1", "inputs": [{"lot": "LOT-\u{C9}-1", "quantity": 3}]}
            """)
        _ = try await ledger.append([transform], signedWith: fixture.millKey)
        #expect(await ledger.verify().isValid)
        try await DatabaseQueue(path: fixture.path).write { db in
            try db.execute(
                sql: "UPDATE lot_inputs SET lot = ? WHERE lot = ?", arguments: ["LOT-E\u{301}-1", "LOT-\u{C9}-1"])
        }
        let lotReport = await (try fixture.reopen()).verify()
        #expect(
            lotReport.failure?.description.contains("lot_inputs") == true, "\(String(describing: lotReport.failure))")
    }

    /// Applies `mutation` and returns the place the verifier should name, when it is certain.
    private func apply(_ mutation: Mutation, to path: String, events: Int, blocks: Int, generator: inout SplitMix64)
        throws -> String?
    {
        let queue = try DatabaseQueue(path: path)
        let seq = Int(generator.next() % UInt64(events))
        let height = Int(generator.next() % UInt64(blocks))
        let salt = generator.next()
        return try queue.write { db -> String? in
            let storedNodes = max(1, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_nodes") ?? 1)
            let eventBlock =
                try Int.fetchOne(db, sql: "SELECT block_height FROM events WHERE seq = ?", arguments: [seq]) ?? 0
            func flip(_ table: String, _ column: String, _ key: String, _ value: any DatabaseValueConvertible) throws {
                let data =
                    try Data.fetchOne(
                        db, sql: "SELECT CAST(\(column) AS BLOB) FROM \(table) WHERE \(key) = ?", arguments: [value])
                    ?? Data()
                var bytes = Array(data)
                guard !bytes.isEmpty else { return }
                let position = Int(salt % UInt64(bytes.count))
                bytes[position] ^= UInt8(1 << (salt % 7))
                try db.execute(
                    sql: "UPDATE \(table) SET \(column) = ? WHERE \(key) = ?", arguments: [Data(bytes), value])
            }
            switch mutation {
            case .statementByte:
                try flip("events", "statement", "seq", seq)
                return "block \(eventBlock)"
            case .signatureByte:
                try flip("events", "signature", "seq", seq)
                return "block \(eventBlock)"
            case .eventIDByte:
                try flip("events", "id", "seq", seq)
                return "block \(eventBlock)"
            case .disclosureValue:
                // Change one digit of a disclosed value (quantities and prices are digits).
                let data =
                    try Data.fetchOne(db, sql: "SELECT disclosures FROM events WHERE seq = ?", arguments: [seq])
                    ?? Data()
                var text = String(decoding: data, as: UTF8.self)
                if let digit = text.firstIndex(where: { $0.isNumber }) {
                    text.replaceSubrange(digit...digit, with: text[digit] == "9" ? "8" : "9")
                } else {
                    text = text.replacingOccurrences(
                        of: "]", with: ",[\"AAAAAAAAAAAAAAAAAAAAAA\",\"x\",\"y\"]]", options: [], range: nil)
                }
                try db.execute(
                    sql: "UPDATE events SET disclosures = ? WHERE seq = ?", arguments: [Data(text.utf8), seq])
                return "block \(eventBlock)"
            case .indexColumn:
                try db.execute(sql: "UPDATE events SET record_id = record_id || 'x' WHERE seq = ?", arguments: [seq])
                return "block \(eventBlock)"
            case .deleteEvent:
                try db.execute(sql: "DELETE FROM events WHERE seq = ?", arguments: [seq])
                return "block \(eventBlock)"
            case .swapEvents:
                let other = (seq + 1 + Int(salt % UInt64(events - 1))) % events
                try db.execute(sql: "UPDATE events SET seq = -1 WHERE seq = ?", arguments: [seq])
                try db.execute(sql: "UPDATE events SET seq = ? WHERE seq = ?", arguments: [seq, other])
                try db.execute(sql: "UPDATE events SET seq = ? WHERE seq = -1", arguments: [other])
                return nil
            case .headerByte:
                try flip("blocks", "header", "height", height)
                return "block \(height)"
            case .blockHashByte:
                try flip("blocks", "hash", "height", height)
                return "block \(height)"
            case .blockSignatureByte:
                try flip("blocks", "signature", "height", height)
                return "block \(height)"
            case .deleteBlock:
                try db.execute(sql: "DELETE FROM blocks WHERE height = ?", arguments: [height])
                return nil
            case .merkleNodeByte:
                let node = try Row.fetchOne(
                    db, sql: "SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx LIMIT 1 OFFSET ?",
                    arguments: [Int(salt % UInt64(storedNodes))])
                let (level, index): (Int, Int) = (node?["level"] ?? 0, node?["idx"] ?? 0)
                var bytes = Array(node?["hash"] ?? Data())
                bytes[Int(salt % 32)] ^= 0x40
                try db.execute(
                    sql: "UPDATE merkle_nodes SET hash = ? WHERE level = ? AND idx = ?",
                    arguments: [Data(bytes), level, index])
                return "merkle"
            case .deleteMerkleNode:
                try db.execute(
                    sql:
                        "DELETE FROM merkle_nodes WHERE (level, idx) IN (SELECT level, idx FROM merkle_nodes ORDER BY level, idx LIMIT 1 OFFSET ?)",
                    arguments: [Int(salt % UInt64(storedNodes))])
                return "merkle"
            case .checkpointByte:
                let size =
                    try Int.fetchOne(
                        db, sql: "SELECT size FROM checkpoints ORDER BY size LIMIT 1 OFFSET ?", arguments: [height])
                    ?? 1
                try flip("checkpoints", "note", "size", size)
                return "block \(height)"
            case .participantRole:
                try db.execute(sql: "UPDATE participants SET role = 'compliance' WHERE id = 'farm'")
                return "participant"
            case .deleteLotInput:
                try db.execute(
                    sql:
                        "DELETE FROM lot_inputs WHERE seq = (SELECT seq FROM lot_inputs ORDER BY abs(seq - ?) LIMIT 1)",
                    arguments: [seq])
                return "lot_inputs"
            case .columnTypeChanged:
                // A value of another type where the schema expects an integer or a blob.
                try db.execute(
                    sql: "UPDATE events SET block_height = 'x', signature = 'text' WHERE seq = ?", arguments: [seq])
                return "block \(eventBlock)"
            case .blockHeightOfEvent:
                try db.execute(sql: "UPDATE events SET block_height = block_height + 1 WHERE seq = ?", arguments: [seq])
                return "block \(eventBlock)"
            }
        }
    }
}
