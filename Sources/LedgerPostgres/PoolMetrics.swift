internal import LedgerStorage
internal import Metrics

/// What a store's connection pool is doing, through swift-metrics (at `GET /metrics` when `prov serve` installs
/// Prometheus; nothing otherwise): the connections leased now, and how long each lease waited for one, by database.
/// The metrics are looked up at each lease, so that a store opened before the metrics system is installed reports too.
struct PoolMetrics {
    private let inUse: Meter
    private let wait: Timer

    /// The label of the database at `address`, without user or password: `host:port/name`, or the socket folder's.
    static func database(_ address: PostgresAddress) -> String {
        "\(address.socketPath ?? "\(address.host):\(address.port)")/\(address.database)"
    }

    /// The metrics of the pool of `database` (``database(_:)``).
    init(database: String) {
        inUse = Meter(label: "prov_store_connections_in_use", dimensions: [("database", database)])
        wait = Timer(label: "prov_store_connection_wait_seconds", dimensions: [("database", database)])
    }

    /// A connection was leased, `waited` after it was asked for.
    func leased(after waited: Duration) {
        inUse.increment()
        wait.recordNanoseconds(
            waited.components.seconds * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
    }

    /// The connection went back to the pool.
    func released() {
        inUse.decrement()
    }
}
