internal import LedgerCore
internal import LedgerCrypto
internal import LedgerStorage

/// A signed event with everything its row needs that does not depend on its position; built on
/// the signing cores when ingesting, so that the writer only places it.
struct PreparedEvent: Sendable {
    let event: SignedEvent
    /// The event's row at a placeholder position (see ``EventRecord/placed(at:blockHeight:)``).
    let row: EventRecord
    let leaf: Digest

    init(_ event: SignedEvent) throws(LedgerError) {
        self.event = event
        row = try EventRecord(event: event, index: 0, blockHeight: 0)
        leaf = Merkle.leafHash(event.id.bytes)
    }

    init(signing content: EventContent, with signer: EventSigner) throws(LedgerError) {
        let (event, disclosures) = try signer.signForStorage(content)
        self.event = event
        row = EventRecord(event: event, disclosures: disclosures, index: 0, blockHeight: 0)
        leaf = Merkle.leafHash(event.id.bytes)
    }
}

/// The rows of one block's events, placed one after another: each event gets the next ledger
/// index, extends the ledger's tree (whose completed perfect subtrees are stored) and the block's
/// own tree (whose root the header carries).
struct BlockRows {
    let blockHeight: Int
    let firstIndex: Int
    /// The ledger tree, extended by the events placed so far.
    private(set) var tree: CompactRange
    /// The tree of the block's own events.
    private(set) var blockTree = CompactRange()

    init(after previous: BlockHeader?, frontier: CompactRange) {
        blockHeight = (previous?.height ?? -1) + 1
        firstIndex = frontier.size
        tree = frontier
    }

    /// Events placed so far.
    var eventCount: Int { tree.size - firstIndex }

    /// Places `events` after those already placed and returns their rows.
    mutating func place(_ events: [PreparedEvent]) -> (records: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)]) {
        var records = [EventRecord]()
        var lotInputs = [LotInput]()
        var nodes = [(Merkle.NodeID, Digest)]()
        records.reserveCapacity(events.count)
        nodes.reserveCapacity(events.count * 2)
        for item in events {
            let record = item.row.placed(at: tree.size, blockHeight: blockHeight)
            nodes.append(contentsOf: tree.append(item.leaf))
            _ = blockTree.append(item.leaf)
            lotInputs.append(contentsOf: IndexColumns.lotInputs(index: record.index, inputLots: item.event.inputLots))
            records.append(record)
        }
        return (records, lotInputs, nodes)
    }
}

/// A block sealed by the operator, with its checkpoint, ready to store.
struct SealedRows {
    let sealed: SealedBlock
    let note: SignedNote
    let block: BlockRecord
    let checkpoint: CheckpointRecord
}
