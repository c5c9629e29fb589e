import Foundation
import LedgerCore
import LedgerStorage
import Provenance
import TestSupport
import Testing

/// Several writers on one ledger, each with a store of its own as separate processes would have: every block extends
/// the head it was planned on, or is planned again on the new one; nothing forks and nothing is lost.
@Suite struct ConcurrentWriterTests {
    @Test(arguments: StoreBackend.tested) func writersThatRaceAllLandAndTheLedgerVerifies(backend: StoreBackend)
        async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let writers = 4
        let batches = 5
        let eventsBefore = await fixture.ledger.verify().events
        var ledgers = [Ledger]()
        for _ in 0..<writers { ledgers.append(try await fixture.reopen()) }
        let farmKey = fixture.farmKey
        let receipts = try await withThrowingTaskGroup(of: [AppendReceipt].self) { group in
            for (writer, ledger) in ledgers.enumerated() {
                group.addTask {
                    var receipts = [AppendReceipt]()
                    for batch in 0..<batches {
                        let start = (writer * batches + batch) * 2
                        receipts.append(
                            try await ledger.append(LedgerFixture.farmRecords(2, from: start), signedWith: farmKey))
                    }
                    return receipts
                }
            }
            var all = [AppendReceipt]()
            for try await receipts in group { all += receipts }
            return all
        }
        // Every batch is a block of its own, at its own height, and the heights follow one another.
        let heights = receipts.compactMap { $0.block?.header.height }.sorted()
        #expect(heights.count == writers * batches)
        #expect(heights == Array(heights[0]..<heights[0] + writers * batches))
        #expect(receipts.allSatisfy { $0.appended.count == 4 })
        let report = await (try fixture.reopen()).verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
        #expect(report.events == eventsBefore + writers * batches * 4)
    }

    /// A block planned on a head that another writer has moved is refused as a whole, with the code that lets its
    /// writer plan it again, and leaves the ledger as it was.
    @Test(arguments: StoreBackend.tested) func aBlockPlannedOnAnOldHeadWritesNothing(backend: StoreBackend)
        async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let ledger = try await fixture.reopen()
        let before = try await ledger.latestCheckpoint()
        let head = try #require(await fixture.ledger.store.head())
        await #expect {
            _ = try await fixture.ledger.store.appendBlock(height: head.height) { transaction throws(LedgerError) in
                (seal: nil, result: 0)
            }
        } throws: { error in
            (error as? LedgerError)?.code == .headMoved
        }
        #expect(try await ledger.latestCheckpoint().serialized == before.serialized)
        #expect(await ledger.verify().isValid)
    }

    /// An event row the database refuses (its index is taken: the event table's primary key, the second fence behind
    /// the head's lock) fails the whole block, whether the store reports it at the insert or at the next step (a
    /// store may write a block's rows while its body goes on: a lookup, or the block's end), and leaves the ledger as
    /// it was.
    @Test(arguments: StoreBackend.tested, [false, true])
    func aRefusedRowFailsItsBlockAndWritesNothing(backend: StoreBackend, lookingUp: Bool) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let ledger = try await fixture.reopen()
        let before = try await ledger.latestCheckpoint()
        let head = try #require(await fixture.ledger.store.head())
        let taken = try await fixture.ledger.store.events(0..<1)
        let signer = try #require(taken.first?.columns.signer)
        await #expect {
            _ = try await fixture.ledger.store.appendBlock(height: head.height + 1) { transaction throws(LedgerError) in
                try transaction.insert(events: taken, lotInputs: [], nodes: [])
                if lookingUp { _ = try transaction.events(signer: signer, recordIDs: ["any"]) }
                return (seal: nil, result: 0)
            }
        } throws: { error in
            (error as? LedgerError)?.code != .headMoved
        }
        #expect(try await fixture.ledger.store.head()?.height == head.height)
        #expect(try await ledger.latestCheckpoint().serialized == before.serialized)
        #expect(await ledger.verify().isValid)
    }
}
