/// A query for events by the values they match (docs/epcis.md, "REST interface"): events that match every clause,
/// in a time range, in time order, a page at a time. A format's adapter reads it from its query language (the EPCIS
/// REST binding's parameters) and says which values each event matches (``QueryIndexView``); the ledger keeps those
/// values in its query index.
public struct EventQuery: Sendable, Hashable {
    /// Matches an event that has a value under one of `names` that is one of `values` or begins with one of
    /// `prefixes`.
    public struct Clause: Sendable, Hashable {
        public let names: [String]
        public let values: [String]
        public let prefixes: [String]

        public init(names: [String], values: [String], prefixes: [String] = []) {
            self.names = names
            self.values = values
            self.prefixes = prefixes
        }
    }

    /// The clauses, the most selective first: the first is the range the query reads.
    public var clauses: [Clause]
    /// Events at or after `from` and before `until`.
    public var from: Timestamp?
    public var until: Timestamp?
    public var perPage: Int
    /// Where the previous page ended, as the previous answer gave it.
    public var pageToken: String?

    public init(
        clauses: [Clause] = [], from: Timestamp? = nil, until: Timestamp? = nil, perPage: Int, pageToken: String? = nil
    ) {
        self.clauses = clauses
        self.from = from
        self.until = until
        self.perPage = perPage
        self.pageToken = pageToken
    }
}

/// What a format makes of ledger events for queries: which records are parts of one event of the format, and the
/// (name, value) pairs each such event matches.
public protocol QueryIndexView: Sendable {
    /// The key shared by the records that are parts of one event, or `nil` for a record the format does not query
    /// (master data, a review).
    func eventKey(of event: SignedEvent) -> String?

    /// The pairs the event made of `parts` (in ledger order) matches, as a reader who sees every field it is
    /// given sees it.
    func terms(of parts: [SignedEvent]) -> [(name: String, value: String)]
}
