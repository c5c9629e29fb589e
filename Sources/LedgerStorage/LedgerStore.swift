public import LedgerCore
public import LedgerCrypto

/// Where a ledger keeps its blocks, events, Merkle nodes, participants and checkpoints.
///
/// Implementations must make ``append(_:)`` atomic (all of a block or nothing) and must refuse a
/// block whose height is not the next one, so that two writers cannot both extend the same head.
/// Everything a store returns is re-checked by `prov verify`; a store is trusted for availability,
/// never for integrity. The SQLite implementation is ``SQLiteLedgerStore``; the interface is async
/// and row-oriented so that a PostgreSQL implementation can serve several server instances.
public protocol LedgerStore: Sendable {
    /// The ledger's identity, or `nil` if the store holds no ledger yet.
    func metadata() async throws(LedgerError) -> LedgerMetadata?

    /// Creates the ledger with its genesis block. Fails if one exists.
    func create(_ metadata: LedgerMetadata, genesis: BlockWrite) async throws(LedgerError)

    /// Appends one block and everything derived from it in one transaction.
    func append(_ write: BlockWrite) async throws(LedgerError)

    /// Appends block `height` whose events are produced while the transaction is open, for blocks
    /// too large to hold in memory.
    ///
    /// `body` runs synchronously on the store's writer with a ``BlockTransaction``; it inserts the
    /// events chunk by chunk and returns the block's ``BlockSeal`` to commit, or `nil` to roll back.
    /// A thrown error rolls back too. Nothing is visible to readers before the commit, and the
    /// commit fails if block `height` is not the next one.
    func appendBlock<T: Sendable>(
        height: Int,
        _ body: @escaping @Sendable (any BlockTransaction) throws(LedgerError) -> (seal: BlockSeal?, result: T)
    ) async throws(LedgerError) -> T

    /// Every event of `kind`, in ledger order (e.g. `facility`: master data and its versions).
    func events(kind: String) async throws(LedgerError) -> [EventRecord]

    /// Stores a report whose digest the `anchor` event at `anchorIndex` carries.
    func saveReport(_ report: ReportRecord) async throws(LedgerError)

    /// Every stored report, in anchor order.
    func reports() async throws(LedgerError) -> [ReportRecord]

    /// Stores files that belong to a stored report (the definition it ran, the model it fitted); a file already
    /// stored under the same report and name is kept as it was.
    func saveReportFiles(_ files: [ReportFile]) async throws(LedgerError)

    /// The files stored with the report whose digest is `report`, by name.
    func reportFiles(of report: Digest) async throws(LedgerError) -> [ReportFile]

    /// The latest block, if any.
    func head() async throws(LedgerError) -> BlockRecord?

    /// Blocks with heights in `heights`, in order.
    func blocks(_ heights: Range<Int>) async throws(LedgerError) -> [BlockRecord]

    /// Events with ledger indexes in `indexes`, in order.
    func events(_ indexes: Range<Int>) async throws(LedgerError) -> [EventRecord]

    /// The signed statement and disclosures of the events with ledger indexes in `indexes` and one
    /// of `kinds`, in order: what a bulk reader of fields (``EventFields``) needs.
    func eventBodies(_ indexes: Range<Int>, kinds: [String]) async throws(LedgerError) -> [EventBody]

    /// The events at these ledger indexes, in ledger order (those beyond the ledger left out).
    func events(at indexes: [Int]) async throws(LedgerError) -> [EventRecord]

    /// The event with this ID.
    func event(id: Digest) async throws(LedgerError) -> EventRecord?

    /// Events signed by `signer` with these record IDs (for idempotent re-import).
    func events(signer: String, recordIDs: [String]) async throws(LedgerError) -> [EventRecord]

    /// Events whose lot, or one of whose input lots, is in `lots`.
    func events(touchingLots lots: [String]) async throws(LedgerError) -> [EventRecord]

    /// For each of `facilities` that has master data, its latest `facility` event.
    func latestFacilityEvents(_ facilities: [String]) async throws(LedgerError) -> [String: EventRecord]

    /// For each of `lots` that a `produce` or `transform` event made, the signer of the first such event.
    func lotMakers(_ lots: [String]) async throws(LedgerError) -> [String: String]

    /// Lots of the events of `product`.
    func lots(ofProduct product: String) async throws(LedgerError) -> [String]

    /// Number of events whose product is one of `products` (a product's names: its code and its GTINs).
    func eventCount(ofProducts products: [String]) async throws(LedgerError) -> Int

    /// One page of the events whose product is one of `products`, in time order (`occurred_at`, then ledger index):
    /// those after the event at ledger index `after` if given (which must be such an event, else `notFound`), then
    /// skipping `offset`, at most `limit`.
    func events(ofProducts products: [String], after: Int?, offset: Int, limit: Int) async throws(LedgerError)
        -> [EventRecord]

    /// The transformations whose output lot is in `lots`, in ledger order.
    func transformations(producing lots: [String]) async throws(LedgerError) -> [TransformationEdge]

    /// The transformations one of whose input lots is in `lots`, in ledger order.
    func transformations(consuming lots: [String]) async throws(LedgerError) -> [TransformationEdge]

    /// The input lots the events in `indexes` name, ordered by index, then lot. (An event's own lot
    /// is its `lot` column.)
    func lotInputs(_ indexes: Range<Int>) async throws(LedgerError) -> [LotInput]

    /// The lowest level of the ledger tree whose perfect-subtree hashes the store keeps. Hashes
    /// below it are computed from the event IDs they cover (at most `2^level - 1` of them).
    var lowestStoredMerkleLevel: Int { get }

    /// Perfect-subtree hashes for `ids`, stored or computed from event IDs below
    /// ``lowestStoredMerkleLevel``; missing ones are absent from the result.
    func merkleNodes(_ ids: [Merkle.NodeID]) async throws(LedgerError) -> [Merkle.NodeID: Digest]

    /// Stored nodes of one level (at least ``lowestStoredMerkleLevel``) whose index lies in `indexes`.
    func merkleNodes(level: Int, indexes: Range<Int>) async throws(LedgerError) -> [Merkle.NodeID: Digest]

    /// Number of stored Merkle nodes.
    func merkleNodeCount() async throws(LedgerError) -> Int

    /// The participants table.
    func participants() async throws(LedgerError) -> [Participant]

    /// The signed checkpoint at `size`, if one was published.
    func checkpoint(size: Int) async throws(LedgerError) -> CheckpointRecord?

    /// The most recently published checkpoint.
    func latestCheckpoint() async throws(LedgerError) -> CheckpointRecord?

    /// Number of stored checkpoints.
    func checkpointCount() async throws(LedgerError) -> Int

    // MARK: The query index (``QueryIndexEntry``)

    /// The ledger index up to which (exclusive) the query index covers the events.
    func queryIndexMark() async throws(LedgerError) -> Int

    /// Adds `entries` to the query index and moves its mark from `from` to `mark`, in one transaction; `conflict`
    /// if the mark is no longer `from` (another process indexed those events).
    func addToQueryIndex(_ entries: [QueryIndexEntry], from: Int, mark: Int) async throws(LedgerError)

    /// The events `query` finds, in its order.
    func query(_ query: IndexedQuery) async throws(LedgerError) -> [QueryHit]

    /// The distinct values the index holds for `name`, in text order (for a handful of values, such as the event
    /// types).
    func queryValues(name: String) async throws(LedgerError) -> [String]
}

/// The ledger's identity, fixed at creation.
public struct LedgerMetadata: Sendable, Hashable {
    /// Storage format version.
    public static let currentFormat = 1

    public let format: Int
    /// Checkpoint origin and note key name.
    public let origin: String
    /// The operator's public key, also registered in the genesis event.
    public let operatorKey: Ed25519.PublicKey

    public init(format: Int = LedgerMetadata.currentFormat, origin: String, operatorKey: Ed25519.PublicKey) {
        self.format = format
        self.origin = origin
        self.operatorKey = operatorKey
    }

    /// The rows a store keeps in its `meta` table, key and value.
    public var storedValues: [(key: String, value: String)] {
        [
            ("format", String(format)), ("origin", origin),
            ("operator_key", Base64.encode(operatorKey.rawRepresentation)),
        ]
    }

    /// The metadata of a store's `meta` rows; nil when there are none (no ledger yet).
    public init?(storedValues values: [String: String]) throws(LedgerError) {
        guard !values.isEmpty else { return nil }
        guard let formatText = values["format"], let format = Int(formatText), let origin = values["origin"],
            let keyText = values["operator_key"], let raw = Base64.decode(keyText),
            let key = try? Ed25519.PublicKey(rawRepresentation: raw)
        else {
            throw LedgerError(.tampered, "the ledger's metadata table is incomplete or malformed")
        }
        guard format == Self.currentFormat else {
            throw LedgerError(
                .invalidState,
                "the ledger has format \(format); this version of prov reads format \(Self.currentFormat)")
        }
        self.init(format: format, origin: origin, operatorKey: key)
    }
}

/// One block as stored: its header bytes and signature, and where its events start.
public struct BlockRecord: Sendable, Hashable {
    public let height: Int
    /// The block hash as stored (recomputed and compared by verification).
    public let hash: [UInt8]
    public let header: [UInt8]
    public let signature: [UInt8]
    public let firstIndex: Int
    public let eventCount: Int

    public init(height: Int, hash: [UInt8], header: [UInt8], signature: [UInt8], firstIndex: Int, eventCount: Int) {
        self.height = height
        self.hash = hash
        self.header = header
        self.signature = signature
        self.firstIndex = firstIndex
        self.eventCount = eventCount
    }
}

/// One event as stored: the signed parts plus the lookup columns derived from them.
public struct EventRecord: Sendable, Hashable {
    public let index: Int
    public let blockHeight: Int
    /// The event ID as stored (recomputed and compared by verification).
    public let id: [UInt8]
    public let statement: [UInt8]
    public let signature: [UInt8]
    /// Canonical JSON array of the disclosures `[salt, name, value]`.
    public let disclosures: [UInt8]
    public let columns: IndexColumns

    public init(
        index: Int, blockHeight: Int, id: [UInt8], statement: [UInt8], signature: [UInt8], disclosures: [UInt8],
        columns: IndexColumns
    ) {
        self.index = index
        self.blockHeight = blockHeight
        self.id = id
        self.statement = statement
        self.signature = signature
        self.disclosures = disclosures
        self.columns = columns
    }

    /// A record for `event` at `index` in block `blockHeight`.
    public init(event: SignedEvent, index: Int, blockHeight: Int) throws(LedgerError) {
        let disclosures: [UInt8]
        do {
            disclosures = try CanonicalJSON.encode(event.disclosuresJSON)
        } catch {
            throw LedgerError(.invalidRecord, error.reason, context: ["record \(event.header.recordID)"])
        }
        self.init(
            index: index, blockHeight: blockHeight, id: event.id.bytes, statement: event.statement,
            signature: event.signature,
            disclosures: disclosures, columns: IndexColumns(event.header))
    }

    /// The row of `content` as `signer` signed it into `row` (``EventSigner/signRow(_:)``): the
    /// lookup columns come from the content, which is what the statement states.
    package init(_ row: EventSigner.SignedRow, of content: EventContent, signer: String, index: Int, blockHeight: Int) {
        self.init(
            index: index, blockHeight: blockHeight, id: row.id.bytes, statement: row.statement,
            signature: row.signature,
            disclosures: row.disclosures, columns: IndexColumns(content, signer: signer))
    }

    /// The same row at another position in the ledger.
    public func placed(at index: Int, blockHeight: Int) -> EventRecord {
        EventRecord(
            index: index, blockHeight: blockHeight, id: id, statement: statement, signature: signature,
            disclosures: disclosures,
            columns: columns)
    }

    /// Decodes the signed parts and checks the disclosures against their commitments. Bulk readers
    /// that need only the fields read them with ``EventFields`` instead.
    ///
    /// With `withholdingDisclosures` the disclosures are not read at all: the event is the one
    /// ``SignedEvent/withholding(_:)`` gives with every sensitive field withheld, for a reader who
    /// may see none of them.
    public func decode(withholdingDisclosures: Bool = false) throws(LedgerError) -> SignedEvent {
        if withholdingDisclosures {
            return try SignedEvent(statement: statement, signature: signature, disclosures: [])
        }
        let value: JSONValue
        do {
            value = try CanonicalJSON.decode(disclosures)
        } catch {
            throw LedgerError(.tampered, "stored disclosures are not canonical JSON: \(error.reason)")
        }
        guard let items = value.arrayValue else {
            throw LedgerError(.tampered, "stored disclosures are not a JSON array")
        }
        var list = [Disclosure]()
        for item in items {
            do {
                list.append(try Disclosure(json: item))
            } catch {
                throw LedgerError(.tampered, "a stored disclosure is malformed: \(error.reason)")
            }
        }
        return try SignedEvent(statement: statement, signature: signature, disclosures: list)
    }
}

/// An event's position, signed statement and disclosures, as stored.
public struct EventBody: Sendable, Hashable {
    public let index: Int
    public let statement: [UInt8]
    /// Canonical JSON array of the disclosures `[salt, name, value]`.
    public let disclosures: [UInt8]

    public init(index: Int, statement: [UInt8], disclosures: [UInt8]) {
        self.index = index
        self.statement = statement
        self.disclosures = disclosures
    }
}

/// A stored anomaly report: its canonical JSON and the `anchor` event that carries its digest.
public struct ReportRecord: Sendable, Hashable {
    /// SHA-256 of `body`.
    public let digest: Digest
    /// Ledger index of the anchor event.
    public let anchorIndex: Int
    /// The report's canonical JSON.
    public let body: [UInt8]

    public init(digest: Digest, anchorIndex: Int, body: [UInt8]) {
        self.digest = digest
        self.anchorIndex = anchorIndex
        self.body = body
    }
}

/// A file kept with a stored report: the anchor event carries its SHA-256, so the file is checked against the chain
/// wherever it is read.
public struct ReportFile: Sendable, Hashable {
    /// The digest of the report it belongs to.
    public let report: Digest
    /// Its name within the report (`definition`, `model`).
    public let name: String
    public let body: [UInt8]

    /// The pipeline definition's bytes, as the run read them.
    public static let definition = "definition"
    /// The fitted model's document.
    public static let model = "model"

    public init(report: Digest, name: String, body: [UInt8]) {
        self.report = report
        self.name = name
        self.body = body
    }
}

/// The lookup columns of an event, derived from its statement.
///
/// Equality compares UTF-8 bytes, not Swift's canonical equivalence: a lookup column edited to a
/// canonically equivalent spelling would no longer match SQLite's byte-wise lookups, and must count
/// as a difference.
public struct IndexColumns: Sendable, Hashable {
    public let kind: String
    public let signer: String
    public let recordID: String
    public let product: String?
    public let lot: String?
    public let facility: String?
    public let shipmentID: String?
    public let occurredAt: String

    public init(
        kind: String, signer: String, recordID: String, product: String?, lot: String?, facility: String?,
        shipmentID: String?, occurredAt: String
    ) {
        self.kind = kind
        self.signer = signer
        self.recordID = recordID
        self.product = product
        self.lot = lot
        self.facility = facility
        self.shipmentID = shipmentID
        self.occurredAt = occurredAt
    }

    public static func == (lhs: IndexColumns, rhs: IndexColumns) -> Bool {
        lhs.firstDifference(from: rhs) == nil
    }

    public func hash(into hasher: inout Hasher) {
        for (_, value) in namedBytes { hasher.combine(value) }
    }

    /// The name of the first column whose bytes differ from `other`'s, if any.
    public func firstDifference(from other: IndexColumns) -> String? {
        zip(namedBytes, other.namedBytes).first { $0.1 != $1.1 }?.0.0
    }

    private var namedBytes: [(String, [UInt8]?)] {
        [
            ("kind", kind), ("signer", signer), ("record_id", recordID), ("product", product), ("lot", lot),
            ("facility", facility), ("shipment_id", shipmentID), ("occurred_at", occurredAt),
        ].map { ($0.0, $0.1.map { Array($0.utf8) }) }
    }

    public init(_ header: SignedEvent.Header) {
        self.init(
            kind: header.kind, signer: header.signer, recordID: header.recordID, occurredAt: header.occurredAt,
            fields: header.publicFields)
    }

    /// The columns of `content` signed by `signer`: those of the ``SignedEvent/Header`` its
    /// statement decodes to, which holds the content's kind, record ID, time and public fields.
    package init(_ content: EventContent, signer: String) {
        self.init(
            kind: content.kind, signer: signer, recordID: content.recordID, occurredAt: content.occurredAt,
            fields: content.publicFields)
    }

    /// A `product` event's product is master data, not an event of the product's history: it is not indexed as one.
    private init(kind: EventKind, signer: String, recordID: String, occurredAt: Timestamp, fields: [String: JSONValue])
    {
        self.init(
            kind: kind.rawValue, signer: signer, recordID: recordID,
            product: kind == .product ? nil : fields["product"]?.stringValue,
            lot: fields["lot"]?.stringValue, facility: fields["facility"]?.stringValue,
            shipmentID: fields["shipment_id"]?.stringValue, occurredAt: occurredAt.utc)
    }

    /// The lot index rows of the event at `index` whose input lots are `inputLots`: one per
    /// distinct lot.
    public static func lotInputs(index: Int, inputLots: [String]) -> [LotInput] {
        guard !inputLots.isEmpty else { return [] }
        return Set(inputLots).sorted().map { LotInput(index: index, lot: $0) }
    }
}

/// A transformation as the lot index records it.
public struct TransformationEdge: Sendable, Hashable {
    /// Ledger index of the `transform` event.
    public let index: Int
    /// The lot it made.
    public let output: String
    /// The lots that went into it, sorted.
    public let inputs: [String]

    public init(index: Int, output: String, inputs: [String]) {
        self.index = index
        self.output = output
        self.inputs = inputs
    }
}

/// One row of the lot index: event `index` names `lot` among its input lots (a transformation
/// consumed it). Equality compares the lot's UTF-8 bytes, as ``IndexColumns`` does.
public struct LotInput: Sendable, Hashable {
    public let index: Int
    public let lot: String

    public static func == (lhs: LotInput, rhs: LotInput) -> Bool {
        lhs.index == rhs.index && Array(lhs.lot.utf8) == Array(rhs.lot.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(index)
        hasher.combine(Array(lot.utf8))
    }

    /// Orders rows by index, then the lot's UTF-8 bytes (SQLite's binary collation).
    public static func byPosition(_ lhs: LotInput, _ rhs: LotInput) -> Bool {
        if lhs.index != rhs.index { return lhs.index < rhs.index }
        return Array(lhs.lot.utf8).lexicographicallyPrecedes(Array(rhs.lot.utf8))
    }

    public init(index: Int, lot: String) {
        self.index = index
        self.lot = lot
    }
}

/// A published checkpoint: its size, root and signed note text.
public struct CheckpointRecord: Sendable, Hashable {
    public let size: Int
    public let root: [UInt8]
    public let note: String

    public init(size: Int, root: [UInt8], note: String) {
        self.size = size
        self.root = root
        self.note = note
    }
}

/// The rows of a block written through ``LedgerStore/appendBlock(height:_:)``, used only inside
/// its body, on the writer's thread.
public protocol BlockTransaction {
    /// Events signed by `signer` with these record IDs, including those this transaction inserted.
    func events(signer: String, recordIDs: [String]) throws(LedgerError) -> [EventRecord]
    /// For each of `facilities` that has master data, its latest `facility` event.
    func latestFacilityEvents(_ facilities: [String]) throws(LedgerError) -> [String: EventRecord]
    /// For each of `lots` that a `produce` or `transform` event made, including those this transaction inserted,
    /// the signer of the first such event.
    func lotMakers(_ lots: [String]) throws(LedgerError) -> [String: String]
    /// Every event of `kind` in ledger order, including those this transaction inserted (master data: products).
    func events(kind: String) throws(LedgerError) -> [EventRecord]
    /// Inserts events (with consecutive indexes continuing the ledger), their lot index rows and
    /// the Merkle nodes they complete (the store keeps those of its stored levels).
    func insert(events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)]) throws(LedgerError)
}

/// What closes a block written through ``LedgerStore/appendBlock(height:_:)``.
public struct BlockSeal: Sendable {
    public let block: BlockRecord
    /// Participants registered or revoked by the block, in their new state.
    public let participants: [Participant]
    public let checkpoint: CheckpointRecord

    public init(block: BlockRecord, participants: [Participant], checkpoint: CheckpointRecord) {
        self.block = block
        self.participants = participants
        self.checkpoint = checkpoint
    }
}

/// Everything one appended block writes.
public struct BlockWrite: Sendable {
    public let block: BlockRecord
    public let events: [EventRecord]
    public let lotInputs: [LotInput]
    public let nodes: [(Merkle.NodeID, Digest)]
    /// Participants registered or revoked by this block, in their new state.
    public let participants: [Participant]
    public let checkpoint: CheckpointRecord

    public init(
        block: BlockRecord, events: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)],
        participants: [Participant], checkpoint: CheckpointRecord
    ) {
        self.block = block
        self.events = events
        self.lotInputs = lotInputs
        self.nodes = nodes
        self.participants = participants
        self.checkpoint = checkpoint
    }
}
