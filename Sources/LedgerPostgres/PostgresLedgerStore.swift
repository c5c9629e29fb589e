public import LedgerCore
public import LedgerCrypto
public import LedgerStorage
internal import Dispatch
internal import Logging
internal import PostgresNIO

/// A ledger in a PostgreSQL database, through postgres-nio's connection pool: the same tables, indexes and queries as
/// the SQLite store, one transaction per block.
///
/// Any number of processes may append to one database. Each block's transaction starts by locking the single
/// `ledger_head` row (`SELECT … FOR UPDATE`) and checks that the block extends the head it finds there; a writer that
/// finds another block there first is refused with `head_moved` and nothing of its block is written (the ledger plans
/// it again on the new head). The primary key on the event index is the second fence. Heights and indexes come from the blocks themselves, never from sequences,
/// and none is reported before its transaction commits.
public final class PostgresLedgerStore: LedgerStore {
    let client: PostgresClient
    let logger: Logger
    /// The pool's background work, ended when the store goes.
    private let running: Task<Void, Never>
    /// Where a block's body runs: it blocks its thread while it waits for the database, so it never runs on Swift's
    /// concurrency pool.
    private let blockQueue = DispatchQueue(label: "provenance.postgres.block")
    public let address: PostgresAddress
    /// The database as the pool's metrics name it.
    private let metricsLabel: String

    private init(address: PostgresAddress, client: PostgresClient, logger: Logger) {
        self.address = address
        metricsLabel = PoolMetrics.database(address)
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    deinit {
        running.cancel()
    }

    /// Connects to the database at `address` and brings its schema up to date. Without `create`, a database that holds
    /// no ledger is refused; with it, an empty database gets the schema.
    public static func open(_ address: PostgresAddress, create: Bool = false) async throws(LedgerError)
        -> PostgresLedgerStore
    {
        var logger = Logger(label: "provenance.postgres")
        logger.logLevel = .critical
        try await checkConnection(address, logger: logger)
        let store = PostgresLedgerStore(
            address: address, client: PostgresClient(configuration: configuration(address), backgroundLogger: logger),
            logger: logger)
        try await store.migrate(create: create)
        return store
    }

    /// Connects once, outside the pool, and says why that fails: the pool would keep trying, and every read wait.
    private static func checkConnection(_ address: PostgresAddress, logger: Logger) async throws(LedgerError) {
        do {
            var configuration: PostgresConnection.Configuration
            if let socket = address.socketPath {
                configuration = .init(
                    unixSocketPath: socket, username: address.user, password: address.password,
                    database: address.database)
            } else {
                let context = try NIOSSLContext(configuration: tlsConfiguration(address))
                let tls: PostgresConnection.Configuration.TLS =
                    switch address.tlsMode {
                    case .disable: .disable
                    case .prefer: .prefer(context)
                    case .require, .verifyFull: .require(context)
                    }
                configuration = .init(
                    host: address.host, port: address.port, username: address.user, password: address.password,
                    database: address.database, tls: tls)
            }
            configuration.options.connectTimeout = .seconds(10)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw storageError(error, "cannot connect to \(address)")
        }
    }

    /// TLS as the address's mode asks: the server's certificate checked only for `verify-full`.
    private static func tlsConfiguration(_ address: PostgresAddress) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if address.tlsMode != .verifyFull { tls.certificateVerification = .none }
        return tls
    }

    private static func configuration(_ address: PostgresAddress) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socket = address.socketPath {
            configuration = .init(
                unixSocketPath: socket, username: address.user, password: address.password,
                database: address.database)
        } else {
            let tls = tlsConfiguration(address)
            let mode: PostgresClient.Configuration.TLS =
                switch address.tlsMode {
                case .disable: .disable
                case .prefer: .prefer(tls)
                case .require, .verifyFull: .require(tls)
                }
            configuration = .init(
                host: address.host, port: address.port, username: address.user, password: address.password,
                database: address.database, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Drops every table of the ledger in the database at `address`, leaving it empty: for benchmarks that import
    /// into one database again and again. Nothing else calls it.
    package static func erase(_ address: PostgresAddress) async throws(LedgerError) {
        let store = try await open(address, create: true)
        _ = try await store.rows(
            "emptying \(address)",
            PostgresQuery(
                unsafeSQL: """
                    DROP TABLE IF EXISTS meta, ledger_head, blocks, events, lot_inputs, merkle_nodes, participants,
                        checkpoints, reports, query_index, query_events, query_terms, schema_migrations CASCADE
                    """))
    }

    /// Applies the migrations the database lacks, one process at a time.
    private func migrate(create: Bool) async throws(LedgerError) {
        try await inTransaction("cannot open the ledger at \(address)") { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: self.logger)
            let exists =
                try await connection.query(
                    "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: self.logger
                ).collect().first?.decode(Bool.self) ?? false
            if !exists {
                guard create else { throw LedgerError(.notFound, "no ledger at \(self.address)") }
                try await connection.query(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)", logger: self.logger)
            }
            let applied = try await connection.query("SELECT version FROM schema_migrations", logger: self.logger)
                .collect().map { try $0.decode(Int.self) }
            for (number, statements) in zip(1..., PostgresSchema.migrations) where !applied.contains(number) {
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version) VALUES (\(number))", logger: self.logger)
            }
        }
    }

    // MARK: - Running statements

    /// Runs `body` on a connection leased from the pool (counted in ``PoolMetrics``), turning any failure into a
    /// storage error that says `what` failed.
    func run<T>(_ what: @autoclosure () -> String, _ body: (PostgresConnection) async throws -> T)
        async throws(LedgerError) -> T
    {
        let asked = ContinuousClock.now
        do {
            return try await client.withConnection { connection in
                let metrics = PoolMetrics(database: metricsLabel)
                metrics.leased(after: asked.duration(to: .now))
                defer { metrics.released() }
                return try await body(connection)
            }
        } catch {
            throw Self.storageError(error, what())
        }
    }

    /// Runs `body` in a transaction on a leased connection, as ``run(_:_:)`` does.
    func inTransaction<T>(_ what: @autoclosure () -> String, _ body: (PostgresConnection) async throws -> T)
        async throws(LedgerError) -> T
    {
        try await run(what()) { connection in
            try await connection.withTransaction(logger: self.logger) { connection in try await body(connection) }
        }
    }

    /// The rows of `query`, read on any pooled connection.
    func rows(_ what: @autoclosure () -> String, _ query: PostgresQuery) async throws(LedgerError) -> [PostgresRow] {
        try await run(what()) { connection in try await connection.query(query, logger: self.logger).collect() }
    }

    /// The rows of `query`, each decoded by `decode`.
    func fetch<T>(_ what: @autoclosure () -> String, _ query: PostgresQuery, _ decode: (PostgresRow) throws -> T)
        async throws(LedgerError) -> [T]
    {
        let rows = try await rows(what(), query)
        do {
            return try rows.map(decode)
        } catch {
            throw Self.storageError(error, what())
        }
    }

    static func storageError(_ error: any Error, _ what: String) -> LedgerError {
        if let ledgerError = error as? LedgerError { return ledgerError }
        if let error = error as? PostgresTransactionError,
            let cause = error.closureError ?? error.commitError ?? error.beginError
        {
            return storageError(cause, what)
        }
        if let error = error as? PSQLError {
            // The server's message names the failing statement's cause, never its bound values.
            if let server = error.serverInfo {
                let state = server[.sqlState] ?? "?"
                let message = server[.message] ?? "no message"
                return LedgerError(.storage, "\(what): PostgreSQL error \(state) (\(message))")
            }
            // Without the server's word (it could not be reached, the connection dropped): the cause underneath.
            return LedgerError(.storage, "\(what): \(error.underlying.map { "\($0)" } ?? "\(error.code)")")
        }
        if let error = error as? PostgresDecodingError {
            return LedgerError(.tampered, "\(what): column \(error.columnName) holds a value of the wrong type")
        }
        return LedgerError(.storage, "\(what): \(error)")
    }

    // MARK: - Metadata

    public func metadata() async throws(LedgerError) -> LedgerMetadata? {
        let rows = try await fetch("reading ledger metadata", "SELECT key, value FROM meta") { row in
            try row.decode((String, String).self)
        }
        return try LedgerMetadata(storedValues: Dictionary(rows) { first, _ in first })
    }

    public func create(_ metadata: LedgerMetadata, genesis: BlockWrite) async throws(LedgerError) {
        try await inTransaction("cannot create the ledger") { connection in
            let existing =
                try await connection.query("SELECT COUNT(*) FROM meta", logger: self.logger)
                .collect().first?.decode(Int.self) ?? 0
            guard existing == 0 else { throw LedgerError(.alreadyExists, "the database already holds a ledger") }
            for (key, value) in metadata.storedValues {
                try await connection.query(
                    "INSERT INTO meta (key, value) VALUES (\(key), \(value))", logger: self.logger)
            }
            try await self.write(genesis, on: connection)
        }
    }

    // MARK: - Appending

    public func append(_ write: BlockWrite) async throws(LedgerError) {
        try await inTransaction("cannot append block \(write.block.height)") { connection in
            try await self.write(write, on: connection)
        }
    }

    public func appendBlock<T: Sendable>(
        height: Int,
        _ body: @escaping @Sendable (any BlockTransaction) throws(LedgerError) -> (seal: BlockSeal?, result: T)
    ) async throws(LedgerError) -> T {
        try await run("cannot append block \(height)") { connection in
            let what = "cannot append block \(height)"
            try await self.step(what, on: connection) { _ = try await $0.query("BEGIN", logger: self.logger) }
            do {
                try await self.step(what, on: connection) { try await self.lockHead(expecting: height, on: $0) }
                let transaction = PostgresBlockTransaction(store: self, connection: connection)
                let outcome = try await self.onBlockQueue { () throws(LedgerError) in
                    let outcome = try body(transaction)
                    try transaction.finishWriting()
                    return outcome
                }
                guard let seal = outcome.seal else {
                    try await connection.query("ROLLBACK", logger: self.logger)
                    return outcome.result
                }
                guard seal.block.height == height else {
                    throw LedgerError(
                        .invalidState, "the sealed block has height \(seal.block.height), not \(height)")
                }
                try await self.step(what, on: connection) { try await self.insert(seal, on: $0) }
                try await self.step(what, on: connection, committing: true) {
                    _ = try await $0.query("COMMIT", logger: self.logger)
                }
                return outcome.result
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: self.logger) }
                throw error
            }
        }
    }

    /// Runs one of a block's own steps on the transaction's `connection` (`BEGIN`, the head's lock, the seal,
    /// `COMMIT`), failing as soon as the connection closes: a query on a connection that closed under it may never
    /// end. A connection lost while committing leaves the block's fate to the ledger's head, which the error says.
    private func step(
        _ what: String, on connection: PostgresConnection, committing: Bool = false,
        _ operation: @escaping @Sendable (PostgresConnection) async throws -> Void
    ) async throws(LedgerError) {
        let closed = closedConnection(what, connection, committing: committing)
        try await awaitAbandoning(abandoned: closed) { () async throws(LedgerError) in
            do {
                try await operation(connection)
            } catch {
                throw Self.storageError(error, what)
            }
        }
    }

    /// The error of a block's step (`what`) whose `connection` has closed under it, asked for while the step waits:
    /// a query on a closed connection may never end, so the wait does. A connection lost while committing leaves the
    /// block's fate to the ledger's head.
    func closedConnection(_ what: String, _ connection: PostgresConnection, committing: Bool = false)
        -> @Sendable () -> LedgerError?
    {
        let address = address
        return {
            guard connection.isClosed else { return nil }
            return LedgerError(
                .storage,
                committing
                    ? "\(what): the connection to \(address) closed while the block was being committed: the ledger's head tells whether it was"
                    : "\(what): the connection to \(address) closed before the block was committed")
        }
    }

    /// Runs `work` on the block queue and waits for it without holding a thread of Swift's concurrency pool.
    private func onBlockQueue<R: Sendable>(_ work: @escaping @Sendable () throws(LedgerError) -> R)
        async throws(LedgerError) -> R
    {
        let result: Result<R, LedgerError> = await withCheckedContinuation { continuation in
            blockQueue.async {
                do throws(LedgerError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Writes a whole block in the open transaction on `connection`.
    private func write(_ write: BlockWrite, on connection: PostgresConnection) async throws {
        try await lockHead(expecting: write.block.height, on: connection)
        try await insertRows(events: write.events, lotInputs: write.lotInputs, nodes: write.nodes, on: connection)
        try await insert(
            BlockSeal(block: write.block, participants: write.participants, checkpoint: write.checkpoint),
            on: connection)
    }

    /// Locks the head row for this transaction and refuses block `height` unless it is the next one.
    private func lockHead(expecting height: Int, on connection: PostgresConnection) async throws {
        let head =
            try await connection.query("SELECT height FROM ledger_head WHERE id = 0 FOR UPDATE", logger: logger)
            .collect().first?.decode(Int.self)
        guard let head else { throw LedgerError(.tampered, "the ledger_head table has lost its row") }
        guard head + 1 == height else {
            throw LedgerError(.headMoved, "another writer appended block \(head + 1) first")
        }
    }

    /// Inserts events, lot index rows and the Merkle nodes of the stored levels, each table in one statement over
    /// arrays.
    func insertRows(
        events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)],
        on connection: PostgresConnection
    ) async throws {
        if !events.isEmpty {
            let columns = events.map(\.columns)
            var binds = PostgresBindings(capacity: 18)
            binds.append(events.map(\.index))
            binds.append(events.map { ByteBuffer(bytes: $0.id) })
            binds.append(events.map(\.blockHeight))
            binds.append(columns.map(\.kind))
            binds.append(columns.map(\.signer))
            binds.append(columns.map(\.recordID))
            for column in [
                columns.map(\.product), columns.map(\.lot), columns.map(\.facility), columns.map(\.shipmentID),
            ] {
                binds.append(column.map { $0 ?? "" })
                binds.append(column.map { $0 != nil })
            }
            binds.append(columns.map(\.occurredAt))
            binds.append(events.map { ByteBuffer(bytes: $0.statement) })
            binds.append(events.map { ByteBuffer(bytes: $0.signature) })
            binds.append(events.map { ByteBuffer(bytes: $0.disclosures) })
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO events (seq, id, block_height, kind, signer, record_id, product, lot, facility,
                                            shipment_id, occurred_at, statement, signature, disclosures)
                        SELECT seq, id, block_height, kind, signer, record_id, CASE WHEN has_product THEN product END,
                               CASE WHEN has_lot THEN lot END, CASE WHEN has_facility THEN facility END,
                               CASE WHEN has_shipment THEN shipment_id END, occurred_at, statement, signature, disclosures
                        FROM unnest($1::int8[], $2::bytea[], $3::int8[], $4::text[], $5::text[], $6::text[],
                                    $7::text[], $8::bool[], $9::text[], $10::bool[], $11::text[], $12::bool[],
                                    $13::text[], $14::bool[], $15::text[], $16::bytea[], $17::bytea[], $18::bytea[])
                             AS u(seq, id, block_height, kind, signer, record_id, product, has_product, lot, has_lot,
                                  facility, has_facility, shipment_id, has_shipment, occurred_at, statement, signature,
                                  disclosures)
                        """, binds: binds), logger: logger)
        }
        if !lotInputs.isEmpty {
            try await connection.query(
                """
                INSERT INTO lot_inputs (lot, seq) SELECT * FROM unnest(\(lotInputs.map(\.lot))::text[], \
                \(lotInputs.map(\.index))::int8[])
                """, logger: logger)
        }
        let stored = nodes.filter { $0.0.level >= PostgresSchema.lowestStoredMerkleLevel }
        if !stored.isEmpty {
            try await connection.query(
                """
                INSERT INTO merkle_nodes (level, idx, hash) SELECT * FROM unnest(\(stored.map(\.0.level))::int8[], \
                \(stored.map(\.0.index))::int8[], \(stored.map { ByteBuffer(bytes: $0.1.bytes) })::bytea[])
                """, logger: logger)
        }
    }

    /// Writes the block row, the participants it changed, its checkpoint and the new head.
    private func insert(_ seal: BlockSeal, on connection: PostgresConnection) async throws {
        let block = seal.block
        try await connection.query(
            """
            INSERT INTO blocks (height, hash, header, signature, first_index, event_count) VALUES (\(block.height), \
            \(ByteBuffer(bytes: block.hash)), \(ByteBuffer(bytes: block.header)), \(ByteBuffer(bytes: block.signature)), \
            \(block.firstIndex), \(block.eventCount))
            """, logger: logger)
        for participant in seal.participants {
            try await connection.query(
                """
                INSERT INTO participants (id, name, role, public_key, registered_at, revoked_at) VALUES \
                (\(participant.id), \(participant.name), \(participant.role.rawValue), \
                \(ByteBuffer(bytes: participant.publicKey.rawRepresentation)), \(participant.registeredAt), \
                \(participant.revokedAt)) ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at
                """, logger: logger)
        }
        try await connection.query(
            """
            INSERT INTO checkpoints (size, root, note) VALUES (\(seal.checkpoint.size), \
            \(ByteBuffer(bytes: seal.checkpoint.root)), \(seal.checkpoint.note))
            """, logger: logger)
        try await connection.query("UPDATE ledger_head SET height = \(block.height) WHERE id = 0", logger: logger)
    }

    // MARK: - Lookups shared with the block transaction

    // Each lookup probes an index once per key (a `LATERAL` subquery over the keys, whose `LIMIT` keeps the planner
    // from turning it into a join), whatever the planner's statistics say: inside a large block they lag far behind
    // the rows the transaction has written, and a plan that scans every event of a signer or of a kind, chosen for a
    // small table, would make each chunk of an ingest slower than the last.

    static func eventsQuery(signer: String, recordIDs: [String]) -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                SELECT \(eventColumns) FROM unnest($2::text[]) AS wanted(record_id) CROSS JOIN LATERAL (
                    SELECT * FROM events WHERE signer = $1 AND record_id = wanted.record_id LIMIT 1
                ) AS events
                """, binds: bindings(signer, keys(recordIDs)))
    }

    static func latestFacilityEventsQuery(_ facilities: [String]) -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                SELECT \(eventColumns) FROM unnest($1::text[]) AS wanted(facility) CROSS JOIN LATERAL (
                    SELECT * FROM events WHERE kind = 'facility' AND facility = wanted.facility ORDER BY seq DESC LIMIT 1
                ) AS events
                """, binds: bindings(keys(facilities)))
    }

    static func lotMakersQuery(_ lots: [String]) -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                SELECT events.lot, events.signer FROM unnest($1::text[]) AS wanted(lot) CROSS JOIN LATERAL (
                    SELECT lot, signer FROM events WHERE lot = wanted.lot AND kind IN ('produce', 'transform')
                    ORDER BY seq LIMIT 1
                ) AS events
                """, binds: bindings(keys(lots)))
    }

    /// The keys to look up, each once, in order (neighbouring probes of the index).
    private static func keys(_ values: [String]) -> [String] {
        Array(Set(values)).sorted()
    }

    static func eventsQuery(kind: String) -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: "SELECT \(eventColumns) FROM events WHERE kind = $1 ORDER BY seq", binds: bindings(kind))
    }

    static func facilityEvents(_ rows: [PostgresRow]) throws -> [String: EventRecord] {
        var found = [String: EventRecord]()
        for row in rows {
            let event = try Self.event(row)
            if let facility = event.columns.facility { found[facility] = event }
        }
        return found
    }

    static func lotMakers(_ rows: [PostgresRow]) throws -> [String: String] {
        var found = [String: String]()
        for row in rows {
            let (lot, signer) = try row.decode((String, String).self)
            found[lot] = signer
        }
        return found
    }

    /// Bindings of `values`, in order.
    static func bindings(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        return binds
    }

    public func latestFacilityEvents(_ facilities: [String]) async throws(LedgerError) -> [String: EventRecord] {
        let rows = try await rows("looking up facilities", Self.latestFacilityEventsQuery(facilities))
        return try Self.decoding("looking up facilities") { try Self.facilityEvents(rows) }
    }

    public func lotMakers(_ lots: [String]) async throws(LedgerError) -> [String: String] {
        let rows = try await rows("looking up lots", Self.lotMakersQuery(lots))
        return try Self.decoding("looking up lots") { try Self.lotMakers(rows) }
    }

    public func events(kind: String) async throws(LedgerError) -> [EventRecord] {
        try await fetch("reading \(kind) events", Self.eventsQuery(kind: kind), Self.event)
    }

    /// Runs `body`, turning a decoding failure into an error that says `what` failed.
    static func decoding<T>(_ what: String, _ body: () throws -> T) throws(LedgerError) -> T {
        do {
            return try body()
        } catch {
            throw storageError(error, what)
        }
    }

    // MARK: - Reports

    public func saveReport(_ report: ReportRecord) async throws(LedgerError) {
        _ = try await rows(
            "storing a report",
            """
            INSERT INTO reports (digest, anchor_seq, body) VALUES (\(ByteBuffer(bytes: report.digest.bytes)), \
            \(report.anchorIndex), \(ByteBuffer(bytes: report.body))) ON CONFLICT DO NOTHING
            """)
    }

    public func reports() async throws(LedgerError) -> [ReportRecord] {
        let rows = try await fetch(
            "reading reports", "SELECT digest, anchor_seq, body FROM reports ORDER BY anchor_seq"
        ) { row in
            try row.decode((ByteBuffer, Int, ByteBuffer).self)
        }
        var reports = [ReportRecord]()
        for (digest, anchor, body) in rows {
            guard let digest = Digest(Self.bytes(digest)) else {
                throw LedgerError(.tampered, "a stored report's digest is not 32 bytes")
            }
            reports.append(ReportRecord(digest: digest, anchorIndex: anchor, body: Self.bytes(body)))
        }
        return reports
    }

    public func saveReportFiles(_ files: [ReportFile]) async throws(LedgerError) {
        guard !files.isEmpty else { return }
        _ = try await rows(
            "storing a report's files",
            """
            INSERT INTO report_files (report, name, body)
            SELECT * FROM unnest(\(files.map { ByteBuffer(bytes: $0.report.bytes) })::bytea[], \
            \(files.map(\.name))::text[], \(files.map { ByteBuffer(bytes: $0.body) })::bytea[])
            ON CONFLICT DO NOTHING
            """)
    }

    public func reportFiles(of report: Digest) async throws(LedgerError) -> [ReportFile] {
        try await fetch(
            "reading a report's files",
            "SELECT name, body FROM report_files WHERE report = \(ByteBuffer(bytes: report.bytes)) ORDER BY name"
        ) { row in
            let (name, body) = try row.decode((String, ByteBuffer).self)
            return ReportFile(report: report, name: name, body: Self.bytes(body))
        }
    }

    // MARK: - Blocks and events

    public func head() async throws(LedgerError) -> BlockRecord? {
        try await fetch(
            "reading the head block", "SELECT \(unescaped: Self.blockColumns) FROM blocks ORDER BY height DESC LIMIT 1",
            Self.block
        ).first
    }

    public func blocks(_ heights: Range<Int>) async throws(LedgerError) -> [BlockRecord] {
        try await fetch(
            "reading blocks",
            """
            SELECT \(unescaped: Self.blockColumns) FROM blocks WHERE height >= \(heights.lowerBound) \
            AND height < \(heights.upperBound) ORDER BY height
            """, Self.block)
    }

    public func events(_ indexes: Range<Int>) async throws(LedgerError) -> [EventRecord] {
        try await fetch(
            "reading events",
            """
            SELECT \(unescaped: Self.eventColumns) FROM events WHERE seq >= \(indexes.lowerBound) \
            AND seq < \(indexes.upperBound) ORDER BY seq
            """, Self.event)
    }

    public func events(at indexes: [Int]) async throws(LedgerError) -> [EventRecord] {
        try await fetch(
            "reading events",
            "SELECT \(unescaped: Self.eventColumns) FROM events WHERE seq = ANY(\(indexes)::int8[]) ORDER BY seq",
            Self.event)
    }

    public func eventBodies(_ indexes: Range<Int>, kinds: [String]) async throws(LedgerError) -> [EventBody] {
        try await fetch(
            "reading events",
            """
            SELECT seq, statement, disclosures FROM events WHERE seq >= \(indexes.lowerBound) \
            AND seq < \(indexes.upperBound) AND kind = ANY(\(kinds)::text[]) ORDER BY seq
            """
        ) { row in
            let (index, statement, disclosures) = try row.decode((Int, ByteBuffer, ByteBuffer).self)
            return EventBody(index: index, statement: Self.bytes(statement), disclosures: Self.bytes(disclosures))
        }
    }

    public func event(id: Digest) async throws(LedgerError) -> EventRecord? {
        try await fetch(
            "looking up an event",
            "SELECT \(unescaped: Self.eventColumns) FROM events WHERE id = \(ByteBuffer(bytes: id.bytes))", Self.event
        ).first
    }

    public func events(signer: String, recordIDs: [String]) async throws(LedgerError) -> [EventRecord] {
        try await fetch("looking up records", Self.eventsQuery(signer: signer, recordIDs: recordIDs), Self.event)
    }

    public func events(touchingLots lots: [String]) async throws(LedgerError) -> [EventRecord] {
        try await fetch(
            "looking up lots",
            """
            SELECT \(unescaped: Self.eventColumns) FROM events WHERE events.seq IN (
                SELECT seq FROM events WHERE lot = ANY(\(lots)::text[])
                UNION SELECT seq FROM lot_inputs WHERE lot = ANY(\(lots)::text[])
            ) ORDER BY events.seq
            """, Self.event)
    }

    public func lots(ofProduct product: String) async throws(LedgerError) -> [String] {
        try await fetch(
            "looking up a product",
            "SELECT DISTINCT lot FROM events WHERE product = \(product) AND lot IS NOT NULL ORDER BY lot"
        ) { row in
            try row.decode(String.self)
        }
    }

    public func eventCount(ofProducts products: [String]) async throws(LedgerError) -> Int {
        try await fetch(
            "counting a product's events", "SELECT COUNT(*) FROM events WHERE product = ANY(\(products)::text[])"
        ) { row in
            try row.decode(Int.self)
        }.first ?? 0
    }

    public func events(ofProducts products: [String], after: Int?, offset: Int, limit: Int) async throws(LedgerError)
        -> [EventRecord]
    {
        let order = PostgresSchema.productTimeKey
        var key: String?
        if let after {
            key = try await fetch(
                "reading a product's events",
                """
                SELECT \(unescaped: order) FROM events WHERE seq = \(after) AND product = ANY(\(products)::text[])
                """
            ) { row in
                try row.decode(String.self)
            }.first
            guard key != nil else {
                throw LedgerError(
                    .notFound,
                    "no event of product '\(products.first ?? "")' has the ledger index \(after); after is the next_after of a page"
                )
            }
        }
        // One ordered range of the product index per name, each cut at the page's end, merged: `product = ANY(…)`
        // would read every event of the names and sort them (an index scan over an array gives no order here).
        var binds = PostgresBindings(capacity: products.count + 2)
        var branches = [String]()
        if let key, let after {
            binds.append(key)
            binds.append(after)
        }
        for product in products {
            binds.append(product)
            // The first condition is a range on the index; the second drops the events of the same instant up to
            // `after`.
            let range = key == nil ? "" : " AND \(order) >= $1 AND (\(order) > $1 OR seq > $2)"
            branches.append(
                """
                (SELECT \(Self.eventColumns), \(order) AS order_key FROM events \
                WHERE product = $\(binds.count)\(range) ORDER BY \(order), seq LIMIT \(offset + limit))
                """)
        }
        return try await fetch(
            "reading a product's events",
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.eventColumns.replacingOccurrences(of: "events.", with: "page.")) FROM (
                        \(branches.joined(separator: " UNION ALL "))
                    ) AS page ORDER BY page.order_key, page.seq LIMIT \(limit) OFFSET \(offset)
                    """, binds: binds), Self.event)
    }

    public func transformations(producing lots: [String]) async throws(LedgerError) -> [TransformationEdge] {
        try await transformations(
            "following transformations back",
            """
            SELECT events.seq, events.lot, lot_inputs.lot FROM events LEFT JOIN lot_inputs ON lot_inputs.seq = events.seq
            WHERE events.kind = 'transform' AND events.lot = ANY(\(lots)::text[]) ORDER BY events.seq, lot_inputs.lot
            """)
    }

    public func transformations(consuming lots: [String]) async throws(LedgerError) -> [TransformationEdge] {
        try await transformations(
            "following transformations forward",
            """
            SELECT events.seq, events.lot, lot_inputs.lot FROM events LEFT JOIN lot_inputs ON lot_inputs.seq = events.seq
            WHERE events.seq IN (SELECT seq FROM lot_inputs WHERE lot = ANY(\(lots)::text[]))
                AND events.lot IS NOT NULL
            ORDER BY events.seq, lot_inputs.lot
            """)
    }

    /// The transformations whose rows `query` selects (each transformation's ledger index and lot, with each of its
    /// inputs or none, in ledger order then by input), one round trip per step of a history's walk.
    private func transformations(_ what: String, _ query: PostgresQuery) async throws(LedgerError)
        -> [TransformationEdge]
    {
        var edges = [(index: Int, output: String, inputs: [String])]()
        for (index, output, input) in try await fetch(
            what, query, { row in try row.decode((Int, String, String?).self) })
        {
            if edges.last?.index != index { edges.append((index, output, [])) }
            if let input { edges[edges.count - 1].inputs.append(input) }
        }
        return edges.map { TransformationEdge(index: $0.index, output: $0.output, inputs: $0.inputs) }
    }

    public func lotInputs(_ indexes: Range<Int>) async throws(LedgerError) -> [LotInput] {
        try await fetch(
            "reading the lot index",
            """
            SELECT lot, seq FROM lot_inputs WHERE seq >= \(indexes.lowerBound) AND seq < \(indexes.upperBound) \
            ORDER BY seq, lot
            """
        ) { row in
            let (lot, index) = try row.decode((String, Int).self)
            return LotInput(index: index, lot: lot)
        }
    }

    // MARK: - Merkle nodes

    public var lowestStoredMerkleLevel: Int { PostgresSchema.lowestStoredMerkleLevel }

    public func merkleNodes(_ ids: [Merkle.NodeID]) async throws(LedgerError) -> [Merkle.NodeID: Digest] {
        let stored = ids.filter { $0.level >= PostgresSchema.lowestStoredMerkleLevel }
        var nodes = [Merkle.NodeID: Digest]()
        if !stored.isEmpty {
            let rows = try await fetch(
                "reading Merkle nodes",
                """
                SELECT level, idx, hash FROM merkle_nodes WHERE (level, idx) IN (
                    SELECT * FROM unnest(\(stored.map(\.level))::int8[], \(stored.map(\.index))::int8[]))
                """
            ) { row in try row.decode((Int, Int, ByteBuffer).self) }
            for (level, index, hash) in rows {
                if let digest = Digest(Self.bytes(hash)) { nodes[Merkle.NodeID(level: level, index: index)] = digest }
            }
        }
        // A node below the stored levels is computed from the IDs of the events it covers; one some of whose events
        // are missing is left out.
        for id in ids where id.level < PostgresSchema.lowestStoredMerkleLevel {
            let first = id.index << id.level
            let count = 1 << id.level
            let leaves = try await fetch(
                "reading Merkle nodes",
                "SELECT id FROM events WHERE seq >= \(first) AND seq < \(first + count) ORDER BY seq"
            ) { row in Merkle.leafHash(Self.bytes(try row.decode(ByteBuffer.self))) }
            if leaves.count == count { nodes[id] = Merkle.root(leafHashes: leaves) }
        }
        return nodes
    }

    public func merkleNodes(level: Int, indexes: Range<Int>) async throws(LedgerError) -> [Merkle.NodeID: Digest] {
        let rows = try await fetch(
            "reading Merkle nodes",
            """
            SELECT idx, hash FROM merkle_nodes WHERE level = \(level) AND idx >= \(indexes.lowerBound) \
            AND idx < \(indexes.upperBound)
            """
        ) { row in try row.decode((Int, ByteBuffer).self) }
        var nodes = [Merkle.NodeID: Digest]()
        for (index, hash) in rows {
            // A hash of the wrong length is kept as all-zero so that verification reports it.
            nodes[Merkle.NodeID(level: level, index: index)] = Digest(Self.bytes(hash)) ?? .zero
        }
        return nodes
    }

    public func merkleNodeCount() async throws(LedgerError) -> Int {
        try await fetch("counting Merkle nodes", "SELECT COUNT(*) FROM merkle_nodes") { row in
            try row.decode(Int.self)
        }.first ?? 0
    }

    // MARK: - Participants and checkpoints

    public func participants() async throws(LedgerError) -> [Participant] {
        let rows = try await fetch(
            "reading participants",
            "SELECT id, name, role, public_key, registered_at, revoked_at FROM participants ORDER BY registered_at"
        ) { row in try row.decode((String, String, String, ByteBuffer, Int, Int?).self) }
        var participants = [Participant]()
        for (id, name, roleName, keyBytes, registeredAt, revokedAt) in rows {
            guard let role = ParticipantRole(rawValue: roleName),
                let key = try? Ed25519.PublicKey(rawRepresentation: Self.bytes(keyBytes))
            else {
                throw LedgerError(
                    .tampered, "participant '\(id)' has a malformed role or key", context: ["participants table"])
            }
            participants.append(
                Participant(
                    id: id, name: name, role: role, publicKey: key, registeredAt: registeredAt, revokedAt: revokedAt))
        }
        return participants
    }

    public func checkpoint(size: Int) async throws(LedgerError) -> CheckpointRecord? {
        try await fetch(
            "reading a checkpoint", "SELECT size, root, note FROM checkpoints WHERE size = \(size)", Self.checkpoint
        ).first
    }

    public func latestCheckpoint() async throws(LedgerError) -> CheckpointRecord? {
        try await fetch(
            "reading the latest checkpoint", "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
            Self.checkpoint
        ).first
    }

    public func checkpointCount() async throws(LedgerError) -> Int {
        try await fetch("counting checkpoints", "SELECT COUNT(*) FROM checkpoints") { row in
            try row.decode(Int.self)
        }.first ?? 0
    }

    // MARK: - Row mapping

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }

    static let blockColumns = "height, hash, header, signature, first_index, event_count"

    static func block(_ row: PostgresRow) throws -> BlockRecord {
        let (height, hash, header, signature, firstIndex, eventCount) = try row.decode(
            (Int, ByteBuffer, ByteBuffer, ByteBuffer, Int, Int).self)
        return BlockRecord(
            height: height, hash: bytes(hash), header: bytes(header), signature: bytes(signature),
            firstIndex: firstIndex, eventCount: eventCount)
    }

    /// The columns ``event(_:)`` reads, in its order.
    static let eventColumns = [
        "seq", "block_height", "id", "statement", "signature", "disclosures", "kind", "signer", "record_id", "product",
        "lot", "facility", "shipment_id", "occurred_at",
    ].map { "events." + $0 }.joined(separator: ", ")

    /// An event from a row of ``eventColumns``.
    static func event(_ row: PostgresRow) throws -> EventRecord {
        let (
            index, blockHeight, id, statement, signature, disclosures, kind, signer, recordID, product, lot, facility,
            shipmentID, occurredAt
        ) = try row.decode(
            (
                Int, Int, ByteBuffer, ByteBuffer, ByteBuffer, ByteBuffer, String, String, String, String?, String?,
                String?, String?, String
            ).self)
        return EventRecord(
            index: index, blockHeight: blockHeight, id: bytes(id), statement: bytes(statement),
            signature: bytes(signature), disclosures: bytes(disclosures),
            columns: IndexColumns(
                kind: kind, signer: signer, recordID: recordID, product: product, lot: lot, facility: facility,
                shipmentID: shipmentID, occurredAt: occurredAt))
    }

    static func checkpoint(_ row: PostgresRow) throws -> CheckpointRecord {
        let (size, root, note) = try row.decode((Int, ByteBuffer, String).self)
        return CheckpointRecord(size: size, root: bytes(root), note: note)
    }
}

/// The writer's view of a block being appended, valid only inside ``PostgresLedgerStore/appendBlock(height:_:)``, on
/// its block queue: each call waits for the database on the connection that holds the block's transaction, except
/// that rows handed to ``insert(events:lotInputs:nodes:)`` are written while the body goes on (reading and checking
/// the next chunk of a file, say) and waited for by the next call, or by ``finishWriting()`` before the block is
/// sealed. The server runs a connection's queries in order, so a lookup never overtakes a write.
private final class PostgresBlockTransaction: BlockTransaction, @unchecked Sendable {
    let store: PostgresLedgerStore
    let connection: PostgresConnection
    /// The rows being written, whose outcome nothing has waited for yet.
    private var writing: BlockingOperation<Void>?

    init(store: PostgresLedgerStore, connection: PostgresConnection) {
        self.store = store
        self.connection = connection
    }

    /// The error of an operation (`what`) that waits on the transaction's connection once it has closed.
    private func closed(_ what: String) -> () -> LedgerError? { store.closedConnection(what, connection) }

    /// Starts `operation` on the transaction's connection.
    private func start<T: Sendable>(
        _ what: String, _ operation: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) -> BlockingOperation<T> {
        let connection = connection
        let logger = store.logger
        return BlockingOperation { () async throws(LedgerError) in
            do {
                return try await operation(connection, logger)
            } catch {
                throw PostgresLedgerStore.storageError(error, what)
            }
        }
    }

    /// Runs `operation` on the transaction's connection, once the rows being written are, and blocks this thread
    /// (the block queue's) until it ends.
    private func wait<T: Sendable>(
        _ what: String, _ operation: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) throws(LedgerError) -> T {
        try finishWriting()
        return try start(what, operation).wait(abandoned: closed(what))
    }

    /// Waits for the rows being written, if any, and throws the error that writing them met.
    func finishWriting() throws(LedgerError) {
        guard let writing else { return }
        self.writing = nil
        try writing.wait(abandoned: closed("writing events"))
    }

    private func rows(_ what: String, _ query: PostgresQuery) throws(LedgerError) -> [PostgresRow] {
        try wait(what) { connection, logger in try await connection.query(query, logger: logger).collect() }
    }

    func events(signer: String, recordIDs: [String]) throws(LedgerError) -> [EventRecord] {
        let rows = try rows("looking up records", PostgresLedgerStore.eventsQuery(signer: signer, recordIDs: recordIDs))
        return try PostgresLedgerStore.decoding("looking up records") { try rows.map(PostgresLedgerStore.event) }
    }

    func latestFacilityEvents(_ facilities: [String]) throws(LedgerError) -> [String: EventRecord] {
        let rows = try rows("looking up facilities", PostgresLedgerStore.latestFacilityEventsQuery(facilities))
        return try PostgresLedgerStore.decoding("looking up facilities") {
            try PostgresLedgerStore.facilityEvents(rows)
        }
    }

    func lotMakers(_ lots: [String]) throws(LedgerError) -> [String: String] {
        let rows = try rows("looking up lots", PostgresLedgerStore.lotMakersQuery(lots))
        return try PostgresLedgerStore.decoding("looking up lots") { try PostgresLedgerStore.lotMakers(rows) }
    }

    func events(kind: String) throws(LedgerError) -> [EventRecord] {
        let rows = try rows("reading \(kind) events", PostgresLedgerStore.eventsQuery(kind: kind))
        return try PostgresLedgerStore.decoding("reading \(kind) events") { try rows.map(PostgresLedgerStore.event) }
    }

    /// Starts writing the rows and returns: the next call waits for them.
    func insert(events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)]) throws(LedgerError) {
        try finishWriting()
        let store = store
        writing = start("writing events") { connection, _ in
            try await store.insertRows(events: events, lotInputs: lotInputs, nodes: nodes, on: connection)
        }
    }
}
