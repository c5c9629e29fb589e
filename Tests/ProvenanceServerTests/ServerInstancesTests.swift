import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance
import ProvenanceServer
import TestSupport
import Testing

/// Two servers over one PostgreSQL ledger, each with its own connection pool as separate processes would have: a
/// login at one is good at the other, and batches posted to both at once all land, in one unforked chain.
@Suite(.enabled(if: TestPostgres.shouldRun, Comment(rawValue: TestPostgres.absence)))
struct ServerInstancesTests {
    @Test func writesMayReachEitherServer() async throws {
        let demo = try await DemoNetwork.make(backend: .postgres)
        defer { demo.remove() }
        let second = try await Ledger.open(
            at: try LedgerAddress(try #require(demo.databaseURL)), operatorKey: try DemoNetwork.key("operator"),
            clock: .fixed(epochSeconds: 1_830_297_600))
        let eventsBefore = try await demo.ledger.treeSize()
        let farmKey = try DemoNetwork.key("farm-gh")
        let batches = 6
        let first = Application(
            router: try ProvenanceServer.makeRouter(ledger: demo.ledger), logger: DemoNetwork.serverLogger)
        let other = Application(
            router: try ProvenanceServer.makeRouter(ledger: second), logger: DemoNetwork.serverLogger)
        try await first.test(.router) { one in
            try await other.test(.router) { two in
                // The token the first server issued opens the second.
                let token = try await one.login("farm-gh", key: farmKey)
                #expect(try await two.call(.get, "/v1/lots/LOT-GH-101", token: token).status == .ok)

                try await withThrowingTaskGroup(of: Void.self) { group in
                    for batch in 0..<batches {
                        let client = batch.isMultiple(of: 2) ? one : two
                        let events = try (0..<3).map { item in
                            try SignedEvent.sign(
                                BatchTests.harvest("GH-H-77\(batch)\(item)", lot: "LOT-GH-77\(batch)\(item)"),
                                signer: "farm-gh", key: farmKey)
                        }
                        group.addTask {
                            let created = try await client.call(
                                .post, "/v1/batches", token: token, json: BatchTests.batch(events))
                            #expect(created.status == .created, "\(String(decoding: created.body, as: UTF8.self))")
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
        let report = await second.verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
        #expect(report.treeSize == eventsBefore + batches * 3)
    }
}
