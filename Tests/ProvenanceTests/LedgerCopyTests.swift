import Foundation
import LedgerCore
import LedgerStorage
import Provenance
import TestSupport
import Testing

/// `Ledger.copy(to:)`, behind `prov migrate`: every row of every block, into any store, verified.
@Suite struct LedgerCopyTests {
    @Test(arguments: StoreBackend.tested, StoreBackend.tested) func aCopyHoldsTheSameRowsAndCheckpoint(
        from source: StoreBackend, to target: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: source)
        defer { fixture.remove() }
        var options = IngestOptions()
        options.chunkSize = 5
        _ = try await fixture.ledger.ingest(
            ArraySource(LedgerFixture.farmRecords(30)), signedWith: fixture.farmKey, options: options)
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 2), signedWith: fixture.millKey)
        _ = try await fixture.ledger.revokeParticipant(id: "mill")

        let empty = try await LedgerFixture.emptyAddress(target)
        defer { empty.remove() }
        let summary = try await fixture.ledger.copy(to: empty.address)
        #expect(summary.verification.isValid && summary.events == summary.verification.treeSize)
        let copy = try await Ledger.open(at: empty.address)
        #expect(try await copy.latestCheckpoint().serialized == fixture.ledger.latestCheckpoint().serialized)
        let size = summary.events
        #expect(try await copy.store.events(0..<size) == fixture.ledger.store.events(0..<size))
        #expect(try await copy.store.lotInputs(0..<size) == fixture.ledger.store.lotInputs(0..<size))
        #expect(try await copy.store.participants() == fixture.ledger.store.participants())
        #expect(try await copy.store.merkleNodeCount() == fixture.ledger.store.merkleNodeCount())
        #expect(try await copy.store.checkpointCount() == fixture.ledger.store.checkpointCount())

        // A store that holds a ledger is never written over.
        await #expect {
            _ = try await fixture.ledger.copy(to: empty.address)
        } throws: { error in
            (error as? LedgerError)?.code == .alreadyExists
        }
    }
}
