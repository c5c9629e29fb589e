import LedgerCore
import LedgerStorage
import Provenance

/// Each product code's event count, counted once per block: every page of a product's history
/// reports the total, and counting a product with a hundred thousand events takes milliseconds.
actor ProductTotals {
    /// Counts kept per block, at most this many products; the cache starts again beyond.
    static let capacity = 4_096

    private let ledger: Ledger
    private var height = -1
    private var counts = [String: Int]()

    init(ledger: Ledger) { self.ledger = ledger }

    /// Number of events of `product` in the ledger's current state.
    func eventCount(ofProduct product: String) async throws(LedgerError) -> Int {
        let current = try await ledger.headHeight()
        if current != height || counts.count >= Self.capacity {
            counts.removeAll(keepingCapacity: true)
            height = current
        }
        if let count = counts[product] { return count }
        let count = try await ledger.eventCount(ofProduct: product)
        // A block appended meanwhile makes the count stale: keep it only for the block it was read at.
        if height == current { counts[product] = count }
        return count
    }
}
