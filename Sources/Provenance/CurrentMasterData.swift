internal import LedgerCore
internal import Pipeline
internal import Synchronization

/// A value read from the ledger as of one head height, read again only once the head moves (an append): the
/// current master data, which every history, product page and field visibility check resolves names through, and what
/// the anchored reports say of lots.
final class HeadCache<Value: Sendable>: Sendable {
    private let cached = Mutex<(height: Int, value: Value)?>(nil)

    /// The value at block `height`, read by `read` unless the last one read was at that height.
    func value(height: Int, read: () async throws(LedgerError) -> Value) async throws(LedgerError) -> Value {
        if let hit = cached.withLock({ $0 }), hit.height == height { return hit.value }
        let value = try await read()
        cached.withLock { $0 = (height, value) }
        return value
    }
}

/// The products', facilities' and participants' current master data.
enum CurrentMasterData {
    struct Snapshot: Sendable {
        let products: ProductCatalog
        /// Facility ID → the public fields of its latest `facility` event.
        let facilityFields: [String: [String: JSONValue]]
        /// The same facilities as the pipeline reads them.
        let facilities: [String: FacilityProfile]
        /// The participants' GLNs.
        let parties: PartyDirectory
    }
}

/// The master data one answer has read, ledger by ledger (a server's answer may read a replica and then the primary):
/// while an answer runs inside ``Ledger/withMasterDataReadOnce(_:)`` its accessors share one snapshot per ledger
/// instead of each reading the head again.
final class AnswerMasterData: Sendable {
    @TaskLocal static var current: AnswerMasterData?

    private let snapshots = Mutex<[ObjectIdentifier: CurrentMasterData.Snapshot]>([:])

    func snapshot(of source: HeadCache<CurrentMasterData.Snapshot>) -> CurrentMasterData.Snapshot? {
        snapshots.withLock { $0[ObjectIdentifier(source)] }
    }

    func keep(_ snapshot: CurrentMasterData.Snapshot, of source: HeadCache<CurrentMasterData.Snapshot>) {
        snapshots.withLock { $0[ObjectIdentifier(source)] = snapshot }
    }
}
