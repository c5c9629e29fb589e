import Hummingbird
import Provenance
internal import Metrics
public import Prometheus
import Synchronization

/// The server's metrics, in Prometheus's text format at `GET /metrics`, through swift-metrics: requests by route,
/// method and status with their latency (Hummingbird's `MetricsMiddleware`), and, read as each scrape is answered,
/// the ledger's size and blocks and each read replica's lag.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    private init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    private static let installed = Mutex<ServerMetrics?>(nil)

    /// The process's metrics: the first call installs a Prometheus registry as swift-metrics' backend, which a process
    /// can do once; later calls return the same.
    public static func bootstrap() -> ServerMetrics {
        installed.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let metrics = ServerMetrics(registry: registry)
            current = metrics
            return metrics
        }
    }

    /// The registry's metrics, with the ledger's figures read now.
    func scrape(primary: Ledger, replicas: ReadReplicas) async -> Response {
        if let size = try? await primary.treeSize() {
            Gauge(label: "prov_ledger_events").record(size)
        }
        if let height = try? await primary.headHeight() {
            Gauge(label: "prov_ledger_blocks").record(height + 1)
        }
        for (number, replica) in replicas.ledgers.enumerated() {
            guard let primarySize = try? await primary.treeSize(), let size = try? await replica.treeSize() else {
                continue
            }
            Gauge(label: "prov_replica_lag_events", dimensions: [("replica", String(number + 1))])
                .record(max(0, primarySize - size))
        }
        return Response.bytesResponse(registry.emitToBuffer(), contentType: "text/plain; version=0.0.4")
    }
}
