import Foundation
import LedgerCore
import Testing

@testable import Pipeline

/// Links joined from events, the features computed per link, and the stability of flags and reports.
@Suite struct LinkAndFeatureTests {
    // MARK: - Links

    @Test func receiveImportedBeforeItsShipStillLinks() throws {
        var chain = ChainFixture()
        chain.receive(
            "R1", at: "2026-03-02T08:00:00Z", at: "MILL", from: "FARM", lot: "L1", quantity: 1_000, shipment: "SH-1")
        chain.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        let links = chain.links()
        #expect(links.shipments.count == 1)
        let link = try #require(links.shipments.first)
        #expect(link.ship == 1)
        #expect(link.receive == 0)
        #expect(!link.isUnreceived)
        #expect(links.unreceived == 0)
        #expect(links.unshipped == 0)
    }

    @Test func shipAndReceiveJoinOnShipmentAndLot() {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 500, shipment: "SH-1")
        chain.ship(
            "S2", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L2", quantity: 500, shipment: "SH-1")
        chain.receive(
            "R2", at: "2026-03-02T08:00:00Z", at: "MILL", from: "FARM", lot: "L2", quantity: 500, shipment: "SH-1")
        chain.receive(
            "R3", at: "2026-03-02T08:00:00Z", at: "MILL", from: "FARM", lot: "L3", quantity: 500, shipment: "SH-1")
        let links = chain.links()
        #expect(links.shipments.map(\.ship) == [0, 1, nil])
        #expect(links.shipments.map(\.receive) == [nil, 2, 3])
        #expect(links.unshipped == 1)
        #expect(links.unreceived == 0)
    }

    /// A ship, and a later event `hoursLater` after it.
    static func unreceived(hoursLater: Int) -> ChainFixture {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-03-01T00:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        let day = 1 + hoursLater / 24
        chain.produce(
            "P1", at: "2026-03-\(two(day))T\(two(hoursLater % 24)):00:00Z", facility: "FARM", lot: "L2", quantity: 10)
        return chain
    }

    @Test func shipWithoutReceiveIsUnreceivedOnlyPastTheConfiguredHours() {
        let recent = Self.unreceived(hoursLater: 47).links(unreceivedAfterHours: 48)
        #expect(recent.unreceived == 0)
        #expect(recent.shipments.first?.isUnreceived == false)
        let borderline = Self.unreceived(hoursLater: 48).links(unreceivedAfterHours: 48)
        #expect(borderline.unreceived == 0)
        let old = Self.unreceived(hoursLater: 49).links(unreceivedAfterHours: 48)
        #expect(old.unreceived == 1)
        #expect(old.shipments.first?.isUnreceived == true)
        #expect(Self.unreceived(hoursLater: 49).links().unreceived == 0)
    }

    @Test func transformFindsTheEventsThatBroughtItsInputs() throws {
        var chain = ChainFixture()
        chain.produce("P1", at: "2026-03-01T06:00:00Z", facility: "MILL", lot: "B1", quantity: 600)
        chain.ship(
            "S2", at: "2026-03-01T07:00:00Z", from: "FARM", to: "MILL", lot: "B2", quantity: 400, shipment: "SH-2")
        chain.receive(
            "R2", at: "2026-03-01T09:00:00Z", at: "MILL", from: "FARM", lot: "B2", quantity: 400, shipment: "SH-2")
        chain.produce("P3", at: "2026-03-01T06:00:00Z", facility: "ELSEWHERE", lot: "B3", quantity: 100)
        chain.transform(
            "T1", at: "2026-03-01T12:00:00Z", facility: "MILL", inputs: [("B1", 600), ("B2", 400), ("B3", 100)],
            lot: "N1", quantity: 800)
        let link = try #require(chain.links().transforms.first)
        #expect(link.transform == 4)
        #expect(link.sources == [0, 2, nil])
    }

    // MARK: - Features

    /// Accra to Amsterdam: shipped 1 t at 08:00 UTC, 940 kg received 48 h later (written at UTC+2).
    static func accraToAmsterdam() -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        chain.ship(
            "S1", at: "2026-03-01T08:00:00+00:00", from: "FARM", to: "MILL", lot: "L1", quantity: 1, unit: "t",
            shipment: "SH-1")
        chain.receive(
            "R1", at: "2026-03-03T10:00:00+02:00", at: "MILL", from: "FARM", lot: "L1", quantity: 940, shipment: "SH-1")
        return chain
    }

    static func value(_ table: FeatureTable, _ feature: String, row: Int = 0) -> Double {
        table.columns[feature]?[row] ?? -1
    }

    @Test func shipmentFeaturesAreComputedAsDocumented() {
        let (_, table) = Self.accraToAmsterdam().features()
        #expect(table.subjects == [.shipment(0)])
        #expect(Self.value(table, "transit_hours") == 48)
        let distance = Self.value(table, "distance_km")
        // The great-circle distance between the two cities is 5,220 km.
        #expect(abs(distance - 5_220) / 5_220 < 0.01)
        #expect(abs(distance - Self.sphericalLawOfCosines(ChainFixture.accra, ChainFixture.amsterdam)) < 0.01)
        #expect(Self.value(table, "speed_kmh") == distance / 48)
        #expect(abs(Self.value(table, "loss_ratio") - 0.06) < 1e-12)
        #expect(Self.value(table, "pair_novelty") == 1)
        #expect(Self.value(table, "pair_share") == 1)
        for feature in FeatureCatalog.all.map(\.name) { #expect(table.columns[feature]?.count == 1, "\(feature)") }
    }

    /// An independent formula for the same great circle.
    static func sphericalLawOfCosines(
        _ a: (latitude: Double, longitude: Double), _ b: (latitude: Double, longitude: Double)
    ) -> Double {
        let radians = Double.pi / 180
        let cosine =
            sin(a.latitude * radians) * sin(b.latitude * radians)
            + cos(a.latitude * radians) * cos(b.latitude * radians) * cos((b.longitude - a.longitude) * radians)
        return 6_371.0088 * acos(cosine)
    }

    /// `destination_country_share`: the sender's share shrunk towards its country's, and that towards everyone's, so a
    /// destination country never used is small but not 0, and smaller the longer the history it breaks with.
    @Test func destinationCountryShareIsAHierarchicalPredictive() throws {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("FARM-2", at: (latitude: 6.69, longitude: -1.62))
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        chain.facility("MILL-CN", country: "CN", at: (latitude: 31.23, longitude: 121.47), kind: "mill")
        func ship(_ number: Int, from origin: String, to destination: String) {
            chain.ship(
                "S\(number)", at: "2026-03-\(10 + number % 15)T08:00:00Z", from: origin, to: destination,
                lot: "L\(number)", quantity: 100, shipment: "SH-\(number)")
        }
        for number in 0..<21 { ship(number, from: "FARM", to: "MILL") }
        for number in 21..<26 { ship(number, from: "FARM-2", to: "MILL") }
        ship(26, from: "FARM", to: "MILL-CN")
        let (_, table) = chain.features(minimumCohort: 5)
        let shares = try #require(table.columns["destination_country_share"])
        // To China: no other shipment of the product goes there (1 of 2 countries seen), nor from Ghana, nor from FARM.
        let global = 1.0 / (26 + 2)
        let country = 10 * global / (26 + 10)
        #expect(abs(shares[26] - 10 * country / (21 + 10)) < 1e-12)
        // To the Netherlands, as FARM always does: 20 of its 21 others, 25 of Ghana's 26, 25 of everyone's 26.
        let usualGlobal: Double = (25 + 1) / (26 + 2)
        let usualCountry: Double = (25 + 10 * usualGlobal) / (26 + 10)
        #expect(abs(shares[0] - (20 + 10 * usualCountry) / (21 + 10)) < 1e-12)
        #expect(shares[26] > 0 && shares[26] < 0.01 && shares[0] > 0.9)
    }

    @Test func missingValuesAreNaN() {
        var chain = ChainFixture()
        // No receive, no master data, no price.
        chain.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        // A receive in another dimension.
        chain.ship(
            "S2", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L2", quantity: 1_000, shipment: "SH-2")
        chain.receive(
            "R2", at: "2026-03-01T08:00:00Z", at: "MILL", from: "FARM", lot: "L2", quantity: 1_000, unit: "l",
            shipment: "SH-2")
        let (_, table) = chain.features()
        for feature in [
            "transit_hours", "distance_km", "speed_kmh", "loss_ratio", "price_ratio", "volume_ratio",
            "output_per_worker",
            "capacity_utilisation", "certificate_valid", "yield_ratio",
        ] {
            #expect(Self.value(table, feature, row: 0).isNaN, "\(feature)")
        }
        #expect(Self.value(table, "transit_hours", row: 1) == 0)
        // No time elapsed: no speed; litres against kilograms: no loss.
        #expect(Self.value(table, "speed_kmh", row: 1).isNaN)
        #expect(Self.value(table, "loss_ratio", row: 1).isNaN)
        // The second shipment between the same two facilities.
        #expect(Self.value(table, "pair_novelty", row: 1) == 0)
    }

    @Test func priceRatioIsOverTheCohortMedianPerBaseUnit() {
        let (_, table) = RuleTests.prices(cohort: 5, outlier: 1_300).features(minimumCohort: 6)
        #expect(table.priceMedian == Array(repeating: 2.6, count: 6))
        #expect(table.priceCohort.first == "cocoa-beans from GH")
        #expect(Self.value(table, "price_ratio", row: 0) == 1)
        #expect(Self.value(table, "price_ratio", row: 5) == 0.5)
        let (_, small) = RuleTests.prices(cohort: 5, outlier: 1_300).features(minimumCohort: 7)
        #expect(Self.value(small, "price_ratio", row: 0).isNaN)
        #expect(small.priceMedian[0].isNaN)
    }

    @Test func yieldRatioIsOverTheMedianOfTheProductPair() {
        let (links, table) = RuleTests.yields(cohort: 4, outlier: 1.0).features(minimumCohort: 5)
        #expect(table.subjects == (0..<5).map { .transform($0) })
        #expect(links.transforms.count == 5)
        #expect(abs(Self.value(table, "yield_ratio", row: 4) - 1.25) < 1e-12)
        #expect(abs(Self.value(table, "yield_ratio", row: 0) - 1) < 1e-12)
        #expect(abs(table.yieldMedian[0] - 0.8) < 1e-12)
        for feature in [
            "transit_hours", "distance_km", "speed_kmh", "loss_ratio", "price_ratio", "pair_novelty", "pair_share",
        ] {
            #expect(Self.value(table, feature, row: 4).isNaN, "\(feature)")
        }
        let (_, small) = RuleTests.yields(cohort: 4, outlier: 1.0).features(minimumCohort: 6)
        #expect(Self.value(small, "yield_ratio", row: 4).isNaN)
    }

    @Test func capacityUtilisationAndCertificateValidityOfTheOrigin() {
        var chain = ChainFixture()
        chain.facility("FARM", capacity: 2_000, unit: "kg", certificate: "C-1", expires: "2026-03-10")
        chain.produce("P1", at: "2026-03-10T06:00:00Z", facility: "FARM", lot: "L1", quantity: 1_500)
        chain.ship(
            "S1", at: "2026-03-10T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_500, shipment: "SH-1",
            certificate: "C-1")
        chain.ship(
            "S2", at: "2026-03-11T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 0, shipment: "SH-2",
            certificate: "C-1")
        let (_, table) = chain.features()
        #expect(Self.value(table, "capacity_utilisation", row: 0) == 0.75)
        #expect(Self.value(table, "certificate_valid", row: 0) == 1)
        #expect(Self.value(table, "certificate_valid", row: 1) == 0)
        #expect(Self.value(table, "pair_novelty", row: 1) == 0)
    }

    // MARK: - Stability

    @Test func flagIDsDependOnTheEventsNotTheirPositions() throws {
        let chain = RuleTests.receiveBefore(minutesEarly: 300)
        var shifted = ChainFixture()
        shifted.produce("P0", at: "2026-02-01T08:00:00Z", facility: "ELSEWHERE", lot: "X", quantity: 10)
        shifted.ship(
            "S0", at: "2026-02-01T09:00:00Z", from: "ELSEWHERE", to: "MILL", lot: "X", quantity: 10, shipment: "SH-0")
        for event in chain.events {
            shifted.append(
                event.kind, event.recordID, at: event.occurredAt.local, facility: event.facility, lot: event.lot,
                quantity: event.quantity, shipment: event.shipmentID, destination: event.destination,
                origin: event.origin)
        }
        func flag(_ report: Report) -> Report.Flag? {
            report.flags.first { $0.rules.contains { $0.rule == "receive_before_ship" } }
        }
        let first = try #require(flag(chain.run()))
        let second = try #require(flag(shifted.run()))
        #expect(first.id == second.id)
        #expect(first.id.hasPrefix("F-"))
        #expect(first.id.count == 18)
        #expect(first.records.map(\.recordID) == ["S1", "R1"])
        #expect(second.records.map(\.index) == [2, 3])
    }

    @Test func theSameInputGivesTheSameReport() {
        var chain = Self.accraToAmsterdam()
        for number in 0..<12 {
            chain.ship(
                "X\(number)", at: "2026-03-\(two(number + 2))T08:00:00Z", from: "FARM", to: "MILL", lot: "X\(number)",
                quantity: Double(900 + 17 * number), shipment: "SH-X\(number)", unitPrice: Double(2_500 + 13 * number))
            chain.receive(
                "Y\(number)", at: "2026-03-\(two(number + 4))T08:00:00Z", at: "MILL", from: "FARM", lot: "X\(number)",
                quantity: Double(890 + 17 * number), shipment: "SH-X\(number)")
        }
        var definition = PipelineDefinition()
        definition.links.minimumCohort = 5
        let first = chain.run(definition)
        let second = chain.run(definition)
        #expect(first == second)
        #expect(first.summary.links == 13)
        #expect(first.summary.events == 26)
        #expect(first.flags.contains { $0.rules.contains { $0.rule == "excess_shrinkage" } })
    }

    @Test func emptyChainGivesAnEmptyReport() {
        let report = ChainFixture().run()
        #expect(report.summary.events == 0)
        #expect(report.summary.links == 0)
        #expect(report.flags.isEmpty)
        #expect(report.summary.rules.count == RuleName.allCases.count)
    }

    @Test func facilityDayIsFlaggedWithoutAnyLink() throws {
        let chain = RuleTests.twoHarvests(("2026-03-10T08:00:00Z", 1_200), ("2026-03-10T16:00:00Z", 1_200))
        let report = chain.run()
        #expect(report.summary.links == 0)
        let flag = try #require(report.flags.first)
        #expect(report.flags.count == 1)
        #expect(flag.subject == "facility_day")
        #expect(flag.score == 1)
        #expect(flag.records.map(\.recordID) == ["P1", "P2"])
        #expect(
            flag.rules.map(\.detail) == ["FARM put out 2,400 kg on 2026-03-10, 160 % of its capacity of 1,500 kg a day"]
        )
        #expect(flag.facilities == ["FARM"])
        #expect(flag.parties == ["farm"])
    }

    @Test func theTimeWindowLeavesOutEventsOutsideIt() {
        var definition = PipelineDefinition()
        definition.range.from = "2026-03-10T12:00:00Z"
        let report = RuleTests.twoHarvests(("2026-03-10T08:00:00Z", 1_200), ("2026-03-10T16:00:00Z", 1_200)).run(
            definition)
        #expect(report.summary.events == 1)
        #expect(report.flags.isEmpty)
        definition.range = .init()
        definition.range.to = "2026-03-10T12:00:00Z"
        #expect(RuleTests.receiveBefore(minutesEarly: 300).run(definition).summary.events == 2)
        definition.range.to = "2026-03-01T10:00:00Z"
        let beforeShip = RuleTests.receiveBefore(minutesEarly: 300).run(definition)
        #expect(beforeShip.summary.events == 1)
        #expect(beforeShip.flags.isEmpty)
    }
}
