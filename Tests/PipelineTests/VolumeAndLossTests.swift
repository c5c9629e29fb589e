import Foundation
import Testing

@testable import Pipeline

/// `volume_window_ratio` (``VolumeWindows``) and `loss_lane_deviation` (losses against their lane's).
@Suite struct VolumeAndLossTests {
    /// A ship and its receive from FARM to MILL, `day` days after 2026-01-01, shipping `quantity` kg and receiving
    /// `received` kg.
    static func shipment(
        _ chain: inout ChainFixture, day: Double, quantity: Double, received: Double? = nil, tag: String,
        from farm: String = "FARM"
    ) {
        let formatter = ISO8601DateFormatter()
        let shipped = Date(timeIntervalSince1970: 1_767_225_600 + day * 86_400)
        let arrived = shipped.addingTimeInterval(48 * 3_600)
        chain.ship(
            "S-\(tag)", at: formatter.string(from: shipped), from: farm, to: "MILL", lot: "L-\(tag)",
            quantity: quantity, shipment: "SH-\(tag)")
        chain.receive(
            "R-\(tag)", at: formatter.string(from: arrived), at: "MILL", from: farm, lot: "L-\(tag)",
            quantity: received ?? quantity, shipment: "SH-\(tag)")
    }

    static func fixture() -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("FARM-2", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        return chain
    }

    /// FARM and FARM-2 each ship 100 kg every 5 days for half a year, then FARM ships five extra shipments of
    /// 1,000 kg in one week: a burst, while FARM-2 goes on as usual. The first month's windows reach back before the
    /// range and get no value rather than a false drop.
    @Test func aBurstStandsOutAgainstTheSendersOwnMonthsAndItsPeers() throws {
        var chain = Self.fixture()
        for step in 0..<36 { Self.shipment(&chain, day: Double(step) * 5, quantity: 100, tag: "n\(step)") }
        for extra in 0..<5 { Self.shipment(&chain, day: 170 + Double(extra), quantity: 1_000, tag: "b\(extra)") }
        for step in 0..<36 {
            Self.shipment(&chain, day: Double(step) * 5 + 1, quantity: 100, tag: "m\(step)", from: "FARM-2")
        }
        let (links, table) = chain.features(minimumCohort: 5)
        let ratios = try #require(table.columns["volume_window_ratio"])
        // Shipments on days 0 to 25 have windows that begin before the range's first event.
        #expect(ratios[0..<6].allSatisfy { $0.isNaN })
        // An ordinary month: six shipments of 100 kg from each farm.
        let typical = try #require(table.volumeWindow[10])
        #expect(typical.median == 600 && typical.volume == 600 && typical.others == 600 && abs(ratios[10] - 1) < 1e-9)
        // The last burst shipment: six 100 kg shipments plus five of 1,000 kg in its 30 days; FARM-2's six as usual.
        let window = try #require(table.volumeWindow[40])
        #expect(window.volume == 5_600 && window.others == 600)
        // A flag it drives lists the window's eleven shipments: six ordinary ones and the five of the burst.
        let members = table.windowShips[window.sender][window.first...window.last]
        #expect(members.count == 11)
        #expect(members.allSatisfy { links.events[$0].facility == "FARM" && links.events[$0].kind == .ship })
        #expect(members.map { links.events[$0].baseQuantity ?? 0 }.reduce(0, +) == 5_600)
        #expect(abs(ratios[40] - 5_660.0 / 660) < 1e-9)
        let burst = links.events[try #require(links.shipments[40].ship)]
        #expect(
            Explanation.windowText(window, sender: "FARM", event: burst)
                == "FARM shipped 5,600 kg of cocoa-beans in the 30 days up to this shipment, 9.33× its median of 600 kg over 35 such windows, while the other senders of cocoa-beans shipped 1.00× their median"
        )
    }

    /// Both farms ship a tenth of their usual volume in the last month: what every sender does is no drop.
    @Test func aDropEverySenderSharesCancelsOut() throws {
        var chain = Self.fixture()
        for step in 0..<36 {
            let quantity: Double = step < 30 ? 100 : 10
            Self.shipment(&chain, day: Double(step) * 5, quantity: quantity, tag: "n\(step)")
            Self.shipment(&chain, day: Double(step) * 5 - 0.5, quantity: quantity, tag: "m\(step)", from: "FARM-2")
        }
        let (_, table) = chain.features(minimumCohort: 5)
        // FARM's last shipment, on day 175: six shipments of 10 kg in its window, and FARM-2's six of 10 kg.
        let window = try #require(table.volumeWindow[70])
        #expect(window.volume < 100 && window.own < 0.3)
        #expect(abs(window.ratio - 1) < 0.2)
    }

    /// A sender with too few full windows has no history to compare with.
    @Test func aShortHistoryHasNoWindowRatio() throws {
        var chain = Self.fixture()
        for step in 0..<9 { Self.shipment(&chain, day: Double(step) * 5, quantity: 100, tag: "n\(step)") }
        let (_, table) = chain.features(minimumCohort: 5)
        // Windows from day 30 on are full: days 30, 35 and 40, three, fewer than five.
        #expect(try #require(table.columns["volume_window_ratio"]).allSatisfy { $0.isNaN })
    }

    /// A lane that loses about 1 %: a 20 % loss is far above it, a gain far below, and the explanation names the
    /// lane.
    @Test func aLossIsMeasuredAgainstItsLaneBothWays() throws {
        var chain = Self.fixture()
        let received: [Double] = [990, 989, 991, 990, 992, 988, 990, 800, 1_050]
        for (index, got) in received.enumerated() {
            Self.shipment(&chain, day: Double(index), quantity: 1_000, received: got, tag: "l\(index)")
        }
        let (_, table) = chain.features(minimumCohort: 5)
        let deviations = try #require(table.columns["loss_lane_deviation"])
        let lane = try #require(table.lossReference[7])
        #expect(lane.group == "lane FARM → MILL (cocoa-beans)" && abs(lane.median - 0.01) < 1e-12)
        // The lane's losses are all within 0.2 %: the floor, half a percent, is the spread.
        #expect(lane.spread == 0.005)
        #expect(abs(deviations[7] - (0.2 - 0.01) / 0.005) < 1e-9)
        #expect(abs(deviations[8] - (-0.05 - 0.01) / 0.005) < 1e-9)
        #expect(abs(deviations[0]) < 1e-9)
        #expect(
            Explanation.lossText(loss: 0.2, lane: lane)
                == "lost 20 % in transit, against the 1.00 % median of 9 shipments on lane FARM → MILL (cocoa-beans)")
        #expect(Explanation.lossText(loss: -0.05, lane: lane).hasPrefix("received 5.0 % more than was shipped"))
    }
}
