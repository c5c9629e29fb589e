import Foundation
import LedgerCore
import Provenance
import TestSupport
import Testing

/// A lot followed back to its plots for the EU deforestation regulation (``EUDROrigins``): shares by mass balance
/// through a merge, checked against shares computed by hand, and the refusals.
@Suite struct EUDROriginsTests {
    static func event(_ kind: EventKind, _ record: String, _ fields: [String: JSONValue]) throws -> EventContent {
        try EventContent(
            kind: kind, recordID: record, occurredAt: Timestamp(epochSeconds: 1_767_225_600 + 3_600), fields: fields)
    }

    static func harvest(_ record: String, lot: String, kilograms: String, plots: [String]) throws -> EventContent {
        try event(
            .produce, record,
            [
                "product": "cocoa-beans", "lot": .string(lot), "facility": "FARM-1", "unit": "kg",
                "quantity": .string(kilograms), "plots": .array(plots.map(JSONValue.string)),
            ])
    }

    /// The farm's plots P1 and P2 (2 ha each) and three harvests; the mill merges 600 kg of LOT-1 and 0.2 t of LOT-2.
    static func merged(_ fixture: LedgerFixture) async throws {
        _ = try await fixture.ledger.append(
            [
                try AdmissionTests.plot("P1", party: "farm", parent: "FARM-1"),
                try AdmissionTests.plot("P2", party: "farm", parent: "FARM-1"),
                try harvest("H1", lot: "LOT-1", kilograms: "600", plots: ["P1"]),
                try harvest("H2", lot: "LOT-1", kilograms: "400", plots: ["P1", "P2"]),
                try harvest("H3", lot: "LOT-2", kilograms: "500", plots: ["P2"]),
            ], signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(
            [
                try event(
                    .transform, "T1",
                    [
                        "product": "cocoa-mass", "lot": "MASS-1", "facility": "MILL-1", "unit": "kg", "quantity": "650",
                        "input_lots": ["LOT-1", "LOT-2"], "input_quantities": ["600", "200"],
                    ])
            ], signedWith: fixture.millKey)
    }

    @Test(arguments: StoreBackend.tested) func sharesFollowTheMassBalanceThroughAMerge(backend: StoreBackend)
        async throws
    {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        try await Self.merged(fixture)
        let origins = try await fixture.ledger.eudrOrigins(of: "MASS-1")
        // LOT-1 is 3/4 of the mass, LOT-2 1/4; H1 is 60 % of LOT-1, H2 40 % (half from each plot), H3 all of LOT-2.
        let harvests = Dictionary(uniqueKeysWithValues: origins.harvests.map { ($0.recordID, $0.share) })
        #expect(abs((harvests["H1"] ?? 0) - 0.45) < 1e-12)
        #expect(abs((harvests["H2"] ?? 0) - 0.30) < 1e-12)
        #expect(abs((harvests["H3"] ?? 0) - 0.25) < 1e-12)
        let plots = Dictionary(uniqueKeysWithValues: origins.plots.map { ($0.id, $0.share) })
        #expect(abs((plots["P1"] ?? 0) - 0.60) < 1e-12)
        #expect(abs((plots["P2"] ?? 0) - 0.40) < 1e-12)
        // The plots cover the lot; they declare no date of establishment, which the cut-off check says.
        #expect(origins.checks.map(\.passed) == [true, true, false])
        #expect(origins.checks.last?.detail == "no date declared: P1, P2")
        // The geolocation file: one feature per plot, a point with its area.
        let features = origins.geoJSON["features"]?.arrayValue ?? []
        #expect(features.count == 2)
        #expect(features.first?["properties"]?["ProducerName"] == "Farm")
        #expect(features.first?["properties"]?["ProductionPlace"] == "P1")
        #expect(features.first?["properties"]?["Area"] == .number("2"))
        #expect(features.first?["geometry"]?["type"] == "Point")
        // The events it rests on: three harvests, the transformation and the two plots' master data.
        #expect(origins.evidence.count == 6)
        #expect(Set(origins.evidence).isSuperset(of: origins.harvests.map(\.eventID)))
        // A lot shipped on is the same goods: its own origins are LOT-1's.
        let lotOne = try await fixture.ledger.eudrOrigins(of: "LOT-1")
        #expect(lotOne.plots.map(\.id) == ["P1", "P2"])
        #expect(abs((lotOne.plots.first?.share ?? 0) - 0.8) < 1e-12)
    }

    /// A lot that reaches the target by two paths (LOT-1, directly and through MASS-1) counts once on each.
    @Test(arguments: StoreBackend.tested) func aLotReachedByTwoPathsCountsOnEach(backend: StoreBackend) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        try await Self.merged(fixture)
        _ = try await fixture.ledger.append(
            [
                try Self.event(
                    .transform, "T2",
                    [
                        "product": "cocoa-mass", "lot": "MASS-2", "facility": "MILL-1", "unit": "kg", "quantity": "380",
                        "input_lots": ["MASS-1", "LOT-1"], "input_quantities": ["300", "100"],
                    ])
            ], signedWith: fixture.millKey)
        let origins = try await fixture.ledger.eudrOrigins(of: "MASS-2")
        // 3/4 MASS-1 (H1 .45, H2 .30, H3 .25) and 1/4 LOT-1 (H1 .6, H2 .4).
        let harvests = Dictionary(uniqueKeysWithValues: origins.harvests.map { ($0.recordID, $0.share) })
        #expect(abs((harvests["H1"] ?? 0) - 0.4875) < 1e-12)
        #expect(abs((harvests["H2"] ?? 0) - 0.325) < 1e-12)
        #expect(abs((harvests["H3"] ?? 0) - 0.1875) < 1e-12)
        #expect(origins.evidence.count == 7)
    }

    @Test(arguments: StoreBackend.tested) func aHarvestWithoutPlotsIsRefusedByName(backend: StoreBackend) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        try await Self.merged(fixture)
        _ = try await fixture.ledger.append(
            [
                try Self.event(
                    .produce, "H4",
                    ["product": "cocoa-beans", "lot": "LOT-3", "facility": "FARM-1", "unit": "kg", "quantity": "10"])
            ], signedWith: fixture.farmKey)
        await #expect {
            _ = try await fixture.ledger.eudrOrigins(of: "LOT-3")
        } throws: {
            ($0 as? LedgerError)?.reason.contains("harvest H4 (lot LOT-3, by farm) names no plot") == true
        }
        await #expect { _ = try await fixture.ledger.eudrOrigins(of: "NO-LOT") } throws: {
            ($0 as? LedgerError)?.code == .notFound
        }
    }
}
