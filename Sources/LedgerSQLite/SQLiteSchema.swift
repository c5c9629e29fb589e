internal import LedgerStorage
internal import GRDB

/// Migrations of the SQLite ledger file, oldest first. Never edit a shipped migration; add one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE blocks (
                        height INTEGER PRIMARY KEY NOT NULL,
                        hash BLOB NOT NULL,
                        header BLOB NOT NULL,
                        signature BLOB NOT NULL,
                        first_index INTEGER NOT NULL,
                        event_count INTEGER NOT NULL
                    );
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        id BLOB NOT NULL UNIQUE,
                        block_height INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        signer TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        product TEXT,
                        lot TEXT,
                        facility TEXT,
                        shipment_id TEXT,
                        occurred_at TEXT NOT NULL,
                        statement BLOB NOT NULL,
                        signature BLOB NOT NULL,
                        disclosures BLOB NOT NULL
                    );
                    CREATE UNIQUE INDEX events_by_record ON events(signer, record_id);
                    CREATE INDEX events_by_product ON events(product) WHERE product IS NOT NULL;
                    CREATE INDEX events_by_lot ON events(lot) WHERE lot IS NOT NULL;
                    CREATE INDEX events_by_facility ON events(facility) WHERE facility IS NOT NULL;
                    CREATE INDEX events_by_shipment ON events(shipment_id) WHERE shipment_id IS NOT NULL;
                    CREATE INDEX events_by_block ON events(block_height);
                    CREATE TABLE event_lots (
                        lot TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        role TEXT NOT NULL,
                        PRIMARY KEY (lot, seq, role)
                    ) WITHOUT ROWID;
                    CREATE INDEX event_lots_by_seq ON event_lots(seq);
                    CREATE TABLE merkle_nodes (
                        level INTEGER NOT NULL,
                        idx INTEGER NOT NULL,
                        hash BLOB NOT NULL,
                        PRIMARY KEY (level, idx)
                    ) WITHOUT ROWID;
                    CREATE TABLE participants (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        public_key BLOB NOT NULL UNIQUE,
                        registered_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );
                    CREATE TABLE checkpoints (
                        size INTEGER PRIMARY KEY NOT NULL,
                        root BLOB NOT NULL,
                        note TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2") { db in
            // Anomaly reports: the canonical JSON whose digest an `anchor` event carries.
            try db.execute(
                sql: """
                    CREATE TABLE reports (
                        digest BLOB PRIMARY KEY NOT NULL,
                        anchor_seq INTEGER NOT NULL UNIQUE,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX events_by_kind ON events(kind);
                    """)
        }
        migrator.registerMigration("v3") { db in
            // A product's events in time order, for paged product histories; it also serves
            // lookups by product alone, so it replaces the index on product. Transformations by
            // the lot they make, for following histories back (only transform events are in it).
            try db.execute(
                sql: """
                    DROP INDEX events_by_product;
                    CREATE INDEX events_by_product_time ON events(product, \(productTimeKey), seq) WHERE product IS NOT NULL;
                    CREATE INDEX transforms_by_lot ON events(lot) WHERE kind = 'transform';
                    """)
        }
        migrator.registerMigration("v4") { db in
            // Facility versions by facility, in an index that holds only facility events, where
            // every event paid for an index on facility before. No query looks events up by block
            // or by shipment: those indexes go, and with them two more of the B-tree inserts each
            // appended event cost.
            try db.execute(
                sql: """
                    DROP INDEX events_by_facility;
                    DROP INDEX events_by_block;
                    DROP INDEX events_by_shipment;
                    CREATE INDEX facility_versions ON events(facility, seq) WHERE kind = 'facility';
                    """)
        }
        migrator.registerMigration("v5") { db in
            // Fewer rows per appended event. The lot index keeps only input lots: an event's own lot
            // is its `lot` column, indexed by events_by_lot. The Merkle table keeps perfect subtrees
            // from `lowestStoredMerkleLevel` up; those below it are computed from the event IDs
            // they cover. Each event wrote three rows there before, and about an eighth of one now.
            try db.execute(
                sql: """
                    CREATE TABLE lot_inputs (
                        lot TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        PRIMARY KEY (lot, seq)
                    ) WITHOUT ROWID;
                    CREATE INDEX lot_inputs_by_seq ON lot_inputs(seq);
                    INSERT INTO lot_inputs (lot, seq) SELECT lot, seq FROM event_lots WHERE role = 'input';
                    DROP TABLE event_lots;
                    DELETE FROM merkle_nodes WHERE level < \(lowestStoredMerkleLevel);
                    """)
        }
        migrator.registerMigration("v6") { db in
            // The query index (QueryIndexEntry): filled after appending, never on the append path. Terms by
            // (name, value, time): a query reads one range in time order; by event: the other clauses of a query are
            // checked per event.
            try db.execute(
                sql: """
                    CREATE TABLE query_index (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 0),
                        mark INTEGER NOT NULL
                    );
                    INSERT INTO query_index (id, mark) VALUES (0, 0);
                    CREATE TABLE query_events (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        time_key TEXT NOT NULL,
                        signer TEXT NOT NULL,
                        parts TEXT NOT NULL
                    );
                    CREATE INDEX query_events_by_time ON query_events(time_key, seq);
                    CREATE TABLE query_terms (
                        name TEXT NOT NULL,
                        value TEXT NOT NULL,
                        time_key TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        sensitive INTEGER NOT NULL,
                        PRIMARY KEY (name, value, time_key, seq)
                    ) WITHOUT ROWID;
                    CREATE INDEX query_terms_by_event ON query_terms(seq, name, value);
                    """)
        }
        migrator.registerMigration("v7") { db in
            // The files a report is reproduced from, kept beside it: the definition it ran and the model it fitted,
            // whose digests its anchor carries.
            try db.execute(
                sql: """
                    CREATE TABLE report_files (
                        report BLOB NOT NULL,
                        name TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (report, name)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    /// The lowest level of the ledger tree whose nodes the Merkle table keeps, since v5. A node
    /// below it covers at most 8 events and is computed from their IDs. Changing it needs a
    /// migration.
    static let lowestStoredMerkleLevel = 4

    /// The SQL expression ordering events by time: `occurred_at` holds the UTC instant in normal
    /// form (`…T06:15:00Z`, `…T06:15:00.5Z`: a fraction only when it is not zero, without trailing
    /// zeros); without the `Z`, text order is time order.
    static let productTimeKey = "rtrim(occurred_at, 'Z')"
}
