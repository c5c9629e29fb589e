internal import LedgerCore
internal import LedgerCrypto
internal import LedgerStorage

/// A signed event's row with everything else placing it needs that does not depend on its
/// position; built on the signing cores when ingesting, so that the writer only places it.
struct PreparedEvent: Sendable {
    /// The event's row at a placeholder position (see ``EventRecord/placed(at:blockHeight:)``).
    let row: EventRecord
    let leaf: Digest
    /// The lots a `transform` consumed, for the lot index.
    let inputLots: [String]

    init(_ event: SignedEvent) throws(LedgerError) {
        row = try EventRecord(event: event, index: 0, blockHeight: 0)
        leaf = Merkle.leafHash(event.id.bytes)
        inputLots = event.inputLots
    }

    /// Signs `content`; the writer needs its row, not the decoded event.
    init(signing content: EventContent, with signer: EventSigner) throws(LedgerError) {
        let signed = try signer.signRow(content)
        row = EventRecord(signed, of: content, signer: signer.participant, index: 0, blockHeight: 0)
        leaf = Merkle.leafHash(signed.id.bytes)
        inputLots = content.inputLots
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
    mutating func place(_ events: [PreparedEvent]) -> (
        records: [EventRecord], lotInputs: [LotInput], nodes: [(Merkle.NodeID, Digest)]
    ) {
        var records = [EventRecord]()
        var lotInputs = [LotInput]()
        var nodes = [(Merkle.NodeID, Digest)]()
        records.reserveCapacity(events.count)
        nodes.reserveCapacity(events.count * 2)
        for item in events {
            let record = item.row.placed(at: tree.size, blockHeight: blockHeight)
            nodes.append(contentsOf: tree.append(item.leaf))
            _ = blockTree.append(item.leaf)
            lotInputs.append(contentsOf: IndexColumns.lotInputs(index: record.index, inputLots: item.inputLots))
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
