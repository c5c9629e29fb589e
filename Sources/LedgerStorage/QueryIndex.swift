public import LedgerCore

/// The query index: for each EPCIS event in the ledger, the values its query parameters match (its type, business
/// step, locations, EPCs, classes, parties), each with the event's time, so that a query reads a range of one index
/// whatever the ledger's size.
///
/// The index is derived from the events, never signed or verified: the ledger fills it after appending (up to a
/// mark), and dropping it loses nothing. An EPCIS event the importer split into parts (one per product class) is one
/// entry, at the ledger index of its first part.
public struct QueryIndexEntry: Sendable, Hashable {
    /// The ledger index of the event (its first part).
    public let index: Int
    /// The ledger indexes of its other parts.
    public let parts: [Int]
    /// The event's time as ``QueryIndexEntry/timeKey(_:)`` orders it.
    public let timeKey: String
    public let signer: String
    public let terms: [QueryTerm]

    public init(index: Int, parts: [Int], timeKey: String, signer: String, terms: [QueryTerm]) {
        self.index = index
        self.parts = parts
        self.timeKey = timeKey
        self.signer = signer
        self.terms = terms
    }

    /// The key that orders instants as text: the UTC form without its `Z` (`2026-05-04T05:30:00`,
    /// `2026-05-04T05:30:00.5`).
    public static func timeKey(_ time: Timestamp) -> String {
        String(time.utc.dropLast())
    }
}

/// One value an event matches: `name` is the query's field (`bizStep`, `epc`, `source:owning_party`…). A
/// `sensitive` value comes from a field that only some readers may see (a counterparty), and matches only for them.
public struct QueryTerm: Sendable, Hashable {
    public let name: String
    public let value: String
    public let sensitive: Bool

    public init(name: String, value: String, sensitive: Bool = false) {
        self.name = name
        self.value = value
        self.sensitive = sensitive
    }
}

/// A query over the index: events that match every clause, within a time range, in time order (then ledger
/// order), after a position, at most `limit`.
public struct IndexedQuery: Sendable, Hashable {
    public typealias Clause = EventQuery.Clause

    /// Which sensitive terms match: every one, those of the events `signer` signed, or none.
    public enum SensitiveTerms: Sendable, Hashable {
        case all
        case signedBy(String)
        case none
    }

    /// The most selective clause first: it is the range the query reads; the others are checked per event.
    public var clauses: [Clause]
    /// Time keys: from (inclusive) and until (exclusive).
    public var from: String?
    public var until: String?
    /// The position (time key, ledger index) of the last event of the previous page.
    public var after: QueryPosition?
    public var limit: Int
    public var sensitive: SensitiveTerms

    public init(
        clauses: [Clause], from: String? = nil, until: String? = nil, after: QueryPosition? = nil, limit: Int,
        sensitive: SensitiveTerms
    ) {
        self.clauses = clauses
        self.from = from
        self.until = until
        self.after = after
        self.limit = limit
        self.sensitive = sensitive
    }
}

/// An event's place in the query order.
public struct QueryPosition: Sendable, Hashable {
    public let timeKey: String
    public let index: Int

    public init(timeKey: String, index: Int) {
        self.timeKey = timeKey
        self.index = index
    }
}

/// An event a query found: its index, its other parts and its place in the order.
public struct QueryHit: Sendable, Hashable {
    public let index: Int
    public let parts: [Int]
    public let position: QueryPosition

    public init(index: Int, parts: [Int], position: QueryPosition) {
        self.index = index
        self.parts = parts
        self.position = position
    }
}
