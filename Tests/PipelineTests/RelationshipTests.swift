import Foundation
import Testing

@testable import Pipeline

/// `relationship_age_days` and `rare_partner_share` (``FeatureContext``).
@Suite struct RelationshipTests {
    /// A ship from `origin` to `destination`, `day` days after 2026-01-01.
    static func ship(
        _ chain: inout ChainFixture, day: Double, from origin: String = "FARM", to destination: String,
        quantity: Double = 1_000, product: String = "cocoa-beans", tag: String
    ) {
        let formatter = ISO8601DateFormatter()
        let shipped = Date(timeIntervalSince1970: 1_767_225_600 + day * 86_400)
        chain.ship(
            "S-\(tag)", at: formatter.string(from: shipped), from: origin, to: destination, lot: "L-\(tag)",
            quantity: quantity, shipment: "SH-\(tag)", product: product)
    }

    static func fixture() -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        for mill in ["MILL", "ODD-1", "ODD-2"] {
            chain.facility(mill, country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        }
        return chain
    }

    /// The age counts from the pair's first shipment in time, whatever the ledger order or the product.
    @Test func aRelationshipAgesFromItsFirstShipment() throws {
        var chain = Self.fixture()
        Self.ship(&chain, day: 10, to: "MILL", tag: "b")
        Self.ship(&chain, day: 3, to: "MILL", tag: "a")
        Self.ship(&chain, day: 40, to: "MILL", product: "cocoa-mass", tag: "c")
        Self.ship(&chain, day: 40, to: "ODD-1", tag: "d")
        let (_, table) = chain.features(minimumCohort: 5)
        #expect(try #require(table.columns["relationship_age_days"]) == [7, 0, 37, 0])
    }

    /// 18 shipments to one mill and one each to two others: the two one-off destinations take 1,000 of 19,000 kg.
    @Test func theShareToRareCounterparties() throws {
        var chain = Self.fixture()
        for day in 0..<18 { Self.ship(&chain, day: Double(day), to: "MILL", tag: "m\(day)") }
        Self.ship(&chain, day: 20, to: "ODD-1", quantity: 500, tag: "o1")
        Self.ship(&chain, day: 21, to: "ODD-2", quantity: 500, tag: "o2")
        let shares = try #require(chain.features(minimumCohort: 20).table.columns["rare_partner_share"])
        #expect(shares.count == 20 && shares.allSatisfy { abs($0 - 1_000.0 / 19_000) < 1e-12 })
        // Twenty shipments are the minimum cohort here; with a larger one the sender's history is too short.
        let short = try #require(chain.features(minimumCohort: 21).table.columns["rare_partner_share"])
        #expect(short.allSatisfy { $0.isNaN })
    }
}
