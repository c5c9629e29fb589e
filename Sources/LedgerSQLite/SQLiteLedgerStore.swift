public import LedgerStorage
public import LedgerCore
public import LedgerCrypto
internal import GRDB
internal import Foundation

/// The default ledger store: one SQLite file through GRDB, in WAL mode, one transaction per block.
public final class SQLiteLedgerStore: LedgerStore {
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens (or, with `create`, creates) the SQLite file at `path` and brings its schema up to date.
    ///
    /// `mappedReads` lets the reading connections map up to that many bytes of the file into memory
    /// (SQLite's `mmap_size`) instead of copying pages through `read`: about a tenth faster for a
    /// server reading scattered events of a large ledger. The mapped pages count in the process's
    /// resident memory, so bulk jobs leave it at 0. Writes never go through the map.
    public init(path: String, create: Bool = false, mappedReads: Int = 0) throws(LedgerError) {
        self.path = path
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw LedgerError(.notFound, "no ledger at \(path)")
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL is durable against application crashes and keeps every
            // committed block; a power loss can lose only the last blocks, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A new file gets larger pages (see `pageSize`); an existing one keeps its own, as SQLite
            // changes the page size only of an empty database that is not yet in WAL mode.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)") }
            if mappedReads > 0, db.configuration.readonly { try db.execute(sql: "PRAGMA mmap_size = \(mappedReads)") }
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw Self.storageError(error, "cannot open the ledger at \(path)")
        }
    }

    static func storageError(_ error: any Error, _ what: String) -> LedgerError {
        if let ledgerError = error as? LedgerError { return ledgerError }
        if let databaseError = error as? DatabaseError {
            // The message names the failing statement's cause, never its bound values.
            return LedgerError(
                .storage,
                "\(what): SQLite error \(databaseError.resultCode.rawValue) (\(databaseError.message ?? "no message"))")
        }
        return LedgerError(.storage, "\(what): \(error)")
    }

    private func read<T: Sendable>(_ what: String, _ body: @Sendable @escaping (Database) throws -> T)
        async throws(LedgerError) -> T
    {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.storageError(error, what)
        }
    }

    // MARK: - Metadata

    public func metadata() async throws(LedgerError) -> LedgerMetadata? {
        let values = try await read("reading ledger metadata") { db in
            var values = [String: String]()
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") {
                values[Self.text(row["key"])] = Self.text(row["value"])
            }
            return values
        }
        return try LedgerMetadata(storedValues: values)
    }

    public func create(_ metadata: LedgerMetadata, genesis: BlockWrite) async throws(LedgerError) {
        do {
            try await pool.write { db in
                let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM meta") ?? 0
                guard existing == 0 else {
                    throw LedgerError(.alreadyExists, "the database already holds a ledger")
                }
                for (key, value) in metadata.storedValues {
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
                }
                try Self.write(genesis, expectingHeight: 0, in: db)
            }
        } catch {
            throw Self.storageError(error, "cannot create the ledger")
        }
    }

    // MARK: - Appending

    public func append(_ write: BlockWrite) async throws(LedgerError) {
        do {
            try await pool.write { db in
                try Self.write(write, expectingHeight: write.block.height, in: db)
            }
        } catch {
            throw Self.storageError(error, "cannot append block \(write.block.height)")
        }
    }

    /// The page size of a new ledger file, in bytes (SQLite's default is 4096). An event row is
    /// about 700 bytes, so a 4 KiB page holds five: with 16 KiB pages, SQLite writing the rows of
    /// a 1,000,000-event block (events and their indexes, the WAL and its checkpoint) took about a
    /// third less CPU time and half the system time.
    static let pageSize = 16_384

    /// The writer's page cache while a block is written inside its open transaction, in KiB
    /// (SQLite's default is 2 MiB). With the default, the index pages of a large block (the event ID
    /// index is written in random order) leave the cache and are spilled to the WAL and read back
    /// many times before the commit; 64 MiB halved the system time of a 1,000,000-record ingest and
    /// adds at most that much to its peak memory. The default is restored after the block.
    static let blockCacheKiB = 65_536

    public func appendBlock<T: Sendable>(
        height: Int,
        _ body: @escaping @Sendable (any BlockTransaction) throws(LedgerError) -> (seal: BlockSeal?, result: T)
    ) async throws(LedgerError) -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try Self.withBlockCache(db) {
                    try db.inTransaction(.immediate) {
                        try Self.checkNext(height, in: db)
                        let outcome = try body(SQLiteBlockTransaction(db: db))
                        result = outcome.result
                        guard let seal = outcome.seal else { return .rollback }
                        guard seal.block.height == height else {
                            throw LedgerError(
                                .invalidState, "the sealed block has height \(seal.block.height), not \(height)")
                        }
                        try Self.insert(seal, in: db)
                        return .commit
                    }
                }
                guard let result else {
                    throw LedgerError(.invalidState, "block \(height) was neither committed nor rolled back")
                }
                return result
            }
        } catch {
            throw Self.storageError(error, "cannot append block \(height)")
        }
    }

    /// Runs `body` with the writer's page cache at ``blockCacheKiB``, restored after.
    static func withBlockCache(_ db: Database, _ body: () throws -> Void) throws {
        let previousCacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = \(-blockCacheKiB)")
        // Setting a valid cache size does not fail; the cache shrinks back at once.
        defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCacheSize)") }
        try body()
    }

    private static func write(_ write: BlockWrite, expectingHeight height: Int, in db: Database) throws {
        try checkNext(height, in: db)
        try insertRows(events: write.events, lotInputs: write.lotInputs, nodes: write.nodes, in: db)
        try insert(
            BlockSeal(block: write.block, participants: write.participants, checkpoint: write.checkpoint), in: db)
    }

    /// Refuses to write block `height` unless it is the next one.
    private static func checkNext(_ height: Int, in db: Database) throws {
        let head = try Int.fetchOne(db, sql: "SELECT MAX(height) FROM blocks")
        guard (head.map { $0 + 1 } ?? 0) == height else {
            throw LedgerError(.headMoved, "another writer appended block \(height) first")
        }
    }

    fileprivate static func insertRows(
        events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)], in db: Database
    ) throws {
        let insertEvent = try db.cachedStatement(
            sql: """
                INSERT INTO events (seq, id, block_height, kind, signer, record_id, product, lot, facility, shipment_id,
                                    occurred_at, statement, signature, disclosures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var row = DirectBinding(insertEvent)
        for event in events {
            let c = event.columns
            try row.bind(event.index)
            try row.bind(event.id)
            try row.bind(event.blockHeight)
            try row.bind(c.kind)
            try row.bind(c.signer)
            try row.bind(c.recordID)
            try row.bind(c.product)
            try row.bind(c.lot)
            try row.bind(c.facility)
            try row.bind(c.shipmentID)
            try row.bind(c.occurredAt)
            try row.bind(event.statement)
            try row.bind(event.signature)
            try row.bind(event.disclosures)
            try row.execute(in: db)
        }
        try insertBatched(lotInputs, into: "lot_inputs (lot, seq)", columns: 2, in: db) { entry in
            [entry.lot, entry.index]
        }
        let stored = nodes.filter { $0.0.level >= SQLiteSchema.lowestStoredMerkleLevel }
        try insertBatched(stored, into: "merkle_nodes (level, idx, hash)", columns: 3, in: db) { node in
            [node.0.level, node.0.index, Data(node.1.bytes)]
        }
    }

    /// Rows per multi-row INSERT of ``insertBatched(_:into:columns:in:values:)``.
    private static let insertBatchSize = 64

    /// Inserts one row of `columns` values per element of `rows` into `table` (`name (columns…)`), `insertBatchSize`
    /// rows per statement and the rest one by one: for small rows (lot index entries, Merkle
    /// nodes), executing a statement costs more than the row itself.
    private static func insertBatched<Rows: RandomAccessCollection>(
        _ rows: Rows, into table: String, columns: Int, in db: Database, values: (Rows.Element) -> StatementArguments
    ) throws where Rows.Index == Int {
        guard !rows.isEmpty else { return }
        let tuple = "(" + placeholders(columns) + ")"
        var start = rows.startIndex
        if rows.count >= insertBatchSize {
            let batch = try db.cachedStatement(
                sql: "INSERT INTO \(table) VALUES "
                    + Array(repeating: tuple, count: insertBatchSize).joined(separator: ", "))
            while rows.endIndex - start >= insertBatchSize {
                var arguments = StatementArguments()
                for row in rows[start..<start + insertBatchSize] { arguments += values(row) }
                try batch.execute(arguments: arguments)
                start += insertBatchSize
            }
        }
        let single = try db.cachedStatement(sql: "INSERT INTO \(table) VALUES \(tuple)")
        for row in rows[start...] { try single.execute(arguments: values(row)) }
    }

    /// Writes the block row, the participants it changed and its checkpoint.
    private static func insert(_ seal: BlockSeal, in db: Database) throws {
        let block = seal.block
        try db.execute(
            sql:
                "INSERT INTO blocks (height, hash, header, signature, first_index, event_count) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                block.height, Data(block.hash), Data(block.header), Data(block.signature), block.firstIndex,
                block.eventCount,
            ])
        for participant in seal.participants {
            try db.execute(
                sql: """
                    INSERT INTO participants (id, name, role, public_key, registered_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET revoked_at = excluded.revoked_at
                    """,
                arguments: [
                    participant.id, participant.name, participant.role.rawValue,
                    Data(participant.publicKey.rawRepresentation),
                    participant.registeredAt, participant.revokedAt,
                ])
        }
        try db.execute(
            sql: "INSERT INTO checkpoints (size, root, note) VALUES (?, ?, ?)",
            arguments: [seal.checkpoint.size, Data(seal.checkpoint.root), seal.checkpoint.note])
    }

    fileprivate static func events(signer: String, recordIDs: [String], in db: Database) throws -> [EventRecord] {
        var found = [EventRecord]()
        for chunk in chunks(recordIDs) {
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.eventColumns) FROM events WHERE signer = ? AND record_id IN (\(placeholders(chunk.count)))",
                arguments: StatementArguments([signer] + chunk))
            found.append(contentsOf: rows.map(Self.event))
        }
        return found
    }

    fileprivate static func latestFacilityEvents(_ facilities: [String], in db: Database) throws -> [String:
        EventRecord]
    {
        let statement = try db.cachedStatement(
            sql:
                "SELECT \(Self.eventColumns) FROM events INDEXED BY facility_versions WHERE facility = ? AND kind = 'facility' ORDER BY seq DESC LIMIT 1"
        )
        var found = [String: EventRecord]()
        for facility in facilities {
            if let row = try Row.fetchOne(statement, arguments: [facility]) { found[facility] = Self.event(row) }
        }
        return found
    }

    fileprivate static func lotMakers(_ lots: [String], in db: Database) throws -> [String: String] {
        var found = [String: String]()
        for chunk in chunks(lots) {
            // SQLite takes a bare column of an aggregate query from the row that gave the min().
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT lot, signer, min(seq) FROM events INDEXED BY events_by_lot
                    WHERE lot IN (\(placeholders(chunk.count))) AND kind IN ('produce', 'transform') GROUP BY lot
                    """,
                arguments: StatementArguments(Array(chunk)))
            for row in rows { found[text(row[0])] = text(row[1]) }
        }
        return found
    }

    public func latestFacilityEvents(_ facilities: [String]) async throws(LedgerError) -> [String: EventRecord] {
        try await read("looking up facilities") { db in try Self.latestFacilityEvents(facilities, in: db) }
    }

    public func lotMakers(_ lots: [String]) async throws(LedgerError) -> [String: String] {
        try await read("looking up lots") { db in try Self.lotMakers(lots, in: db) }
    }

    public func events(kind: String) async throws(LedgerError) -> [EventRecord] {
        try await read("reading \(kind) events") { db in try Self.events(kind: kind, in: db) }
    }

    fileprivate static func events(kind: String, in db: Database) throws -> [EventRecord] {
        try Row.fetchAll(
            db, sql: "SELECT \(Self.eventColumns) FROM events WHERE kind = ? ORDER BY seq", arguments: [kind]
        ).map(Self.event)
    }

    // MARK: - Reports

    public func saveReport(_ report: ReportRecord) async throws(LedgerError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO reports (digest, anchor_seq, body) VALUES (?, ?, ?)",
                    arguments: [Data(report.digest.bytes), report.anchorIndex, Data(report.body)])
            }
        } catch {
            throw Self.storageError(error, "storing a report")
        }
    }

    public func reports() async throws(LedgerError) -> [ReportRecord] {
        let rows = try await read("reading reports") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reports ORDER BY anchor_seq").map { row in
                (Self.bytes(row["digest"]), Self.int(row["anchor_seq"]), Self.bytes(row["body"]))
            }
        }
        var reports = [ReportRecord]()
        for (digest, anchor, body) in rows {
            guard let digest = Digest(digest) else {
                throw LedgerError(.tampered, "a stored report's digest is not 32 bytes")
            }
            reports.append(ReportRecord(digest: digest, anchorIndex: anchor, body: body))
        }
        return reports
    }

    public func saveReportFiles(_ files: [ReportFile]) async throws(LedgerError) {
        do {
            try await pool.write { db in
                for file in files {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO report_files (report, name, body) VALUES (?, ?, ?)",
                        arguments: [Data(file.report.bytes), file.name, Data(file.body)])
                }
            }
        } catch {
            throw Self.storageError(error, "storing a report's files")
        }
    }

    public func reportFiles(of report: Digest) async throws(LedgerError) -> [ReportFile] {
        try await read("reading a report's files") { db in
            try Row.fetchAll(
                db, sql: "SELECT name, body FROM report_files WHERE report = ? ORDER BY name",
                arguments: [Data(report.bytes)]
            ).map { row in ReportFile(report: report, name: Self.text(row["name"]), body: Self.bytes(row["body"])) }
        }
    }

    // MARK: - Blocks and events

    public func head() async throws(LedgerError) -> BlockRecord? {
        try await read("reading the head block") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM blocks ORDER BY height DESC LIMIT 1").map(Self.block)
        }
    }

    public func blocks(_ heights: Range<Int>) async throws(LedgerError) -> [BlockRecord] {
        try await read("reading blocks") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM blocks WHERE height >= ? AND height < ? ORDER BY height",
                arguments: [heights.lowerBound, heights.upperBound]
            ).map(Self.block)
        }
    }

    public func events(_ indexes: Range<Int>) async throws(LedgerError) -> [EventRecord] {
        try await read("reading events") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.eventColumns) FROM events WHERE seq >= ? AND seq < ? ORDER BY seq",
                arguments: [indexes.lowerBound, indexes.upperBound]
            ).map(Self.event)
        }
    }

    public func events(at indexes: [Int]) async throws(LedgerError) -> [EventRecord] {
        try await read("reading events") { db in
            var records = [EventRecord]()
            for chunk in Self.chunks(indexes) {
                records += try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(Self.eventColumns) FROM events WHERE seq IN (\(Self.placeholders(chunk.count))) ORDER BY seq",
                    arguments: StatementArguments(Array(chunk))
                ).map(Self.event)
            }
            return records.sorted { $0.index < $1.index }
        }
    }

    public func eventBodies(_ indexes: Range<Int>, kinds: [String]) async throws(LedgerError) -> [EventBody] {
        let placeholders = Self.placeholders(kinds.count)
        return try await read("reading events") { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT seq, statement, disclosures FROM events WHERE seq >= ? AND seq < ? AND kind IN (\(placeholders)) ORDER BY seq",
                arguments: StatementArguments(
                    [indexes.lowerBound, indexes.upperBound] + kinds.map { $0 as any DatabaseValueConvertible })
            ).map { row in
                EventBody(index: Self.int(row[0]), statement: Self.bytes(row[1]), disclosures: Self.bytes(row[2]))
            }
        }
    }

    public func event(id: Digest) async throws(LedgerError) -> EventRecord? {
        try await read("looking up an event") { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.eventColumns) FROM events WHERE id = ?", arguments: [Data(id.bytes)]
            ).map(Self.event)
        }
    }

    public func events(signer: String, recordIDs: [String]) async throws(LedgerError) -> [EventRecord] {
        try await read("looking up records") { db in try Self.events(signer: signer, recordIDs: recordIDs, in: db) }
    }

    public func events(touchingLots lots: [String]) async throws(LedgerError) -> [EventRecord] {
        try await read("looking up lots") { db in
            var seen = Set<Int>()
            var found = [EventRecord]()
            let ownLot = try db.cachedStatement(sql: "SELECT \(Self.eventColumns) FROM events WHERE lot = ?")
            let inputLot = try db.cachedStatement(
                sql:
                    "SELECT \(Self.eventColumns) FROM lot_inputs JOIN events ON events.seq = lot_inputs.seq WHERE lot_inputs.lot = ?"
            )
            for lot in lots {
                for row in try Row.fetchAll(ownLot, arguments: [lot]) + Row.fetchAll(inputLot, arguments: [lot]) {
                    let event = Self.event(row)
                    if seen.insert(event.index).inserted { found.append(event) }
                }
            }
            return found.sorted { $0.index < $1.index }
        }
    }

    public func lots(ofProduct product: String) async throws(LedgerError) -> [String] {
        try await read("looking up a product") { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT lot FROM events WHERE product = ? AND lot IS NOT NULL ORDER BY lot",
                arguments: [product]
            )
            .map { Self.text($0["lot"]) }
        }
    }

    public func eventCount(ofProducts products: [String]) async throws(LedgerError) -> Int {
        try await read("counting a product's events") { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events WHERE product IN (\(Self.placeholders(products.count)))",
                arguments: StatementArguments(products)) ?? 0
        }
    }

    public func events(ofProducts products: [String], after: Int?, offset: Int, limit: Int) async throws(LedgerError)
        -> [EventRecord]
    {
        try await read("reading a product's events") { db in
            let order = SQLiteSchema.productTimeKey
            // One name is an equality on the product index; a few (a product's code and GTINs) a union of ranges.
            let named = "product IN (\(Self.placeholders(products.count)))"
            let names = products.map { $0 as any DatabaseValueConvertible }
            guard let after else {
                return try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(Self.eventColumns) FROM events WHERE \(named) ORDER BY \(order), seq LIMIT ? OFFSET ?",
                    arguments: StatementArguments(names + [limit, offset])
                ).map(Self.event)
            }
            guard
                let key = try String.fetchOne(
                    db, sql: "SELECT \(order) FROM events WHERE seq = ? AND \(named)",
                    arguments: StatementArguments([after] + names))
            else {
                throw LedgerError(
                    .notFound,
                    "no event of product '\(products.first ?? "")' has the ledger index \(after); after is the next_after of a page"
                )
            }
            // The first condition is a range on the index; the second drops the events of the same
            // instant up to `after`.
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM events
                    WHERE \(named) AND \(order) >= ? AND (\(order) > ? OR seq > ?)
                    ORDER BY \(order), seq LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(names + [key, key, after, limit, offset])
            ).map(Self.event)
        }
    }

    public func transformations(producing lots: [String]) async throws(LedgerError) -> [TransformationEdge] {
        // The index is named: without statistics SQLite would pick the one on kind and read every transform.
        try await transformations(lots, "following transformations back") { placeholders in
            "SELECT seq FROM events INDEXED BY transforms_by_lot WHERE kind = 'transform' AND lot IN (\(placeholders))"
        }
    }

    public func transformations(consuming lots: [String]) async throws(LedgerError) -> [TransformationEdge] {
        try await transformations(lots, "following transformations forward") { placeholders in
            "SELECT seq FROM lot_inputs WHERE lot IN (\(placeholders))"
        }
    }

    /// The transformations whose ledger indexes `query` selects for a chunk of `lots` (given the
    /// chunk's placeholders).
    private func transformations(
        _ lots: [String], _ what: String, query: @escaping @Sendable (String) -> String
    ) async throws(LedgerError) -> [TransformationEdge] {
        try await read(what) { db in
            var indexes = [Int]()
            for chunk in Self.chunks(lots) {
                indexes += try Int.fetchAll(
                    db, sql: query(Self.placeholders(chunk.count)), arguments: StatementArguments(chunk))
            }
            return try Self.transformations(indexes, in: db)
        }
    }

    /// The transformations at ledger indexes `indexes`, from their lot columns and lot index rows,
    /// in ledger order.
    private static func transformations(_ indexes: [Int], in db: Database) throws -> [TransformationEdge] {
        var outputs = [Int: String]()
        var inputs = [Int: [String]]()
        for chunk in chunks(Array(Set(indexes)).sorted()) {
            let arguments = StatementArguments(chunk)
            for row in try Row.fetchAll(
                db, sql: "SELECT seq, lot FROM events WHERE seq IN (\(placeholders(chunk.count))) AND lot IS NOT NULL",
                arguments: arguments)
            {
                outputs[int(row["seq"])] = text(row["lot"])
            }
            for row in try Row.fetchAll(
                db,
                sql: "SELECT seq, lot FROM lot_inputs WHERE seq IN (\(placeholders(chunk.count))) ORDER BY seq, lot",
                arguments: arguments)
            {
                inputs[int(row["seq"]), default: []].append(text(row["lot"]))
            }
        }
        return outputs.keys.sorted().compactMap { index in
            outputs[index].map { TransformationEdge(index: index, output: $0, inputs: inputs[index] ?? []) }
        }
    }

    /// `values` in chunks that stay well below SQLite's limit on bound parameters.
    private static func chunks<Value>(_ values: [Value]) -> [ArraySlice<Value>] {
        stride(from: 0, to: values.count, by: 500).map { values[$0..<min(values.count, $0 + 500)] }
    }

    /// `?,?,…`, `count` times.
    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    public func lotInputs(_ indexes: Range<Int>) async throws(LedgerError) -> [LotInput] {
        try await read("reading the lot index") { db in
            try Row.fetchAll(
                db, sql: "SELECT lot, seq FROM lot_inputs WHERE seq >= ? AND seq < ? ORDER BY seq, lot",
                arguments: [indexes.lowerBound, indexes.upperBound]
            ).map { row in LotInput(index: Self.int(row["seq"]), lot: Self.text(row["lot"])) }
        }
    }

    // MARK: - Merkle nodes

    public var lowestStoredMerkleLevel: Int { SQLiteSchema.lowestStoredMerkleLevel }

    public func merkleNodes(_ ids: [Merkle.NodeID]) async throws(LedgerError) -> [Merkle.NodeID: Digest] {
        try await read("reading Merkle nodes") { db in
            var nodes = [Merkle.NodeID: Digest]()
            let statement = try db.cachedStatement(sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")
            for id in ids where id.level >= SQLiteSchema.lowestStoredMerkleLevel {
                if let row = try Row.fetchOne(statement, arguments: [id.level, id.index]),
                    let digest = Digest(Self.bytes(row["hash"]))
                {
                    nodes[id] = digest
                }
            }
            try Self.computeLowNodes(
                ids.filter { $0.level < SQLiteSchema.lowestStoredMerkleLevel }, into: &nodes, in: db)
            return nodes
        }
    }

    /// Computes the nodes `ids` (below the lowest stored level) from the IDs of the events they
    /// cover; a node some of whose events are missing is left out.
    private static func computeLowNodes(
        _ ids: [Merkle.NodeID], into nodes: inout [Merkle.NodeID: Digest], in db: Database
    ) throws {
        guard !ids.isEmpty else { return }
        let statement = try db.cachedStatement(sql: "SELECT id FROM events WHERE seq >= ? AND seq < ? ORDER BY seq")
        for id in ids {
            let first = id.index << id.level
            let count = 1 << id.level
            let leaves = try Row.fetchAll(statement, arguments: [first, first + count]).map {
                Merkle.leafHash(bytes($0["id"]))
            }
            if leaves.count == count { nodes[id] = Merkle.root(leafHashes: leaves) }
        }
    }

    public func merkleNodes(level: Int, indexes: Range<Int>) async throws(LedgerError) -> [Merkle.NodeID: Digest] {
        try await read("reading Merkle nodes") { db in
            var nodes = [Merkle.NodeID: Digest]()
            let rows = try Row.fetchAll(
                db, sql: "SELECT idx, hash FROM merkle_nodes WHERE level = ? AND idx >= ? AND idx < ?",
                arguments: [level, indexes.lowerBound, indexes.upperBound])
            for row in rows {
                // A hash of the wrong length or type is kept as all-zero so that verification reports it.
                nodes[Merkle.NodeID(level: level, index: Self.int(row["idx"]))] =
                    Digest(Self.bytes(row["hash"])) ?? .zero
            }
            return nodes
        }
    }

    public func merkleNodeCount() async throws(LedgerError) -> Int {
        try await read("counting Merkle nodes") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merkle_nodes") ?? 0
        }
    }

    // MARK: - Participants and checkpoints

    public func participants() async throws(LedgerError) -> [Participant] {
        typealias ParticipantRow = (
            id: String, name: String, role: String, key: [UInt8], registeredAt: Int, revokedAt: Int?
        )
        let rows: [ParticipantRow] = try await read("reading participants") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM participants ORDER BY registered_at").map { row in
                (
                    Self.text(row["id"]), Self.text(row["name"]), Self.text(row["role"]), Self.bytes(row["public_key"]),
                    Self.int(row["registered_at"]),
                    Self.optionalInt(row["revoked_at"])
                )
            }
        }
        var participants = [Participant]()
        for row in rows {
            guard let role = ParticipantRole(rawValue: row.role),
                let key = try? Ed25519.PublicKey(rawRepresentation: row.key)
            else {
                throw LedgerError(
                    .tampered, "participant '\(row.id)' has a malformed role or key", context: ["participants table"])
            }
            participants.append(
                Participant(
                    id: row.id, name: row.name, role: role, publicKey: key, registeredAt: row.registeredAt,
                    revokedAt: row.revokedAt))
        }
        return participants
    }

    public func checkpoint(size: Int) async throws(LedgerError) -> CheckpointRecord? {
        try await read("reading a checkpoint") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE size = ?", arguments: [size]).map(
                Self.checkpoint)
        }
    }

    public func latestCheckpoint() async throws(LedgerError) -> CheckpointRecord? {
        try await read("reading the latest checkpoint") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1").map(Self.checkpoint)
        }
    }

    public func checkpointCount() async throws(LedgerError) -> Int {
        try await read("counting checkpoints") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoints") ?? 0
        }
    }

    // MARK: - Row mapping
    //
    // Rows are read leniently: a value of the wrong type (as an edit outside the program can leave)
    // reads as a sentinel that verification reports, never as a crash.

    private static func bytes(_ value: DatabaseValue) -> [UInt8] {
        Data.fromDatabaseValue(value).map(Array.init) ?? []
    }

    private static func int(_ value: DatabaseValue) -> Int {
        Int.fromDatabaseValue(value) ?? -1
    }

    private static func optionalInt(_ value: DatabaseValue) -> Int? {
        value.isNull ? nil : (Int.fromDatabaseValue(value) ?? -1)
    }

    private static func text(_ value: DatabaseValue) -> String {
        String.fromDatabaseValue(value) ?? ""
    }

    private static func optionalText(_ value: DatabaseValue) -> String? {
        value.isNull ? nil : (String.fromDatabaseValue(value) ?? "")
    }

    private static func block(_ row: Row) -> BlockRecord {
        BlockRecord(
            height: int(row["height"]), hash: bytes(row["hash"]), header: bytes(row["header"]),
            signature: bytes(row["signature"]),
            firstIndex: int(row["first_index"]), eventCount: int(row["event_count"]))
    }

    /// The columns ``event(_:)`` reads, by position: a bulk read spends less looking columns up by
    /// position than by name.
    fileprivate static let eventColumns = [
        "seq", "block_height", "id", "statement", "signature", "disclosures", "kind", "signer", "record_id", "product",
        "lot",
        "facility", "shipment_id", "occurred_at",
    ].map { "events." + $0 }.joined(separator: ", ")

    /// An event from a row of ``eventColumns``.
    fileprivate static func event(_ row: Row) -> EventRecord {
        EventRecord(
            index: int(row[0]), blockHeight: int(row[1]), id: bytes(row[2]), statement: bytes(row[3]),
            signature: bytes(row[4]),
            disclosures: bytes(row[5]),
            columns: IndexColumns(
                kind: text(row[6]), signer: text(row[7]), recordID: text(row[8]), product: optionalText(row[9]),
                lot: optionalText(row[10]),
                facility: optionalText(row[11]), shipmentID: optionalText(row[12]), occurredAt: text(row[13])))
    }

    private static func checkpoint(_ row: Row) -> CheckpointRecord {
        CheckpointRecord(size: int(row["size"]), root: bytes(row["root"]), note: text(row["note"]))
    }
}

/// The writer's view of a block being appended, valid only inside ``SQLiteLedgerStore/appendBlock(height:_:)``.
private struct SQLiteBlockTransaction: BlockTransaction {
    let db: Database

    func events(signer: String, recordIDs: [String]) throws(LedgerError) -> [EventRecord] {
        do {
            return try SQLiteLedgerStore.events(signer: signer, recordIDs: recordIDs, in: db)
        } catch {
            throw SQLiteLedgerStore.storageError(error, "looking up records")
        }
    }

    func latestFacilityEvents(_ facilities: [String]) throws(LedgerError) -> [String: EventRecord] {
        do {
            return try SQLiteLedgerStore.latestFacilityEvents(facilities, in: db)
        } catch {
            throw SQLiteLedgerStore.storageError(error, "looking up facilities")
        }
    }

    func lotMakers(_ lots: [String]) throws(LedgerError) -> [String: String] {
        do {
            return try SQLiteLedgerStore.lotMakers(lots, in: db)
        } catch {
            throw SQLiteLedgerStore.storageError(error, "looking up lots")
        }
    }

    func events(kind: String) throws(LedgerError) -> [EventRecord] {
        do {
            return try SQLiteLedgerStore.events(kind: kind, in: db)
        } catch {
            throw SQLiteLedgerStore.storageError(error, "reading \(kind) events")
        }
    }

    func insert(events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)]) throws(LedgerError) {
        do {
            try SQLiteLedgerStore.insertRows(events: events, lotInputs: lotInputs, nodes: nodes, in: db)
        } catch {
            throw SQLiteLedgerStore.storageError(error, "writing events")
        }
    }
}
