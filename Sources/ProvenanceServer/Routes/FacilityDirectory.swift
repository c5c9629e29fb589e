import LedgerCore
import LedgerStorage
import Provenance

/// The current master data of every facility, read once per block: product pages show where each
/// event happened, and field visibility asks which participant a facility belongs to.
actor FacilityDirectory {
    private let ledger: Ledger
    private var cached: (height: Int, facilities: [String: [String: JSONValue]])?

    init(ledger: Ledger) { self.ledger = ledger }

    /// Facility ID → the public fields of its latest `facility` event.
    func current() async throws(LedgerError) -> [String: [String: JSONValue]] {
        let height = try await ledger.store.head()?.height ?? -1
        if let cached, cached.height == height { return cached.facilities }
        var facilities = [String: [String: JSONValue]]()
        for version in try await ledger.facilities() { facilities[version.id] = version.fields }
        cached = (height, facilities)
        return facilities
    }
}
