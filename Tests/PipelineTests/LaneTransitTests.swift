import Foundation
import Testing

@testable import Pipeline

/// `transit_lane_deviation`: each transit against the transits of its lane, with the fallbacks of ``LaneTransits``.
@Suite struct LaneTransitTests {
    /// Shipments from `origin` to `destination`, one a day from 2026-03-01, taking `hours` each.
    static func shipments(
        _ chain: inout ChainFixture, from origin: String, to destination: String, hours: [Double], tag: String,
        product: String = "cocoa-beans"
    ) {
        for (number, transit) in hours.enumerated() {
            let shipped = Date(timeIntervalSince1970: 1_772_352_000 + Double(number) * 86_400)
            let received = shipped.addingTimeInterval(transit * 3_600)
            let formatter = ISO8601DateFormatter()
            let lot = "\(tag)-\(number)"
            chain.ship(
                "S-\(lot)", at: formatter.string(from: shipped), from: origin, to: destination, lot: lot, quantity: 100,
                shipment: "SH-\(lot)", product: product)
            chain.receive(
                "R-\(lot)", at: formatter.string(from: received), at: destination, from: origin, lot: lot,
                quantity: 100, shipment: "SH-\(lot)", product: product)
        }
    }

    static func deviations(_ table: FeatureTable) -> [Double] { table.columns["transit_lane_deviation"] ?? [] }

    @Test func aTransitIsMeasuredAgainstItsOwnLaneBothWays() throws {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [48, 50, 52, 54, 200, 20], tag: "A")
        let (_, table) = chain.features(minimumCohort: 5)
        let lane = try #require(table.laneReference[0])
        // Median 51 h; absolute deviations 3, 1, 1, 3, 149, 31: MAD 3, so the spread is 1.4826 × 3 h.
        #expect(
            lane
                == LaneTransits.Reference(
                    group: "lane FARM → MILL (cocoa-beans)", count: 6, median: 51, spread: 1.4826 * 3))
        let deviations = Self.deviations(table)
        #expect(abs(deviations[4] - 149 / (1.4826 * 3)) < 1e-9)  // far too slow
        #expect(abs(deviations[5] + 31 / (1.4826 * 3)) < 1e-9)  // far too fast
        #expect(abs(deviations[1]) < 1)
        #expect(
            Explanation.laneText(hours: 200, lane: lane)
                == "transit 200 h is 3.92× the 51.0 h median of 6 shipments on lane FARM → MILL (cocoa-beans)")
    }

    @Test func aLaneTooSmallFallsBackToItsCountriesThenItsDistance() throws {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("FARM-2", at: (latitude: 6.69, longitude: -1.62))
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        chain.facility("PORT", country: "BE", at: (latitude: 51.22, longitude: 4.40), kind: "port")
        // One shipment on FARM → MILL, four on FARM-2 → MILL: only the country lane GH → NL has five.
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [300], tag: "A")
        Self.shipments(&chain, from: "FARM-2", to: "MILL", hours: [100, 110, 120, 130], tag: "B")
        // One shipment to Belgium: its lanes are too small, its distance band (3,200–6,400 km) is not.
        Self.shipments(&chain, from: "FARM", to: "PORT", hours: [115], tag: "C")
        let (_, table) = chain.features(minimumCohort: 5)
        #expect(table.laneReference[0]?.group == "lanes GH → NL of 3,200–6,400 km (cocoa-beans)")
        #expect(table.laneReference[0]?.count == 5)
        #expect(table.laneReference[0]?.median == 120)
        #expect(table.laneReference[5]?.group == "lanes of 3,200–6,400 km (cocoa-beans)")
        #expect(table.laneReference[5]?.count == 6)
        #expect(Self.deviations(table)[0] > 10)
    }

    @Test func noPeerGroupLargeEnoughLeavesTheFeatureMissing() {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [48], tag: "A")
        let (_, table) = chain.features(minimumCohort: 2)
        #expect(table.laneReference == [nil])
        #expect(Self.deviations(table).count == 1 && Self.deviations(table)[0].isNaN)
        // A shipment that is never received has no transit, and so no deviation either.
        var unreceived = ChainFixture()
        unreceived.facility("FARM", at: ChainFixture.accra)
        unreceived.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        unreceived.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1, shipment: "SH-1")
        #expect(Self.deviations(unreceived.features(minimumCohort: 1).table).first?.isNaN == true)
    }

    @Test func aReceiveBeforeItsShipIsFarBelowItsLane() throws {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [190, 190, 190, 190, -12], tag: "A")
        let (_, table) = chain.features(minimumCohort: 5)
        let lane = try #require(table.laneReference[4])
        // Identical transits have no spread of their own: the floor, 5 % of the 190 h median, is the unit.
        #expect(lane.spread == 9.5)
        #expect(abs(Self.deviations(table)[4] - (-202 / 9.5)) < 1e-9)
        #expect(table.columns["transit_hours"]?[4] == -12)
        #expect(
            Explanation.laneText(hours: -12, lane: lane)
                == "received 12.0 h before it was shipped, against the 190 h median of 5 shipments on lane FARM → MILL (cocoa-beans)"
        )
    }

    /// `speed_lane_ratio`: a flight many times faster than its lane's has no bound, where its transit is only a few
    /// spreads below the lane's median; a lane with one shipment falls back, a negative transit has no speed.
    @Test func aSpeedIsMeasuredAgainstItsLanesSpeeds() throws {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        chain.facility("PORT", country: "BE", at: (latitude: 51.22, longitude: 4.40), kind: "port")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [200, 210, 190, 205, 195, 2, -5], tag: "A")
        Self.shipments(&chain, from: "FARM", to: "PORT", hours: [100], tag: "B")
        let (links, table) = chain.features(minimumCohort: 5)
        let ratios = try #require(table.columns["speed_lane_ratio"])
        let lane = try #require(table.speedReference[0])
        #expect(lane.group == "lane FARM → MILL (cocoa-beans)")
        #expect(lane.count == 6, "the negative transit has no speed")
        #expect(abs(ratios[5] - 100) < 2, "2 h against about 200 h: about 100 × the lane's speed")
        #expect(ratios[0] > 0.9 && ratios[0] < 1.1)
        #expect(ratios[6].isNaN)
        // The one shipment to Belgium is measured against its distance band, which the Dutch lane fills.
        #expect(table.speedReference[7]?.group == "lanes of 3,200–6,400 km (cocoa-beans)")
        let speed = try #require(links.speedKmh(of: links.shipments[7]))
        let band = try #require(table.speedReference[7])
        #expect(abs(ratios[7] - speed / band.median) < 1e-9)
    }

    /// On one lane fresh fish flies and beans sail: each product is measured against its own, and a product with too
    /// few shipments of its own against the whole lane.
    @Test func eachProductIsMeasuredAgainstItsOwnOnALane() throws {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [200, 210, 190, 205, 195], tag: "A")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [12, 14, 13, 12, 15], tag: "B", product: "salmon")
        Self.shipments(&chain, from: "FARM", to: "MILL", hours: [100], tag: "C", product: "coffee")
        let (_, table) = chain.features(minimumCohort: 5)
        let ratios = try #require(table.columns["speed_lane_ratio"])
        #expect(table.speedReference[5]?.group == "lane FARM → MILL (salmon)")
        #expect(ratios[5] > 0.9 && ratios[5] < 1.2, "a flight is ordinary among flights")
        #expect(table.laneReference[0]?.group == "lane FARM → MILL (cocoa-beans)")
        #expect(table.laneReference[10]?.group == "lane FARM → MILL")
        #expect(table.laneReference[10]?.count == 11)
    }
}
