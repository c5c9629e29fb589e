public import LedgerCore
public import LedgerStorage
internal import PostgresNIO

/// The query index in PostgreSQL: `query_events` (one row per EPCIS event), `query_terms` (one row per value it
/// matches) and the mark in `query_index`, as in the SQLite store.
extension PostgresLedgerStore {
    public func queryIndexMark() async throws(LedgerError) -> Int {
        try await fetch("reading the query index", "SELECT mark FROM query_index WHERE id = 0") { row in
            try row.decode(Int.self)
        }.first ?? 0
    }

    public func addToQueryIndex(_ entries: [QueryIndexEntry], from: Int, mark: Int) async throws(LedgerError) {
        let terms = entries.flatMap { entry in entry.terms.map { (entry, $0) } }
        try await inTransaction("adding to the query index") { connection in
            let current =
                try await connection.query(
                    "SELECT mark FROM query_index WHERE id = 0 FOR UPDATE", logger: self.logger
                ).collect().first?.decode(Int.self) ?? 0
            guard current == from else {
                throw LedgerError(.conflict, "the query index moved from \(from) to \(current) meanwhile")
            }
            if !entries.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO query_events (seq, time_key, signer, parts) SELECT * FROM unnest(\
                    \(entries.map(\.index))::int8[], \(entries.map(\.timeKey))::text[], \
                    \(entries.map(\.signer))::text[], \
                    \(entries.map { $0.parts.map(String.init).joined(separator: ",") })::text[])
                    ON CONFLICT (seq) DO UPDATE SET time_key = excluded.time_key, signer = excluded.signer,
                        parts = excluded.parts
                    """, logger: self.logger)
            }
            if !terms.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO query_terms (name, value, time_key, seq, sensitive) SELECT * FROM unnest(\
                    \(terms.map(\.1.name))::text[], \(terms.map(\.1.value))::text[], \
                    \(terms.map(\.0.timeKey))::text[], \(terms.map(\.0.index))::int8[], \
                    \(terms.map(\.1.sensitive))::bool[]) ON CONFLICT DO NOTHING
                    """, logger: self.logger)
            }
            try await connection.query("UPDATE query_index SET mark = \(mark) WHERE id = 0", logger: self.logger)
        }
    }

    public func query(_ query: IndexedQuery) async throws(LedgerError) -> [QueryHit] {
        try await fetch("querying events", Self.statement(for: query)) { row in
            let (index, timeKey, parts) = try row.decode((Int, String, String).self)
            return QueryHit(
                index: index, parts: parts.split(separator: ",").compactMap { Int($0) },
                position: QueryPosition(timeKey: timeKey, index: index))
        }
    }

    public func queryValues(name: String) async throws(LedgerError) -> [String] {
        // One lookup per distinct value, each a step along the primary key.
        var values = [String]()
        while let next = try await fetch(
            "reading the query index",
            """
            SELECT value FROM query_terms WHERE name = \(name) AND value > \(values.last ?? "") \
            ORDER BY name, value LIMIT 1
            """,
            { row in try row.decode(String.self) }
        ).first {
            values.append(next)
        }
        return values
    }

    /// The statement for `query`, as the SQLite store builds it: the first clause is a range of `query_terms` read in
    /// time order; each other clause is an existence check on the same event's terms; then the events' parts.
    static func statement(for query: IndexedQuery) -> PostgresQuery {
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions = [String]()
        func timeConditions(_ table: String) {
            if let from = query.from { conditions.append("\(table).time_key >= \(bind(from))") }
            if let until = query.until { conditions.append("\(table).time_key < \(bind(until))") }
            if let after = query.after {
                conditions.append(
                    "(\(table).time_key, \(table).seq) > (\(bind(after.timeKey))::text, \(bind(after.index))::int8)")
            }
        }
        guard let first = query.clauses.first else {
            timeConditions("e")
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return PostgresQuery(
                unsafeSQL:
                    "SELECT e.seq, e.time_key, e.parts FROM query_events e \(filter) ORDER BY e.time_key, e.seq LIMIT \(bind(query.limit))",
                binds: binds)
        }
        func visible(_ table: String) -> String? {
            switch query.sensitive {
            case .all: nil
            case .none: "NOT \(table).sensitive"
            case .signedBy(let signer):
                "(NOT \(table).sensitive OR EXISTS (SELECT 1 FROM query_events s WHERE s.seq = \(table).seq AND s.signer = \(bind(signer))))"
            }
        }
        func matching(_ clause: IndexedQuery.Clause, _ table: String) -> String {
            var alternatives = [String]()
            if !clause.values.isEmpty { alternatives.append("\(table).value = ANY(\(bind(clause.values))::text[])") }
            for prefix in clause.prefixes {
                alternatives.append(
                    "(\(table).value >= \(bind(prefix)) AND \(table).value < \(bind(prefix + "\u{10FFFF}")))")
            }
            return "\(table).name = ANY(\(bind(clause.names))::text[]) AND (\(alternatives.joined(separator: " OR ")))"
                + (visible(table).map { " AND " + $0 } ?? "")
        }
        // The first clause is read as one range of the primary key per name and value (or value prefix), each in
        // time order and cut at the page's end, then merged: `name = ANY(…) AND value = ANY(…)` would read every term
        // of the names and values and sort them (an index scan over an array gives no order here).
        timeConditions("t")
        for clause in query.clauses.dropFirst() {
            conditions.append("EXISTS (SELECT 1 FROM query_terms u WHERE u.seq = t.seq AND \(matching(clause, "u")))")
        }
        if let visibility = visible("t") { conditions.append(visibility) }
        let shared = conditions.map { " AND " + $0 }.joined()
        let limit = bind(query.limit)
        var keys = first.values.map { value in "t.value = \(bind(value))" }
        keys += first.prefixes.map { prefix in
            "t.value >= \(bind(prefix)) AND t.value < \(bind(prefix + "\u{10FFFF}"))"
        }
        var branches = [String]()
        for name in first.names {
            let named = bind(name)
            for key in keys {
                branches.append(
                    """
                    (SELECT t.time_key, t.seq FROM query_terms t WHERE t.name = \(named) AND \(key)\(shared) \
                    ORDER BY t.time_key, t.seq LIMIT \(limit))
                    """)
            }
        }
        if branches.isEmpty {
            // A clause that names no value matches nothing.
            branches.append("(SELECT t.time_key, t.seq FROM query_terms t WHERE false)")
        }
        let found = """
            SELECT DISTINCT f.time_key, f.seq FROM (\(branches.joined(separator: " UNION ALL "))) AS f
            ORDER BY f.time_key, f.seq LIMIT \(limit)
            """
        return PostgresQuery(
            unsafeSQL: """
                SELECT e.seq, e.time_key, e.parts FROM query_events e JOIN (\(found)) f ON f.seq = e.seq
                ORDER BY e.time_key, e.seq
                """, binds: binds)
    }
}
