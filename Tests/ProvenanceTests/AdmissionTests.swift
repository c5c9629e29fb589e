import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance
import TestSupport
import Testing

/// Every door into the ledger runs the same admission checks: a producer with a valid key tries each one as a
/// hostile participant, and each attempt is refused with its record and field named, the ledger unchanged.
@Suite struct AdmissionTests {
    /// The doors a producer's own records can come through in the library.
    enum Door: String, CaseIterable, Sendable {
        /// `prov append`: records signed by the ledger with the producer's key.
        case records
        /// `POST /v1/batches` as JSON: events the producer signed itself.
        case signedEvents
        /// `prov ingest`, `prov facilities import`, raw batches: a file read record by record.
        case file
    }

    static func append(
        _ contents: [EventContent], through door: Door, key: Ed25519.PrivateKey, signer: String,
        to ledger: Ledger
    ) async throws {
        switch door {
        case .records:
            _ = try await ledger.append(contents, signedWith: key)
        case .signedEvents:
            let events = try contents.map { try SignedEvent.sign($0, signer: signer, key: key) }
            _ = try await ledger.append(signed: events)
        case .file:
            let rejects = Rejects()
            do {
                _ = try await ledger.ingest(ArraySource(contents), signedWith: key, onReject: rejects.add)
            } catch {
                // The file's summary error; the reject names the record and field.
                throw LedgerError(error.code, rejects.messages.joined(separator: "; "))
            }
        }
    }

    /// Appends `contents` through `door` as the farm and expects a refusal whose message contains `expected`, with
    /// nothing written.
    static func expectRefused(
        _ contents: [EventContent], through door: Door, fixture: LedgerFixture, containing expected: String,
        key: Ed25519.PrivateKey? = nil, signer: String = "farm",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let head = try await fixture.ledger.store.head()
        do {
            try await append(contents, through: door, key: key ?? fixture.farmKey, signer: signer, to: fixture.ledger)
            Issue.record("\(door): admitted, expected a refusal containing \(expected)", sourceLocation: sourceLocation)
        } catch let error as LedgerError {
            #expect(
                error.description.contains(expected), "\(door): \(error.description)", sourceLocation: sourceLocation)
        }
        #expect(try await fixture.ledger.store.head() == head, "\(door) wrote a block", sourceLocation: sourceLocation)
    }

    static func produce(
        _ recordID: String, lot: String, facility: String = "FARM-1", at time: String = "2026-03-01T08:00:00Z",
        extra: [String: JSONValue] = [:]
    ) throws -> EventContent {
        try EventContent(
            kind: .produce, recordID: recordID, occurredAt: Timestamp(iso8601: time),
            fields: [
                "product": "cocoa-beans", "lot": .string(lot), "facility": .string(facility), "unit": "kg",
                "quantity": "10",
            ].merging(extra) { _, new in new })
    }

    @Test(arguments: Door.allCases, StoreBackend.tested) func aFacilityOfAnotherPartyCannotBeTakenOver(
        door: Door, backend: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        // The farm declares the mill's facility as its own.
        let takeover = try LedgerFixture.facility("MILL-1", party: "farm", kind: "mill")
        try await Self.expectRefused(
            [takeover], through: door, fixture: fixture, containing: "facility 'MILL-1' is registered to 'mill'")
        // … or names the mill as the party of a facility it signs.
        let forged = try LedgerFixture.facility("FARM-9", party: "mill", kind: "farm")
        try await Self.expectRefused(
            [forged], through: door, fixture: fixture, containing: "the facility's party is 'mill'")
        let facilities = try await fixture.ledger.facilities()
        #expect(facilities.last { $0.id == "MILL-1" }?.fields["party"] == "mill")
        #expect(await fixture.ledger.verify().isValid)
    }

    @Test(arguments: Door.allCases, StoreBackend.tested) func aLocationBelongsToASiteOfItsOwnParty(
        door: Door, backend: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        try await Self.expectRefused(
            [try LedgerFixture.facility("DOCK-1", party: "farm", kind: "warehouse", parent: "MILL-1")], through: door,
            fixture: fixture, containing: "parent facility 'MILL-1' belongs to 'mill'")
        try await Self.expectRefused(
            [try LedgerFixture.facility("DOCK-1", party: "farm", kind: "warehouse", parent: "NOWHERE")], through: door,
            fixture: fixture, containing: "unknown parent facility 'NOWHERE'")
        try await Self.expectRefused(
            [try LedgerFixture.facility("DOCK-1", party: "farm", kind: "warehouse", parent: "DOCK-1")], through: door,
            fixture: fixture, containing: "names itself as its parent")
        // A site and its location in one batch, then the site re-registered inside its own location: a cycle.
        try await Self.append(
            [
                try LedgerFixture.facility("DOCK-1", party: "farm", kind: "warehouse", parent: "FARM-1"),
                try LedgerFixture.facility("BAY-1", party: "farm", kind: "warehouse", parent: "DOCK-1"),
            ], through: door, key: fixture.farmKey, signer: "farm", to: fixture.ledger)
        let cycle = try EventContent(
            kind: .facility, recordID: "facility/FARM-1/2", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
            fields: [
                "facility": "FARM-1", "party": "farm", "name": "FARM-1", "kind": "farm", "country": "GH",
                "latitude": "6.7", "longitude": "-1.6", "parent_facility": "BAY-1",
            ])
        try await Self.expectRefused(
            [cycle], through: door, fixture: fixture,
            containing: "parent facility 'BAY-1' lies inside 'FARM-1': a location hierarchy has no cycles")
        #expect(await fixture.ledger.verify().isValid)
    }

    @Test(arguments: Door.allCases, StoreBackend.tested) func eventsAtAnotherPartysFacilityOrLotAreRefused(
        door: Door, backend: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        try await Self.expectRefused(
            [Self.produce("X-1", lot: "LOT-X", facility: "MILL-1")], through: door, fixture: fixture,
            containing: "facility 'MILL-1' belongs to 'mill', not to 'farm'")
        try await Self.expectRefused(
            [Self.produce("X-2", lot: "LOT-X", facility: "NOWHERE")], through: door, fixture: fixture,
            containing: "unknown facility 'NOWHERE'")
        // The mill makes a lot; the farm may not add to it, in another block or in the same one.
        _ = try await fixture.ledger.append(
            [
                try EventContent(
                    kind: .produce, recordID: "M-1", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
                    fields: [
                        "product": "cocoa-mass", "lot": "MASS-1", "facility": "MILL-1", "unit": "kg", "quantity": "5",
                    ])
            ], signedWith: fixture.millKey)
        try await Self.expectRefused(
            [Self.produce("X-3", lot: "MASS-1")], through: door, fixture: fixture,
            containing: "lot 'MASS-1' was made by 'mill'")
        // A certificate claimed must be the facility's own.
        try await Self.expectRefused(
            [Self.produce("X-4", lot: "LOT-Y", extra: ["certificate": "FAKE-CERT"])], through: door, fixture: fixture,
            containing: "certificate 'FAKE-CERT' is not facility 'FARM-1''s")
        #expect(await fixture.ledger.verify().isValid)
    }

    /// A plot of `party` inside `parent`: a point, 2 ha of cocoa.
    static func plot(_ id: String, party: String, parent: String) throws -> EventContent {
        try EventContent(
            kind: .facility, recordID: "facility/\(id)", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
            fields: [
                "facility": .string(id), "party": .string(party), "name": .string(id), "kind": "plot", "country": "GH",
                "latitude": "6.712345", "longitude": "-1.612345", "parent_facility": .string(parent),
                "geometry": #"{"type":"Point","coordinates":[-1.612345,6.712345]}"#, "area_ha": "2",
                "commodity": "cocoa",
            ])
    }

    @Test(arguments: Door.allCases, StoreBackend.tested) func aLotComesOnlyFromTheProducersOwnPlotsAtItsFacility(
        door: Door, backend: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(
            [
                try LedgerFixture.facility("FARM-2", party: "farm", kind: "farm"),
                try Self.plot("PLOT-1", party: "farm", parent: "FARM-1"),
                try Self.plot("PLOT-2", party: "farm", parent: "FARM-2"),
            ], signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(
            [try Self.plot("PLOT-M", party: "mill", parent: "MILL-1")], signedWith: fixture.millKey)
        let refusals: [(plots: String, expected: String)] = [
            ("PLOT-M", "plot 'PLOT-M' belongs to 'mill', not to 'farm'"),
            ("PLOT-1;PLOT-X", "unknown plot 'PLOT-X'"),
            ("FARM-2", "'FARM-2' is a facility of kind farm, not a plot"),
            ("PLOT-2", "plot 'PLOT-2' lies in 'FARM-2', not inside 'FARM-1' where the lot was produced"),
        ]
        for (index, refusal) in refusals.enumerated() {
            try await Self.expectRefused(
                [Self.produce("P-\(index)", lot: "LOT-P\(index)", extra: ["plots": .string(refusal.plots)])],
                through: door, fixture: fixture, containing: refusal.expected)
        }
        // The farm's own plots at the facility: admitted, and kept on the event.
        try await Self.append(
            [try Self.produce("P-OK", lot: "LOT-OK", extra: ["plots": "PLOT-1"])], through: door,
            key: fixture.farmKey, signer: "farm", to: fixture.ledger)
        let history = try await fixture.ledger.history(of: "LOT-OK")
        #expect(history.entries.last?.event.visibleFields["plots"] == ["PLOT-1"])
        #expect(await fixture.ledger.verify().isValid)
    }

    @Test(arguments: Door.allCases, StoreBackend.tested) func timesOutsideTheWindowAreRefused(
        door: Door, backend: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        // The fixture's clock reads 2028-01-01T00:00:00Z: a day later is the last time admitted.
        try await Self.expectRefused(
            [Self.produce("T-1", lot: "LOT-T", at: "9999-01-01T00:00:00Z")], through: door, fixture: fixture,
            containing: "occurred_at 9999-01-01T00:00:00Z lies outside the ledger's window")
        try await Self.expectRefused(
            [Self.produce("T-2", lot: "LOT-T", at: "2028-01-02T00:00:01Z")], through: door, fixture: fixture,
            containing: "lies outside the ledger's window")
        try await Self.expectRefused(
            [Self.produce("T-3", lot: "LOT-T", at: "1899-12-31T23:59:59Z")], through: door, fixture: fixture,
            containing: "lies outside the ledger's window")
        try await Self.append(
            [Self.produce("T-4", lot: "LOT-T", at: "2028-01-02T00:00:00Z")], through: door, key: fixture.farmKey,
            signer: "farm", to: fixture.ledger)
        #expect(await fixture.ledger.verify().isValid)
    }

    @Test(arguments: StoreBackend.tested) func aReviewMustNameAFlagOfAnAnchoredReport(backend: StoreBackend)
        async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let officerKey = try LedgerFixture.key(9)
        _ = try await fixture.ledger.registerParticipant(
            id: "officer", name: "Officer", role: .compliance, publicKey: officerKey.publicKey)
        let review = try EventContent(
            kind: .review, recordID: "review/F-0000/1", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
            fields: ["flag": "F-0000", "decision": "confirmed", "note": "made up"])
        for door in Door.allCases {
            try await Self.expectRefused(
                [review], through: door, fixture: fixture, containing: "no anchored report holds the flag F-0000",
                key: officerKey, signer: "officer")
        }
    }

    /// Hand-made statements a client could sign that no adapter would build: each is refused by the signed-event door
    /// before anything is written, and the ledger still verifies.
    @Test(arguments: StoreBackend.tested) func signedEventsMeetTheSchemaOfTheirKind(backend: StoreBackend) async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let base: [String: JSONValue] = [
            "product": "cocoa-beans", "lot": "LOT-S", "facility": "FARM-1", "unit": "kg",
        ]
        let cases: [(String, [String: JSONValue], [String: JSONValue], String)] = [
            ("ship", ["lot": "LOT-S"], [:], "missing required field"),
            ("produce", base.merging(["lot": "LOT\u{0}x"]) { $1 }, ["quantity": "1"], "contains U+0000"),
            ("produce", base.merging(["facility": "FARM-1\u{0}"]) { $1 }, ["quantity": "1"], "contains U+0000"),
            ("produce", base.merging(["lot": "LOT\u{202E}S"]) { $1 }, ["quantity": "1"], "contains U+202E"),
            ("produce", base.merging(["lot": .number("5")]) { $1 }, ["quantity": "1"], "canonical form"),
            ("produce", base.merging(["unit": "bananas"]) { $1 }, ["quantity": "1"], "'bananas' is not one of"),
            ("produce", base, ["quantity": "-7"], "must be greater than 0"),
            ("produce", base, ["quantity": "1.50"], "canonical form"),
            ("produce", base.merging(["unit_price": "2"]) { $1 }, ["quantity": "1"], "commercially sensitive"),
            ("produce", base, [:], "missing required field 'quantity'"),
            (
                "produce", base.merging(["extensions": ["x": .string("\u{7}")]]) { $1 }, ["quantity": "1"],
                "field extensions.x"
            ),
        ]
        for (offset, (kind, fields, sensitive, expected)) in cases.enumerated() {
            let event = try Self.handSigned(
                kind: kind, recordID: "H-\(offset)", fields: fields, sensitive: sensitive, key: fixture.farmKey)
            try await Self.expectSignedRefused(event, fixture: fixture, containing: expected)
        }
        // A commitment with no disclosure, or for a field the kind does not have.
        let withheld = try Self.handSigned(
            kind: "produce", recordID: "H-W", fields: base, sensitive: ["quantity": "1"], key: fixture.farmKey,
            dropDisclosures: true)
        try await Self.expectSignedRefused(withheld, fixture: fixture, containing: "without its disclosure")
        let unknown = try Self.handSigned(
            kind: "produce", recordID: "H-U", fields: base, sensitive: ["quantity": "1", "secret": "x"],
            key: fixture.farmKey)
        try await Self.expectSignedRefused(unknown, fixture: fixture, containing: "a commitment for 'secret'")
        // Record IDs: empty, a control character, too long.
        for (recordID, expected) in [
            ("", "record_id is empty"), ("R\u{1}", "contains U+0001"),
            (String(repeating: "r", count: 300), "bytes long"),
        ] {
            let event = try Self.handSigned(
                kind: "produce", recordID: recordID, fields: base, sensitive: ["quantity": "1"], key: fixture.farmKey)
            try await Self.expectSignedRefused(event, fixture: fixture, containing: expected)
        }
        #expect(await fixture.ledger.verify().isValid)
    }

    static func expectSignedRefused(
        _ event: SignedEvent, fixture: LedgerFixture, containing expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let head = try await fixture.ledger.store.head()
        do throws(LedgerError) {
            _ = try await fixture.ledger.append(signed: [event])
            Issue.record("admitted, expected a refusal containing \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .invalidRecord, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(expected), "\(error.description)", sourceLocation: sourceLocation)
            #expect(error.description.contains("batch entry 1"), "\(error.description)", sourceLocation: sourceLocation)
        }
        #expect(try await fixture.ledger.store.head() == head, sourceLocation: sourceLocation)
    }

    /// A statement built by hand, as a client could, signed by `key` as the farm.
    static func handSigned(
        kind: String, recordID: String, fields: [String: JSONValue], sensitive: [String: JSONValue],
        key: Ed25519.PrivateKey, dropDisclosures: Bool = false
    ) throws -> SignedEvent {
        try HandSigned.event(
            kind: kind, signer: "farm", recordID: recordID, occurredAt: "2026-03-01T08:00:00Z", fields: fields,
            sensitive: sensitive, key: key, dropDisclosures: dropDisclosures)
    }
}
