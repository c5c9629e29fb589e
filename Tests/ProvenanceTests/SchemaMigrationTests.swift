import Foundation
import GRDB
import LedgerCore
import LedgerCrypto
import LedgerStorage
import LedgerSQLite
import Provenance
import Testing

/// Ledger files written by earlier versions open and verify after their schema is migrated.
@Suite struct SchemaMigrationTests {
    /// A ledger in the v4 layout (lot index with each event's own lot, every Merkle node stored)
    /// migrates to v5: input lots move to `lot_inputs`, nodes below the lowest stored level go, and
    /// the ledger verifies and answers as before.
    @Test func v4LedgerMigratesToV5() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(12), signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 2), signedWith: fixture.millKey)
        let before = try await fixture.ledger.history(of: "MASS-2")
        let lowest = try SQLiteLedgerStore(path: fixture.path).lowestStoredMerkleLevel

        // Rewrite the file as v4 wrote it.
        try await DatabaseQueue(path: fixture.path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_lots (lot TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, PRIMARY KEY (lot, seq, role)) WITHOUT ROWID;
                    CREATE INDEX event_lots_by_seq ON event_lots(seq);
                    INSERT INTO event_lots SELECT lot, seq, 'lot' FROM events WHERE lot IS NOT NULL;
                    INSERT INTO event_lots SELECT lot, seq, 'input' FROM lot_inputs;
                    DROP TABLE lot_inputs;
                    DELETE FROM grdb_migrations WHERE identifier = 'v5';
                    """)
            var level = try Data.fetchAll(db, sql: "SELECT id FROM events ORDER BY seq").map {
                Merkle.leafHash(Array($0))
            }
            for height in 0..<lowest {
                for (index, hash) in level.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)",
                        arguments: [height, index, Data(hash.bytes)])
                }
                level = stride(from: 0, to: level.count - 1, by: 2).map { Merkle.nodeHash(level[$0], level[$0 + 1]) }
            }
        }

        let migrated = try await fixture.reopen()
        let report = await migrated.verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
        let (lowNodes, nodes, inputs, oldTables) = try await DatabaseQueue(path: fixture.path).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_nodes WHERE level < ?", arguments: [lowest]),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_nodes"),
                try String.fetchAll(db, sql: "SELECT lot FROM lot_inputs"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'event_lots'")
            )
        }
        #expect(lowNodes == 0 && (nodes ?? 0) > 0 && inputs == ["LOT-2"] && oldTables == 0)
        let after = try await migrated.history(of: "MASS-2")
        #expect(after.upstreamLots == ["LOT-2"] && after.upstreamLots == before.upstreamLots)
        #expect(after.entries.map(\.index) == before.entries.map(\.index))
        // Proofs read the nodes below the stored levels from the event IDs.
        let ids = try await DatabaseQueue(path: fixture.path).read { db in
            try Data.fetchAll(db, sql: "SELECT id FROM events WHERE seq IN (0, 5, 17, (SELECT MAX(seq) FROM events))")
        }
        #expect(ids.count == 4)
        for id in ids {
            let bundle = try await migrated.proof(for: try #require(Digest(Array(id))))
            _ = try ProofBundle(bytes: bundle.serialized()).verify(operatorKey: fixture.operatorKey.publicKey)
        }
    }

    /// A new ledger file gets 16 KiB pages; a file written before, with SQLite's 4 KiB pages and
    /// already in WAL mode, keeps them, and takes blocks and verifies as before.
    @Test func newLedgerFilesHaveLargePagesAndOlderFilesKeepTheirs() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        #expect(try await Self.pageSize(fixture.path) == 16_384)

        let older = fixture.directory.appendingPathComponent("older.sqlite").path
        try await DatabaseQueue(path: older).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x); DROP TABLE t")
        }
        let ledger = try await Ledger.create(
            store: SQLiteLedgerStore(path: older), origin: "test.local/older", operatorKey: fixture.operatorKey,
            clock: LedgerFixture.clock)
        _ = try await ledger.registerParticipant(
            id: "farm", name: "Farm", role: .producer, publicKey: fixture.farmKey.publicKey)
        _ = try await ledger.append(
            [try LedgerFixture.facility("FARM-1", party: "farm", kind: "farm")], signedWith: fixture.farmKey)
        _ = try await ledger.append(LedgerFixture.farmRecords(12), signedWith: fixture.farmKey)
        let report = await ledger.verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
        #expect(try await Self.pageSize(older) == 4096)
    }

    private static func pageSize(_ path: String) async throws -> Int? {
        try await DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
    }
}
