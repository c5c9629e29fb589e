import Foundation
import HummingbirdTesting
import LedgerCore
import LedgerStorage
import Provenance
import ProvenanceServer
import TestSupport
import Testing

/// A server over a PostgreSQL ledger with a real streaming replica (`pg_basebackup -R`): public reads come from the
/// replica, a read it cannot answer yet goes to the primary, and `/readyz` reports how far behind it is.
@Suite(
    .enabled(if: TestPostgres.replica != nil || TestPostgres.shouldRun, Comment(rawValue: TestPostgres.replicaAbsence)))
struct ReadReplicaTests {
    @Test func readsGoToTheReplicaAndFallBackToThePrimaryWhileItLags() async throws {
        let demo = try await DemoNetwork.make(backend: .postgres)
        defer { demo.remove() }
        let primaryURL = try #require(demo.databaseURL)
        let replicaURL = try TestPostgres.onReplica(primaryURL)
        let replicaServer = try #require(TestPostgres.replica)
        let size = try await demo.ledger.treeSize()
        // The replica replays the new database and its blocks within moments.
        let replica = try await Self.eventually { () async throws -> Ledger? in
            let ledger = try? await Ledger.open(at: try LedgerAddress(replicaURL))
            return try await ledger?.treeSize() == size ? ledger : nil
        }

        // Replay stops: what the primary appends now is not on the replica.
        try TestPostgres.psql(replicaServer, "SELECT pg_wal_replay_pause()")
        defer { try? TestPostgres.psql(replicaServer, "SELECT pg_wal_replay_resume()") }
        let receipt = try await demo.ledger.append(
            [
                try EventContent(
                    record: JSONParser.parse(
                        #"{"record_id": "GH-H-9001", "event": "produce", "occurred_at": "2026-05-20T08:00:00Z", "product": "cocoa-beans", "lot": "LOT-GH-9001", "quantity": "120", "unit": "kg", "facility": "FARM-GH-01"}"#
                    ))
            ], signedWith: try DemoNetwork.key("farm-gh"))
        let appended = try #require(receipt.appended.first)

        try await demo.withServer(replicas: ReadReplicas([replica], maximumLag: 0)) { client in
            // The replica answers with the checkpoint it has; the proof of the new event comes from the primary.
            let checkpoint = try await client.call(.get, "/v1/checkpoint")
            #expect(try checkpoint.json["size"] == .integer(size))
            let proof = try await client.call(.get, "/v1/events/\(appended.id.hex)/proof")
            #expect(proof.status == .ok)
            #expect(try await client.call(.get, "/v1/lots/LOT-GH-9001").status == .ok)
            let lagging = try await client.call(.get, "/readyz")
            OpenAPIContract.expect(lagging, 503, "GET", "/readyz")
            #expect(try lagging.json["replicas"]?.arrayValue?.first?["lag_events"] == .integer(1))
        }

        try TestPostgres.psql(replicaServer, "SELECT pg_wal_replay_resume()")
        _ = try await Self.eventually { () async throws -> Bool? in
            try await replica.treeSize() == size + 1 ? true : nil
        }
        try await demo.withServer(replicas: ReadReplicas([replica], maximumLag: 0)) { client in
            let ready = try await client.call(.get, "/readyz")
            OpenAPIContract.expect(ready, 200, "GET", "/readyz")
            #expect(try ready.json["replicas"]?.arrayValue?.first?["lag_events"] == .integer(0))
            #expect(try await client.call(.get, "/v1/checkpoint").json["size"] == .integer(size + 1))
        }
    }

    /// The first non-nil result of `attempt`, tried every 50 ms for up to 20 s.
    static func eventually<T>(_ attempt: () async throws -> T?) async throws -> T {
        for _ in 0..<400 {
            if let value = try await attempt() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestPostgres.Failure(description: "the replica did not catch up within 20 s")
    }
}
