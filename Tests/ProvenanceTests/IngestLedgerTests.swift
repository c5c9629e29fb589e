import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance
import Synchronization
import TestSupport
import Testing

/// A source over records held in memory: line N+1 is the Nth item (line 1 being a header).
struct ArraySource: RecordSource {
    let name: String
    let items: [Result<EventContent, LedgerError>]

    init(_ contents: [EventContent], name: String = "batch.csv") {
        self.name = name
        items = contents.map { .success($0) }
    }

    init(_ name: String, items: [Result<EventContent, LedgerError>]) {
        self.name = name
        self.items = items
    }

    var byteCount: Int { items.count }

    func makeReader() -> Reader { Reader(name: name, items: items) }

    struct Reader: RecordReader {
        let name: String
        let items: [Result<EventContent, LedgerError>]
        var position = 0

        var bytesRead: Int { position }
        var rejectColumns: [String] { ["record"] }

        func location(line: Int, field: String) -> [String] { ["\(name):\(line)", "column \(field)"] }

        mutating func next() -> SourceItem? {
            guard position < items.count else { return nil }
            defer { position += 1 }
            let line = position + 2
            switch items[position] {
            case .success(let content):
                return .record(SourceRecord(line: line, content: content, cells: [content.recordID]))
            case .failure(let error):
                return .reject(SourceReject(line: line, fields: ["?"], error: error, columns: rejectColumns))
            }
        }
    }
}

/// Collects what an ingest reports, from the ledger's writer thread.
final class Rejects: Sendable {
    private let items = Mutex([SourceReject]())
    func add(_ reject: SourceReject) { items.withLock { $0.append(reject) } }
    var messages: [String] { items.withLock { $0.map(\.error.description) } }
}

@Suite struct IngestLedgerTests {
    static func facility(_ id: String, party: String) throws -> EventContent {
        try LedgerFixture.facility(id, party: party, kind: "farm")
    }

    /// A fixture whose farm and mill have registered their facilities.
    static func fixture(_ backend: StoreBackend) async throws -> LedgerFixture {
        try await LedgerFixture(backend: backend)
    }

    @Test(arguments: StoreBackend.tested) func aLargeFileIsOneBlockInChunksAndVerifies(backend: StoreBackend)
        async throws
    {
        let fixture = try await Self.fixture(backend)
        defer { fixture.remove() }
        var options = IngestOptions()
        options.chunkSize = 7  // many chunks, with a partial last one
        let records = try LedgerFixture.farmRecords(50)
        let summary = try await fixture.ledger.ingest(
            ArraySource(records), signedWith: fixture.farmKey, options: options)
        #expect(summary.accepted == 100 && summary.records == 100 && summary.duplicates == 0 && summary.rejected == 0)
        #expect(summary.block?.header.eventCount == 100)
        #expect(summary.block?.header.treeSize == 105)
        let report = await fixture.ledger.verify()
        #expect(report.isValid && report.treeSize == 105)
        #expect(try await fixture.ledger.latestCheckpoint().text == summary.checkpoint?.text)

        // The same events appended in one go give the same block: chunking changes nothing.
        let other = try await Self.fixture(backend)
        defer { other.remove() }
        let receipt = try await other.ledger.append(records, signedWith: other.farmKey)
        #expect(receipt.block?.header.hash == summary.block?.header.hash)
    }

    @Test(arguments: StoreBackend.tested) func reimportIsANoOpAndChangedContentIsRefused(backend: StoreBackend)
        async throws
    {
        let fixture = try await Self.fixture(backend)
        defer { fixture.remove() }
        let records = try LedgerFixture.farmRecords(3)
        _ = try await fixture.ledger.ingest(ArraySource(records), signedWith: fixture.farmKey)
        let again = try await fixture.ledger.ingest(ArraySource(records), signedWith: fixture.farmKey)
        #expect(again.accepted == 0 && again.duplicates == 6 && again.block == nil)

        var changed = records
        changed[2] = try LedgerFixture.record(
            """
            {"record_id": "P-1", "event": "produce", "occurred_at": "2026-03-01T08:01:00+02:00", "product": "cocoa-beans",
             "lot": "LOT-1", "quantity": "999", "unit": "kg", "facility": "FARM-1"}
            """)
        let rejects = Rejects()
        let head = try await fixture.ledger.store.head()
        await #expect(throws: LedgerError.self) {
            try await fixture.ledger.ingest(ArraySource(changed), signedWith: fixture.farmKey, onReject: rejects.add)
        }
        #expect(rejects.messages.count == 1)
        #expect(
            rejects.messages.first?.hasPrefix(
                "batch.csv:4, column record_id: record_id 'P-1' was already imported with different content") == true)
        #expect(try await fixture.ledger.store.head() == head)
    }

    @Test(arguments: StoreBackend.tested) func anyRejectRefusesTheFileUnlessSkipping(backend: StoreBackend) async throws
    {
        let fixture = try await Self.fixture(backend)
        defer { fixture.remove() }
        var records = try LedgerFixture.farmRecords(20)
        records.append(records[5])  // a repeated record ID
        records.append(
            try LedgerFixture.record(
                """
                {"record_id": "X-1", "event": "produce", "occurred_at": "2026-03-01T08:00:00Z", "product": "p", "lot": "L", "quantity": "1",
                 "unit": "kg", "facility": "NOWHERE"}
                """))
        records.append(
            try LedgerFixture.record(
                """
                {"record_id": "X-2", "event": "produce", "occurred_at": "2026-03-01T08:00:00Z", "product": "p", "lot": "L", "quantity": "1",
                 "unit": "kg", "facility": "MILL-1"}
                """))
        var items = records.map { Result<EventContent, LedgerError>.success($0) }
        items.insert(
            .failure(LedgerError(.invalidRecord, "bad quantity", context: ["batch.csv:3", "column quantity"])), at: 1)
        let source = ArraySource("batch.csv", items: items)
        var options = IngestOptions()
        options.chunkSize = 4

        let rejects = Rejects()
        let head = try await fixture.ledger.store.head()
        await #expect(throws: LedgerError.self) {
            try await fixture.ledger.ingest(
                source, signedWith: fixture.farmKey, options: options, onReject: rejects.add)
        }
        #expect(try await fixture.ledger.store.head() == head)
        let expected = [
            "batch.csv:3, column quantity: bad quantity",
            "batch.csv:43, column record_id: record_id 'S-2' already appears on line 8 of this file",
            "batch.csv:44, column facility: unknown facility 'NOWHERE': its owner registers the facility's master data first (prov facilities import)",
            "batch.csv:45, column facility: facility 'MILL-1' belongs to 'mill', not to 'farm'",
        ]
        #expect(rejects.messages == expected)

        options.dryRun = true
        options.skipInvalid = true
        let dry = try await fixture.ledger.ingest(source, signedWith: fixture.farmKey, options: options)
        #expect(dry.accepted == 40 && dry.rejected == 4 && dry.block == nil)
        #expect(try await fixture.ledger.store.head() == head)

        options.dryRun = false
        let skipped = Rejects()
        let summary = try await fixture.ledger.ingest(
            source, signedWith: fixture.farmKey, options: options, onReject: skipped.add)
        #expect(summary.accepted == 40 && summary.rejected == 4 && summary.records == 44)
        #expect(skipped.messages == expected)
        let report = await fixture.ledger.verify()
        #expect(report.isValid && report.treeSize == 45)
    }

    @Test(arguments: StoreBackend.tested) func aReceiveMayArriveBeforeItsShip(backend: StoreBackend) async throws {
        let fixture = try await Self.fixture(backend)
        defer { fixture.remove() }
        _ = try await fixture.ledger.ingest(
            ArraySource(LedgerFixture.millRecords(lot: 0), name: "mill.csv"), signedWith: fixture.millKey)
        _ = try await fixture.ledger.ingest(
            ArraySource(LedgerFixture.farmRecords(1), name: "farm.csv"), signedWith: fixture.farmKey)
        // The receive and transform came first; the history links them to the later produce and ship.
        let history = try await fixture.ledger.history(of: "MASS-0")
        #expect(history.upstreamLots == ["LOT-0"])
        #expect(history.entries.map(\.event.header.recordID) == ["P-0", "S-0", "R-0", "T-0"])
        #expect(history.entries.map(\.index) == [7, 8, 5, 6])
        let report = await fixture.ledger.verify()
        #expect(report.isValid && report.treeSize == 9)
    }

    @Test(arguments: StoreBackend.tested) func facilityVersionsSupersedeAndOwnershipIsKept(backend: StoreBackend)
        async throws
    {
        let fixture = try await Self.fixture(backend)
        defer { fixture.remove() }
        let renamed = try EventContent(
            kind: .facility, recordID: "facility/FARM-1/v2", occurredAt: Timestamp(epochSeconds: Int64(1_767_300_000)),
            fields: [
                "facility": .string("FARM-1"), "party": .string("farm"), "name": .string("Farm One"),
                "kind": .string("farm"),
                "country": .string("GH"), "latitude": .string("6.7"), "longitude": .string("-1.6"),
                "workers": .integer(12),
            ])
        _ = try await fixture.ledger.ingest(ArraySource([renamed]), signedWith: fixture.farmKey)
        let versions = try await fixture.ledger.facilities().filter { $0.id == "FARM-1" }
        #expect(versions.count == 2)
        #expect(versions.last?.fields["name"] == .string("Farm One"))

        let taken = try Self.facility("FARM-1", party: "mill")
        let rejects = Rejects()
        await #expect(throws: LedgerError.self) {
            try await fixture.ledger.ingest(ArraySource([taken]), signedWith: fixture.millKey, onReject: rejects.add)
        }
        #expect(rejects.messages == ["batch.csv:2, column facility: facility 'FARM-1' is registered to 'farm'"])
    }
}
