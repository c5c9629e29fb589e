import Foundation
import HummingbirdTesting
import LedgerCore
import Provenance
import ProvenanceServer
import TestSupport
import Testing

/// `GET /metrics`: Prometheus's text format, with the requests the server answered and the ledger's figures.
@Suite struct MetricsTests {
    @Test func requestsAndTheLedgerAreCounted() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let size = try await demo.ledger.treeSize()
        let blocks = try await demo.ledger.headHeight() + 1
        try await demo.withServer(metrics: ServerMetrics.bootstrap()) { client in
            #expect(try await client.call(.get, "/v1/checkpoint").status == .ok)
            #expect(try await client.call(.get, "/v1/lots/NO-SUCH-LOT").status == .notFound)
            // A method the route does not take is answered 405, as on every other route.
            #expect(try await client.call(.trace, "/metrics").status == .methodNotAllowed)
            let metrics = try await client.call(.get, "/metrics")
            OpenAPIContract.expect(metrics, 200, "GET", "/metrics")
            let text = String(decoding: metrics.body, as: UTF8.self)
            let lines = text.split(separator: "\n").map(String.init)
            func gauge(_ name: String) -> Double? {
                lines.first { $0.hasPrefix(name + " ") }.flatMap { Double($0.dropFirst(name.count + 1)) }
            }
            #expect(gauge("prov_ledger_events") == Double(size), "\(text)")
            #expect(gauge("prov_ledger_blocks") == Double(blocks), "\(text)")
            // Requests by route and status, with their latency.
            #expect(
                lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("/v1/checkpoint") && $0.contains("200") },
                "\(text)")
            #expect(
                lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("/v1/lots/{id}") && $0.contains("404") })
            #expect(lines.contains { $0.hasPrefix("http_server_request_duration_bucket{") })
        }
    }

    /// On PostgreSQL, the connection pool's use: the connections leased now and how long leases waited, by database.
    @Test(.enabled(if: TestPostgres.shouldRun, Comment(rawValue: TestPostgres.absence)))
    func poolUseIsCounted() async throws {
        let demo = try await DemoNetwork.make(backend: .postgres)
        defer { demo.remove() }
        let database = try #require(demo.databaseURL.flatMap { URL(string: $0) }?.path)
        try await demo.withServer(metrics: ServerMetrics.bootstrap()) { client in
            #expect(try await client.call(.get, "/v1/lots/LOT-GH-101").status == .ok)
            let text = String(decoding: try await client.call(.get, "/metrics").body, as: UTF8.self)
            let lines = text.split(separator: "\n").map(String.init).filter { $0.contains(database + "\"") }
            let waits = lines.first { $0.hasPrefix("prov_store_connection_wait_seconds_count{") }
            #expect((waits?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 0, "\(text)")
            // Nothing is leased between requests.
            let inUse = lines.first { $0.hasPrefix("prov_store_connections_in_use{") }
            #expect(inUse?.split(separator: " ").last.flatMap { Double($0) } == 0, "\(text)")
        }
    }
}
