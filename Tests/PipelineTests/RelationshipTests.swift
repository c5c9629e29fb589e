import Foundation
import Testing

@testable import Pipeline

/// `relationship_age_days`, `rare_partner_share` and `destination_region_share` (``FeatureContext``).
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

    /// `destination_region_share`: a farm that always ships to the Netherlands finds a first shipment to Belgium, in
    /// the same region, far less surprising than one to China, although both countries are equally new to it.
    @Test func aNewCountryInAKnownRegionIsLessSurprisingThanANewRegion() throws {
        var chain = Self.fixture()
        chain.facility("MILL-BE", country: "BE", at: (latitude: 51.22, longitude: 4.40), kind: "mill")
        chain.facility("MILL-CN", country: "CN", at: (latitude: 31.23, longitude: 121.47), kind: "mill")
        for day in 0..<24 { Self.ship(&chain, day: Double(day), to: "MILL", tag: "m\(day)") }
        Self.ship(&chain, day: 30, to: "MILL-BE", tag: "be")
        Self.ship(&chain, day: 31, to: "MILL-CN", tag: "cn")
        let (links, table) = chain.features(minimumCohort: 5)
        let countries = try #require(table.columns["destination_country_share"])
        let regions = try #require(table.columns["destination_region_share"])
        let explained = Explanation.text(
            feature: "destination_region_share", value: regions[25], columnMedian: regions[0], row: 25, table: table,
            links: links)
        #expect(
            explained
                == "an estimated 0.3 % of FARM's shipments of cocoa-beans go to Eastern Asia (CN's region), against a median of 96 %"
        )
        // Belgium and China: each new to the farm and to Ghana, each 1 of the product's 3 destination countries.
        #expect(countries[24] == countries[25])
        // Western Europe has 24 of the farm's 25 other shipments; Eastern Asia none (1 of the 2 regions shipped to).
        let others = 25.0
        let global: Double = 1 / (others + 2)
        let country = 10 * global / (others + 10)
        #expect(abs(regions[25] - 10 * country / (others + 10)) < 1e-12)
        let usual = (24 + 10 * (24 + 10 * (25.0 / (others + 2))) / (others + 10)) / (others + 10)
        #expect(abs(regions[24] - usual) < 1e-12)
        #expect(regions[24] > 0.9 && regions[25] < 0.01 && regions[24] > 100 * countries[24])
    }

    /// Every ISO 3166-1 code but Antarctica's belongs to one of the 22 regions; an unlisted code is its own region.
    @Test func everyCountryHasOneRegion() {
        let listed = CountryRegions.members.flatMap { $0.countries.split(separator: " ") }
        #expect(listed.count == 248 && Set(listed).count == 248 && CountryRegions.members.count == 22)
        #expect(listed.allSatisfy { $0.count == 2 && $0.allSatisfy { ("A"..."Z").contains($0) } })
        #expect(
            CountryRegions.region(of: "GH") == "Western Africa" && CountryRegions.region(of: "NL") == "Western Europe")
        #expect(CountryRegions.region(of: "AQ") == "AQ")
    }
}
