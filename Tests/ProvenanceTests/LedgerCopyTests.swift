import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance
import TestSupport
import Testing

/// `Ledger.copy(to:)`, behind `prov migrate`: every row of every block, into any store, verified.
@Suite struct LedgerCopyTests {
    /// A report's files (its definition and model) are kept once, in bytes, read back by report, and copied with it.
    @Test(arguments: StoreBackend.tested, StoreBackend.tested) func aReportsFilesAreKeptAndCopied(
        from source: StoreBackend, to target: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: source)
        defer { fixture.remove() }
        let digest = SHA256.hash(Array("report".utf8))
        let other = SHA256.hash(Array("another report".utf8))
        let model = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let files = [
            ReportFile(report: digest, name: ReportFile.definition, body: Array("name: test\n".utf8)),
            ReportFile(report: digest, name: ReportFile.model, body: model),
        ]
        try await fixture.ledger.store.saveReportFiles(files)
        // Kept as first stored: a second file under the same report and name changes nothing.
        try await fixture.ledger.store.saveReportFiles([
            ReportFile(report: digest, name: ReportFile.model, body: [1, 2, 3])
        ])
        try await fixture.ledger.store.saveReport(ReportRecord(digest: digest, anchorIndex: 0, body: Array("{}".utf8)))
        #expect(try await fixture.ledger.store.reportFiles(of: digest) == files)
        #expect(try await fixture.ledger.store.reportFiles(of: other).isEmpty)

        let empty = try await LedgerFixture.emptyAddress(target)
        defer { empty.remove() }
        _ = try await fixture.ledger.copy(to: empty.address)
        let copy = try await Ledger.open(at: empty.address)
        #expect(try await copy.store.reportFiles(of: digest) == files)
        let stored = try await copy.reportFiles(of: digest)
        #expect(stored.model == model && stored.definition == Array("name: test\n".utf8))
    }

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
