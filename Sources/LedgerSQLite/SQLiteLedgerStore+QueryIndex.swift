public import LedgerStorage
public import LedgerCore
internal import GRDB

/// The query index in SQLite (migration v6): `query_events` (one row per EPCIS event), `query_terms` (one row per
/// value it matches) and the mark in `query_index`.
extension SQLiteLedgerStore {
    public func queryIndexMark() async throws(LedgerError) -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT mark FROM query_index") ?? 0 }
        } catch {
            throw Self.storageError(error, "reading the query index")
        }
    }

    public func addToQueryIndex(_ entries: [QueryIndexEntry], from: Int, mark: Int) async throws(LedgerError) {
        do {
            try await pool.write { db in
                let current = try Int.fetchOne(db, sql: "SELECT mark FROM query_index") ?? 0
                guard current == from else {
                    throw LedgerError(.conflict, "the query index moved from \(from) to \(current) meanwhile")
                }
                let event = try db.makeStatement(
                    sql: "INSERT OR REPLACE INTO query_events (seq, time_key, signer, parts) VALUES (?, ?, ?, ?)")
                let term = try db.makeStatement(
                    sql:
                        "INSERT OR IGNORE INTO query_terms (name, value, time_key, seq, sensitive) VALUES (?, ?, ?, ?, ?)"
                )
                // Terms land all over the index (by name and value): a block-sized page cache keeps its pages in
                // memory instead of spilling them to the WAL and reading them back.
                try Self.withBlockCache(db) {
                    for entry in entries {
                        try event.execute(arguments: [
                            entry.index, entry.timeKey, entry.signer,
                            entry.parts.map(String.init).joined(separator: ","),
                        ])
                        for item in entry.terms {
                            try term.execute(arguments: [
                                item.name, item.value, entry.timeKey, entry.index, item.sensitive,
                            ])
                        }
                    }
                }
                try db.execute(sql: "UPDATE query_index SET mark = ?", arguments: [mark])
            }
        } catch {
            throw Self.storageError(error, "adding to the query index")
        }
    }

    public func query(_ query: IndexedQuery) async throws(LedgerError) -> [QueryHit] {
        let (sql, arguments) = Self.sql(for: query)
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    let parts: String = row[2]
                    return QueryHit(
                        index: row[0], parts: parts.split(separator: ",").compactMap { Int($0) },
                        position: QueryPosition(timeKey: row[1], index: row[0]))
                }
            }
        } catch {
            throw Self.storageError(error, "querying events")
        }
    }

    public func queryValues(name: String) async throws(LedgerError) -> [String] {
        do {
            return try await pool.read { db in
                // One lookup per distinct value, each a step along the primary key.
                var values = [String]()
                while let next = try String.fetchOne(
                    db, sql: "SELECT value FROM query_terms WHERE name = ? AND value > ? ORDER BY value LIMIT 1",
                    arguments: [name, values.last ?? ""])
                {
                    values.append(next)
                }
                return values
            }
        } catch {
            throw Self.storageError(error, "reading the query index")
        }
    }

    /// The statement for `query`: the first clause is a range of `query_terms` read in time order; each other clause
    /// is an existence check on the same event's terms; then the events' parts.
    static func sql(for query: IndexedQuery) -> (String, [any DatabaseValueConvertible & Sendable]) {
        var arguments = [any DatabaseValueConvertible & Sendable]()
        var conditions = [String]()
        func timeConditions(_ table: String) {
            if let from = query.from {
                conditions.append("\(table).time_key >= ?")
                arguments.append(from)
            }
            if let until = query.until {
                conditions.append("\(table).time_key < ?")
                arguments.append(until)
            }
            if let after = query.after {
                conditions.append("(\(table).time_key, \(table).seq) > (?, ?)")
                arguments += [after.timeKey, after.index]
            }
        }
        guard let first = query.clauses.first else {
            timeConditions("e")
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(query.limit)
            return (
                "SELECT e.seq, e.time_key, e.parts FROM query_events e \(filter) ORDER BY e.time_key, e.seq LIMIT ?",
                arguments
            )
        }
        func matching(_ clause: IndexedQuery.Clause, _ table: String) -> String {
            arguments += clause.names
            var alternatives = [String]()
            if !clause.values.isEmpty {
                alternatives.append("\(table).value IN (\(placeholders(clause.values.count)))")
                arguments += clause.values
            }
            for prefix in clause.prefixes {
                alternatives.append("(\(table).value >= ? AND \(table).value < ?)")
                arguments += [prefix, prefix + "\u{10FFFF}"]
            }
            var condition =
                "\(table).name IN (\(placeholders(clause.names.count))) AND (\(alternatives.joined(separator: " OR ")))"
            switch query.sensitive {
            case .all: break
            case .none: condition += " AND \(table).sensitive = 0"
            case .signedBy(let signer):
                condition +=
                    " AND (\(table).sensitive = 0 OR EXISTS (SELECT 1 FROM query_events s WHERE s.seq = \(table).seq AND s.signer = ?))"
                arguments.append(signer)
            }
            return condition
        }
        conditions.append(matching(first, "t"))
        timeConditions("t")
        for clause in query.clauses.dropFirst() {
            conditions.append(
                "EXISTS (SELECT 1 FROM query_terms u WHERE u.seq = t.seq AND \(matching(clause, "u")))")
        }
        arguments.append(query.limit)
        let found = """
            SELECT DISTINCT t.time_key, t.seq FROM query_terms t WHERE \(conditions.joined(separator: " AND "))
            ORDER BY t.time_key, t.seq LIMIT ?
            """
        return (
            """
            SELECT e.seq, e.time_key, e.parts FROM query_events e JOIN (\(found)) f ON f.seq = e.seq
            ORDER BY e.time_key, e.seq
            """, arguments
        )
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
