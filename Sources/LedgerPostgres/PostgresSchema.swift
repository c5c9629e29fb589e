/// Migrations of a PostgreSQL ledger, oldest first, each a list of statements run in one transaction. Never edit a
/// shipped migration; add one.
///
/// The tables and indexes are those of the SQLite store, so that every read costs the same at any size. Text columns
/// use the `C` collation: they compare by bytes, as SQLite's do, so that ranges and orders (times, lots, query terms)
/// are the same on both stores whatever the database's locale.
enum PostgresSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE meta (
                key TEXT COLLATE "C" PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
            // The row every block's transaction locks first (`SELECT … FOR UPDATE`): one writer at a time, whatever
            // the number of processes, and each sees the head the previous one committed.
            """
            CREATE TABLE ledger_head (
                id INTEGER PRIMARY KEY CHECK (id = 0),
                height BIGINT NOT NULL
            )
            """,
            "INSERT INTO ledger_head (id, height) VALUES (0, -1)",
            """
            CREATE TABLE blocks (
                height BIGINT PRIMARY KEY,
                hash BYTEA NOT NULL,
                header BYTEA NOT NULL,
                signature BYTEA NOT NULL,
                first_index BIGINT NOT NULL,
                event_count BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE events (
                seq BIGINT PRIMARY KEY,
                id BYTEA NOT NULL UNIQUE,
                block_height BIGINT NOT NULL,
                kind TEXT COLLATE "C" NOT NULL,
                signer TEXT COLLATE "C" NOT NULL,
                record_id TEXT COLLATE "C" NOT NULL,
                product TEXT COLLATE "C",
                lot TEXT COLLATE "C",
                facility TEXT COLLATE "C",
                shipment_id TEXT COLLATE "C",
                occurred_at TEXT COLLATE "C" NOT NULL,
                statement BYTEA NOT NULL,
                signature BYTEA NOT NULL,
                disclosures BYTEA NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX events_by_record ON events (signer, record_id)",
            "CREATE INDEX events_by_product_time ON events (product, (\(productTimeKey)), seq) WHERE product IS NOT NULL",
            "CREATE INDEX events_by_lot ON events (lot) WHERE lot IS NOT NULL",
            "CREATE INDEX transforms_by_lot ON events (lot) WHERE kind = 'transform'",
            "CREATE INDEX facility_versions ON events (facility, seq) WHERE kind = 'facility'",
            "CREATE INDEX events_by_kind ON events (kind)",
            """
            CREATE TABLE lot_inputs (
                lot TEXT COLLATE "C" NOT NULL,
                seq BIGINT NOT NULL,
                PRIMARY KEY (lot, seq)
            )
            """,
            "CREATE INDEX lot_inputs_by_seq ON lot_inputs (seq)",
            """
            CREATE TABLE merkle_nodes (
                level BIGINT NOT NULL,
                idx BIGINT NOT NULL,
                hash BYTEA NOT NULL,
                PRIMARY KEY (level, idx)
            )
            """,
            """
            CREATE TABLE participants (
                id TEXT COLLATE "C" PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                public_key BYTEA NOT NULL UNIQUE,
                registered_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            """
            CREATE TABLE checkpoints (
                size BIGINT PRIMARY KEY,
                root BYTEA NOT NULL,
                note TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE reports (
                digest BYTEA PRIMARY KEY,
                anchor_seq BIGINT NOT NULL UNIQUE,
                body BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE query_index (
                id INTEGER PRIMARY KEY CHECK (id = 0),
                mark BIGINT NOT NULL
            )
            """,
            "INSERT INTO query_index (id, mark) VALUES (0, 0)",
            """
            CREATE TABLE query_events (
                seq BIGINT PRIMARY KEY,
                time_key TEXT COLLATE "C" NOT NULL,
                signer TEXT COLLATE "C" NOT NULL,
                parts TEXT NOT NULL
            )
            """,
            "CREATE INDEX query_events_by_time ON query_events (time_key, seq)",
            """
            CREATE TABLE query_terms (
                name TEXT COLLATE "C" NOT NULL,
                value TEXT COLLATE "C" NOT NULL,
                time_key TEXT COLLATE "C" NOT NULL,
                seq BIGINT NOT NULL,
                sensitive BOOLEAN NOT NULL,
                PRIMARY KEY (name, value, time_key, seq)
            )
            """,
            "CREATE INDEX query_terms_by_event ON query_terms (seq, name, value)",
        ],
        [
            // The first maker of each lot in the order the admission check asks for it, one probe per lot: the
            // planner takes it over intersecting `events_by_lot` with `events_by_kind`, which its statistics, far
            // behind the rows of a large block, would otherwise make it do.
            "CREATE INDEX lot_makers ON events (lot, seq) WHERE kind IN ('produce', 'transform')"
        ],
        [
            // The files a report is reproduced from, kept beside it: the definition it ran and the model it fitted,
            // whose digests its anchor carries.
            """
            CREATE TABLE report_files (
                report BYTEA NOT NULL,
                name TEXT COLLATE "C" NOT NULL,
                body BYTEA NOT NULL,
                PRIMARY KEY (report, name)
            )
            """
        ],
    ]

    /// The lowest level of the ledger tree whose nodes the Merkle table keeps, as in the SQLite store: a node below it
    /// covers at most 8 events and is computed from their IDs.
    static let lowestStoredMerkleLevel = 4

    /// The expression ordering events by time: `occurred_at` holds the UTC instant in normal form; without the `Z`,
    /// byte order is time order.
    static let productTimeKey = "rtrim(occurred_at, 'Z')"

    /// The key of the advisory lock that keeps two processes from migrating the same database at once.
    static let migrationLock: Int64 = 0x7072_6f76_656e_616e
}
