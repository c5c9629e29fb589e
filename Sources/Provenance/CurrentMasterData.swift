internal import LedgerCore
internal import Pipeline
internal import Synchronization

/// The products', facilities' and participants' current master data, read once per block: every history, product page and field
/// visibility check resolves names through it, and master data changes only when a block is appended.
final class CurrentMasterData: Sendable {
    struct Snapshot: Sendable {
        let products: ProductCatalog
        /// Facility ID → the public fields of its latest `facility` event.
        let facilityFields: [String: [String: JSONValue]]
        /// The same facilities as the pipeline reads them.
        let facilities: [String: FacilityProfile]
        /// The participants' GLNs.
        let parties: PartyDirectory
    }

    private let cached = Mutex<(height: Int, snapshot: Snapshot)?>(nil)

    /// The snapshot at block `height`, read by `read` unless the last one read was at that height.
    func snapshot(height: Int, read: () async throws(LedgerError) -> Snapshot) async throws(LedgerError) -> Snapshot {
        if let hit = cached.withLock({ $0 }), hit.height == height { return hit.snapshot }
        let snapshot = try await read()
        cached.withLock { $0 = (height, snapshot) }
        return snapshot
    }
}

/// The master data one answer has read, ledger by ledger (a server's answer may read a replica and then the primary):
/// while an answer runs inside ``Ledger/withMasterDataReadOnce(_:)`` its accessors share one snapshot per ledger
/// instead of each reading the head again.
final class AnswerMasterData: Sendable {
    @TaskLocal static var current: AnswerMasterData?

    private let snapshots = Mutex<[ObjectIdentifier: CurrentMasterData.Snapshot]>([:])

    func snapshot(of source: CurrentMasterData) -> CurrentMasterData.Snapshot? {
        snapshots.withLock { $0[ObjectIdentifier(source)] }
    }

    func keep(_ snapshot: CurrentMasterData.Snapshot, of source: CurrentMasterData) {
        snapshots.withLock { $0[ObjectIdentifier(source)] = snapshot }
    }
}
