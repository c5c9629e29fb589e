import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import LedgerSQLite
import Provenance
import TestSupport
import Testing

@Suite struct AppendTests {
    @Test(arguments: StoreBackend.tested) func appendedLedgerVerifies(backend: StoreBackend) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let receipt = try await fixture.ledger.append(LedgerFixture.farmRecords(5), signedWith: fixture.farmKey)
        #expect(receipt.appended.count == 10)
        #expect(receipt.block?.header.height == 5)
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 1), signedWith: fixture.millKey)
        let report = await (try fixture.reopen()).verify()
        #expect(report.isValid, "\(String(describing: report.failure))")
        #expect(report.events == 17)
        #expect(report.blocks == 7)
        #expect(report.participants == 3)
    }

    @Test(arguments: StoreBackend.tested) func reimportIsANoOpAndChangedContentIsAConflict(backend: StoreBackend)
        async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let records = try LedgerFixture.farmRecords(3)
        _ = try await fixture.ledger.append(records, signedWith: fixture.farmKey)
        let again = try await fixture.ledger.append(records, signedWith: fixture.farmKey)
        #expect(again.appended.isEmpty)
        #expect(again.duplicates.count == 6)
        #expect(again.block == nil)

        let changed = try LedgerFixture.record(
            """
            {"record_id": "P-1", "event": "produce", "occurred_at": "2026-03-01T08:01:00+02:00", "product": "cocoa-beans",
             "lot": "LOT-1", "quantity": "999", "unit": "kg", "facility": "FARM-1"}
            """)
        let before = try await fixture.ledger.store.head()?.height
        await #expect {
            try await fixture.ledger.append(
                LedgerFixture.farmRecords(1, from: 10) + [changed], signedWith: fixture.farmKey)
        } throws: { error in
            let error = try #require(error as? LedgerError)
            return error.code == .conflict && error.description.contains("P-1")
        }
        #expect(try await fixture.ledger.store.head()?.height == before, "nothing of the refused batch is written")
        #expect(try await fixture.ledger.store.events(signer: "farm", recordIDs: ["P-10"]).isEmpty)
    }

    @Test(arguments: StoreBackend.tested) func unknownRevokedWrongKeyAndRoleAreRefused(backend: StoreBackend)
        async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let stranger = try LedgerFixture.key(9)
        await #expect {
            try await fixture.ledger.append(LedgerFixture.farmRecords(1), signedWith: stranger)
        } throws: { ($0 as? LedgerError)?.code == .unknownSigner }

        // An event that claims the farm as signer but is signed by another key.
        let forged = try SignedEvent.sign(LedgerFixture.farmRecords(1)[0], signer: "farm", key: fixture.millKey)
        await #expect {
            try await fixture.ledger.append(signed: [forged])
        } throws: { error in
            let error = try #require(error as? LedgerError)
            return error.code == .badSignature && error.description.contains("record P-0")
        }

        // An auditor may not submit supply-chain events.
        let auditorKey = try LedgerFixture.key(7)
        _ = try await fixture.ledger.registerParticipant(
            id: "audit", name: "Auditor", role: .auditor, publicKey: auditorKey.publicKey)
        let observation = try EventContent(
            kind: .observe, recordID: "O-1", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
            fields: ["epcis_type": "ObjectEvent", "lot": "LOT-0"])
        await #expect {
            try await fixture.ledger.append([observation], signedWith: auditorKey)
        } throws: { ($0 as? LedgerError)?.code == .notAuthorized }

        // After revocation the farm's key may not append, but its earlier events still verify.
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(2), signedWith: fixture.farmKey)
        _ = try await fixture.ledger.revokeParticipant(id: "farm")
        let height = try await fixture.ledger.store.head()?.height
        await #expect {
            try await fixture.ledger.append(LedgerFixture.farmRecords(1, from: 5), signedWith: fixture.farmKey)
        } throws: { ($0 as? LedgerError)?.code == .revokedSigner }
        #expect(try await fixture.ledger.store.head()?.height == height)
        #expect(await fixture.ledger.verify().isValid)
    }

    @Test func invalidRecordsNameTheRecordAndField() throws {
        func failure(_ json: String) -> String {
            do {
                _ = try LedgerFixture.record(json)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(
            failure(
                #"{"record_id": "A", "event": "produce", "occurred_at": "2026-03-01T08:00:00", "product": "p", "lot": "l", "quantity": 1, "unit": "kg", "facility": "f"}"#
            ).contains("no UTC offset"))
        #expect(
            failure(
                #"{"record_id": "B", "event": "produce", "occurred_at": "2026-03-01T08:00:00Z", "product": "p", "lot": "l", "quantity": -3, "unit": "kg", "facility": "f"}"#
            ).contains("record B, field quantity: must be greater than 0"))
        #expect(
            failure(
                #"{"record_id": "C", "event": "ship", "occurred_at": "2026-03-01T08:00:00Z", "product": "p", "lot": "l", "quantity": 1, "unit": "kg", "facility": "f", "shipment_id": "s"}"#
            ).contains("missing required field 'destination'"))
        #expect(
            failure(
                #"{"record_id": "D", "event": "produce", "occurred_at": "2026-03-01T08:00:00Z", "product": "p", "lot": "l", "quantity": 1, "unit": "bags", "facility": "f"}"#
            ).contains("field unit"))
        #expect(
            failure(
                #"{"record_id": "E", "event": "produce", "occurred_at": "2026-02-30T08:00:00Z", "product": "p", "lot": "l", "quantity": 1, "unit": "kg", "facility": "f"}"#
            ).contains("no such date"))
        #expect(
            failure(
                #"{"record_id": "F", "event": "produce", "occurred_at": "2026-03-01T08:00:00Z", "product": "p", "lot": "l", "quantity": 1, "unit": "kg", "facility": "f", "colour": "red"}"#
            ).contains("unknown field 'colour'"))
    }

    /// Same inputs, keys and clock give the same blocks, events and checkpoints, byte for byte: twice in SQLite, and
    /// in PostgreSQL.
    @Test func sameInputGivesSameLedgerBytes() async throws {
        var heads = [BlockRecord]()
        var notes = [String]()
        var statements = [[EventRecord]]()
        for backend in [StoreBackend.sqlite] + StoreBackend.tested {
            let fixture = try await LedgerFixture(backend: backend)
            defer { fixture.remove() }
            _ = try await fixture.ledger.append(LedgerFixture.farmRecords(20), signedWith: fixture.farmKey)
            _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 3), signedWith: fixture.millKey)
            heads.append(try #require(await fixture.ledger.store.head()))
            notes.append(try await fixture.ledger.latestCheckpoint().serialized)
            statements.append(try await fixture.ledger.store.events(0..<100))
        }
        #expect(heads.allSatisfy { $0 == heads[0] })
        #expect(notes.allSatisfy { $0 == notes[0] })
        #expect(statements.allSatisfy { $0 == statements[0] })
    }

    @Test(arguments: StoreBackend.tested) func historyFollowsTransformations(backend: StoreBackend) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(3), signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 1), signedWith: fixture.millKey)
        let history = try await fixture.ledger.history(of: "MASS-1")
        #expect(history.subjectLots == ["MASS-1"])
        #expect(history.upstreamLots == ["LOT-1"])
        #expect(history.entries.map(\.event.header.recordID) == ["P-1", "S-1", "R-1", "T-1"])
        let forward = try await fixture.ledger.history(of: "LOT-1")
        #expect(forward.downstreamLots == ["MASS-1"])
        let product = try await fixture.ledger.history(of: "cocoa-beans")
        #expect(product.subjectLots == ["LOT-0", "LOT-1", "LOT-2"])
        await #expect { try await fixture.ledger.history(of: "nothing") } throws: {
            ($0 as? LedgerError)?.code == .notFound
        }
    }

    /// A product's pages, by `after` or by offset, list its events in time order (fractions of a
    /// second included, whatever the appending order), each once, with the lots around them.
    @Test(arguments: StoreBackend.tested) func productHistoryPagesInTimeOrder(backend: StoreBackend) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(3), signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 1), signedWith: fixture.millKey)
        // Appended last, but earlier or within the same second as others: 08:00:00.5 is after 08:00:00, .15 before .5.
        let late = try ["08:00:00.5", "08:00:00.15", "07:59:59.999"].enumerated().map { index, time in
            try LedgerFixture.record(
                """
                {"record_id": "P-late-\(index)", "event": "produce", "occurred_at": "2026-03-01T\(time)+02:00", "product": "cocoa-beans",
                 "lot": "LATE-\(index)", "quantity": "1", "unit": "kg", "facility": "FARM-1"}
                """)
        }
        _ = try await fixture.ledger.append(late, signedWith: fixture.farmKey)

        let full = try await fixture.ledger.history(of: "cocoa-beans", as: .product).entries
            .filter { $0.event.header.publicFields["product"]?.stringValue == "cocoa-beans" }
        let expected = full.map(\.event.header.recordID)
        #expect(expected.prefix(5) == ["P-late-2", "P-0", "P-late-1", "P-late-0", "P-1"])
        #expect(try await fixture.ledger.eventCount(ofProduct: "cocoa-beans") == expected.count)

        var byAfter = [String]()
        var after: Int?
        repeat {
            let page = try await fixture.ledger.productHistory(of: "cocoa-beans", after: after, limit: 2)
            byAfter += page.entries.map(\.event.header.recordID)
            after = page.hasMore ? page.entries.last?.index : nil
        } while after != nil
        #expect(byAfter == expected)

        var byOffset = [String]()
        for offset in stride(from: 0, to: expected.count, by: 4) {
            byOffset += try await fixture.ledger.productHistory(of: "cocoa-beans", offset: offset, limit: 4).entries
                .map(\.event.header.recordID)
        }
        #expect(byOffset == expected)

        // LOT-1 went into MASS-1; the mass's page names the lot it was made from.
        let lot1 = try await fixture.ledger.productHistory(of: "cocoa-beans", after: full[3].index, limit: 1)
        #expect(lot1.lots == ["LOT-1"] && lot1.downstreamLots == ["MASS-1"] && lot1.upstreamLots.isEmpty)
        let mass = try await fixture.ledger.productHistory(of: "cocoa-mass")
        #expect(mass.lots == ["MASS-1"] && mass.upstreamLots == ["LOT-1"] && !mass.hasMore)

        await #expect { try await fixture.ledger.productHistory(of: "LOT-1") } throws: {
            ($0 as? LedgerError)?.code == .notFound
        }
        // `after` must name an event of the product: another product's names no place to start after.
        await #expect { try await fixture.ledger.productHistory(of: "cocoa-mass", after: full[0].index) } throws: {
            ($0 as? LedgerError)?.code == .notFound
        }
    }
}

/// The SQLite store refuses a row it cannot write with SQLite's own reason, and writes nothing of
/// its block.
@Suite struct StoreWriteTests {
    @Test func aRefusedRowNamesSQLitesReasonAndLeavesNoTrace() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(3), signedWith: fixture.farmKey)
        let store = try SQLiteLedgerStore(path: fixture.path)
        let head = try #require(try await store.head())
        let checkpoint = try #require(try await store.latestCheckpoint())
        let size = head.firstIndex + head.eventCount
        let existing = try #require(try await store.events(0..<size).last)
        // A next block whose one event is a copy of an event already stored: same ID, same record.
        let copy = EventRecord(
            index: size, blockHeight: head.height + 1, id: existing.id, statement: existing.statement,
            signature: existing.signature,
            disclosures: existing.disclosures, columns: existing.columns)
        let block = BlockRecord(
            height: head.height + 1, hash: head.hash, header: head.header, signature: head.signature, firstIndex: size,
            eventCount: 1)
        let write = BlockWrite(
            block: block, events: [copy], lotInputs: [], nodes: [], participants: [],
            checkpoint: CheckpointRecord(size: size + 1, root: checkpoint.root, note: checkpoint.note))
        await #expect {
            try await store.append(write)
        } throws: { error in
            guard let error = error as? LedgerError else { return false }
            return error.code == .storage && error.reason.contains("UNIQUE constraint failed: events.")
                && error.reason.contains("cannot append block \(head.height + 1)")
        }
        #expect(try await store.head() == head)
        #expect(try await store.events(0..<(size + 1)).count == size)
        let report = await fixture.ledger.verify()
        #expect(report.isValid)
    }
}
