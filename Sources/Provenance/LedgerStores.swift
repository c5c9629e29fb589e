public import LedgerCore
public import LedgerCrypto
public import LedgerStorage
internal import LedgerPostgres
internal import LedgerSQLite

/// How a ledger's store is opened, beyond its address.
public struct StoreOptions: Sendable {
    /// Bytes of a SQLite file that its reading connections may map into memory instead of copying pages: about a
    /// tenth faster for a server reading scattered events of a large ledger. The mapped pages count in the process's
    /// resident memory, so bulk jobs leave it at 0. Other stores ignore it.
    public var mappedReads: Int

    public init(mappedReads: Int = 0) {
        self.mappedReads = mappedReads
    }
}

/// The one place that turns a ledger's address into its store.
enum LedgerStores {
    /// Opens the store at `address`; with `create`, makes the database first if the backend can.
    static func open(_ address: LedgerAddress, options: StoreOptions, create: Bool) async throws(LedgerError)
        -> any LedgerStore
    {
        switch address {
        case .sqlite(let path):
            try SQLiteLedgerStore(path: path, create: create, mappedReads: options.mappedReads)
        case .postgres(let postgres):
            try await PostgresLedgerStore.open(postgres, create: create)
        }
    }
}

extension Ledger {
    /// Opens the existing ledger at `address`. Pass `operatorKey` to append; it must match the ledger's operator.
    public static func open(
        at address: LedgerAddress, options: StoreOptions = StoreOptions(), operatorKey: Ed25519.PrivateKey? = nil,
        clock: LedgerClock = .system
    ) async throws(LedgerError) -> Ledger {
        let store = try await LedgerStores.open(address, options: options, create: false)
        return try await open(store: store, operatorKey: operatorKey, clock: clock)
    }

    /// Creates a ledger at `address`, whose database must hold none yet: the genesis block holds the operator's
    /// self-registration.
    public static func create(
        at address: LedgerAddress, origin: String, operatorKey: Ed25519.PrivateKey,
        operatorName: String = "Ledger operator", clock: LedgerClock = .system
    ) async throws(LedgerError) -> Ledger {
        let store = try await LedgerStores.open(address, options: StoreOptions(), create: true)
        return try await create(
            store: store, origin: origin, operatorKey: operatorKey, operatorName: operatorName, clock: clock)
    }
}
