public import LedgerCore
import LedgerStorage

/// Who asks a query, which decides whether it matches on the values of sensitive fields (a counterparty): of every
/// event, of the events the participant signed, or of none.
public enum QueryReader: Sendable, Hashable {
    case everything
    case participant(String)
    case publicReader
}

/// A page of the events a query found: each event's ledger records (the parts of a split event together), in the
/// query's order, and the token of the next page, if there may be one.
public struct QueriedEvents: Sendable {
    public let events: [[SignedEvent]]
    /// The ledger index of each of those records, in the same shape.
    public let indexes: [[Int]]
    public let nextPageToken: String?
}

extension Ledger {
    /// Events read per transaction when the query index catches up.
    static let queryIndexChunk = 2_000

    /// Brings the query index (``QueryIndexEntry``) up to the ledger's latest checkpoint: the values each event
    /// appended since matches, as `view` sees it. Values that only readers of the sensitive fields could see are
    /// marked so. Safe to call from several tasks and processes; one view per ledger.
    public func updateQueryIndex(view: some QueryIndexView) async throws(LedgerError) {
        // Queries come far more often than appends: most find the index up to date, without waiting for each other
        // or reading its mark.
        let size = try await treeSize()
        guard size > queryIndexCovers.withLock({ $0 }) else { return }
        let mark = try await store.queryIndexMark()
        guard mark < size else {
            queryIndexCovers.withLock { $0 = max($0, mark) }
            return
        }
        try await queryIndexGate.serialize { () async throws(LedgerError) in
            var mark = try await store.queryIndexMark()
            while mark < size {
                var records = try await store.events(mark..<min(size, mark + Self.queryIndexChunk))
                guard let last = records.last else { break }
                // The parts of one EPCIS event are indexed together: extend the chunk over the parts that follow.
                var end = last.index + 1
                while end < size, let next = try await store.events(end..<(end + 1)).first,
                    try Self.continues(next, after: records, view: view)
                {
                    records.append(next)
                    end += 1
                }
                let entries = try await offThePool { [records] () throws(LedgerError) in
                    try Self.queryEntries(records, view: view)
                }
                do throws(LedgerError) {
                    try await store.addToQueryIndex(entries, from: mark, mark: end)
                } catch {
                    // Another process indexed these events: go on from where it is.
                    guard error.code == .conflict else { throw error }
                    mark = try await store.queryIndexMark()
                    continue
                }
                mark = end
            }
            queryIndexCovers.withLock { $0 = max($0, mark) }
        }
    }

    /// Whether `record` is a later part of the last event of `records`.
    private static func continues(_ record: EventRecord, after records: [EventRecord], view: some QueryIndexView)
        throws(LedgerError) -> Bool
    {
        guard let last = records.last else { return false }
        let next = try record.decode(withholdingDisclosures: true)
        let previous = try last.decode(withholdingDisclosures: true)
        return view.eventKey(of: next).map { $0 == view.eventKey(of: previous) } ?? false
    }

    /// The index entries of the events among `records` that `view` queries: one per event, its parts joined.
    static func queryEntries<View: QueryIndexView>(_ records: [EventRecord], view: View) throws(LedgerError)
        -> [QueryIndexEntry]
    {
        // Decoding and exporting are the work, on all cores; grouping the parts is in ledger order.
        let events = try parallelMap(records) { record throws(LedgerError) in try record.decode() }
        var order = [String]()
        var groups = [String: [(index: Int, event: SignedEvent)]]()
        for (record, event) in zip(records, events) {
            guard let key = view.eventKey(of: event) else { continue }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append((record.index, event))
        }
        let sensitive = Set(EventSchema.sensitiveFieldNames)
        let grouped = order.compactMap { groups[$0] }
        return try parallelMap(grouped) { parts throws(LedgerError) -> QueryIndexEntry in
            let first = parts[0]
            let all = view.terms(of: parts.map(\.event))
            let open = Set(
                view.terms(of: parts.map { $0.event.withholding(sensitive) }).map { $0.name + "\u{0}" + $0.value })
            return QueryIndexEntry(
                index: first.index, parts: parts.dropFirst().map(\.index),
                timeKey: QueryIndexEntry.timeKey(first.event.header.occurredAt), signer: first.event.header.signer,
                terms: all.map { term in
                    QueryTerm(
                        name: term.name, value: term.value, sensitive: !open.contains(term.name + "\u{0}" + term.value))
                })
        }
    }

    /// The events `query` finds for `reader`, after bringing the query index up to date with `view`. The events are
    /// whole but for a public reader, from whom every sensitive field is withheld: the caller withholds what another
    /// reader may not see.
    public func events(matching query: EventQuery, reader: QueryReader, view: some QueryIndexView)
        async throws(LedgerError) -> QueriedEvents
    {
        try await updateQueryIndex(view: view)
        let sensitive: IndexedQuery.SensitiveTerms =
            switch reader {
            case .everything: .all
            case .participant(let id): .signedBy(id)
            case .publicReader: .none
            }
        let indexed = IndexedQuery(
            clauses: query.clauses,
            from: query.from.map(QueryIndexEntry.timeKey), until: query.until.map(QueryIndexEntry.timeKey),
            after: try query.pageToken.map(Self.position(token:)),
            // One more than the page, to know whether another follows.
            limit: query.perPage + 1,
            sensitive: sensitive)
        var hits = try await store.query(indexed)
        let more = hits.count > query.perPage
        if more { hits.removeLast() }
        // Every event of the page in one read.
        let records = try await store.events(at: hits.flatMap { [$0.index] + $0.parts })
        let byIndex = Dictionary(records.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        var events = [[SignedEvent]]()
        var indexes = [[Int]]()
        for hit in hits {
            indexes.append([hit.index] + hit.parts)
            var parts = [SignedEvent]()
            for index in [hit.index] + hit.parts {
                guard let record = byIndex[index] else {
                    throw LedgerError(.tampered, "the query index names the event at \(index), which the ledger lacks")
                }
                // A public reader sees no sensitive field: their disclosures are not even read.
                parts.append(try record.decode(withholdingDisclosures: reader == .publicReader))
            }
            events.append(parts)
        }
        return QueriedEvents(
            events: events, indexes: indexes, nextPageToken: more ? hits.last.map { Self.token($0.position) } : nil)
    }

    /// Every event `query` matches: its pages (of `query`'s size) read one after the other and joined, without a
    /// next page.
    public func events(allMatching query: EventQuery, reader: QueryReader, view: some QueryIndexView)
        async throws(LedgerError) -> QueriedEvents
    {
        var query = query
        var events = [[SignedEvent]]()
        var indexes = [[Int]]()
        repeat {
            let page = try await self.events(matching: query, reader: reader, view: view)
            events += page.events
            indexes += page.indexes
            query.pageToken = page.nextPageToken
        } while query.pageToken != nil
        return QueriedEvents(events: events, indexes: indexes, nextPageToken: nil)
    }

    /// The distinct values events match under `name` (for a name with a handful of values, such as an event type).
    public func queryValues(name: String, view: some QueryIndexView) async throws(LedgerError) -> [String] {
        try await updateQueryIndex(view: view)
        return try await store.queryValues(name: name)
    }

    /// A page token: the position of a page's last event, opaque to clients.
    static func token(_ position: QueryPosition) -> String {
        Base64.encodeURL(Array("\(position.index) \(position.timeKey)".utf8))
    }

    static func position(token: String) throws(LedgerError) -> QueryPosition {
        guard let bytes = Base64.decodeURL(token), let text = String(validating: bytes, as: UTF8.self),
            let space = text.firstIndex(of: " "), let index = Int(text[..<space])
        else {
            throw LedgerError(.invalidRecord, "query parameter nextPageToken: not a token this server gave")
        }
        return QueryPosition(timeKey: String(text[text.index(after: space)...]), index: index)
    }
}
