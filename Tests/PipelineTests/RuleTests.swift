import LedgerCore
import Testing

@testable import Pipeline

/// Each rule on the smallest chain that breaks it, beside a near-identical chain that does not.
@Suite struct RuleTests {
    // MARK: - receive_before_ship

    /// FARM ships at 10:00 UTC; MILL receives `minutesEarly` before that.
    static func receiveBefore(minutesEarly: Int) -> ChainFixture {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-03-01T10:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        let minutes = 10 * 60 - minutesEarly
        let time = "2026-03-01T\(two(minutes / 60)):\(two(minutes % 60)):00Z"
        chain.receive("R1", at: time, at: "MILL", from: "FARM", lot: "L1", quantity: 1_000, shipment: "SH-1")
        return chain
    }

    @Test func receiveBeforeShipStatesHowMuchEarlier() throws {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-03-01T10:00:00+00:00", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000,
            shipment: "SH-1")
        chain.receive(
            "R1", at: "2026-03-01T07:00:00+02:00", at: "MILL", from: "FARM", lot: "L1", quantity: 1_000,
            shipment: "SH-1")
        let findings = chain.findings(of: .receiveBeforeShip)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .shipment(0))
        #expect(
            finding.detail
                == "received 5.00 h before it was shipped (shipped 2026-03-01T10:00:00Z, received 2026-03-01T07:00:00+02:00)"
        )
    }

    @Test func receiveBeforeShipAllowsTheToleranceOfClockSkew() throws {
        #expect(Self.receiveBefore(minutesEarly: 30).findings(of: .receiveBeforeShip).isEmpty)
        let late = Self.receiveBefore(minutesEarly: 31).findings(of: .receiveBeforeShip)
        #expect(late.map(\.subject) == [.shipment(0)])
        #expect(late.first?.detail.hasPrefix("received 0.52 h before it was shipped") == true)

        var strict = PipelineDefinition.Rules()
        strict.receiveBeforeShipToleranceMinutes = 0
        #expect(Self.receiveBefore(minutesEarly: 1).findings(of: .receiveBeforeShip, rules: strict).count == 1)
        #expect(Self.receiveBefore(minutesEarly: 0).findings(of: .receiveBeforeShip, rules: strict).isEmpty)
        var lenient = PipelineDefinition.Rules()
        lenient.receiveBeforeShipToleranceMinutes = 60
        #expect(Self.receiveBefore(minutesEarly: 31).findings(of: .receiveBeforeShip, rules: lenient).isEmpty)
    }

    @Test func disabledRuleFindsNothing() {
        var rules = PipelineDefinition.Rules()
        rules.disabled = ["receive_before_ship"]
        let chain = Self.receiveBefore(minutesEarly: 300)
        #expect(chain.findings(of: .receiveBeforeShip).count == 1)
        #expect(chain.findings(of: .receiveBeforeShip, rules: rules).isEmpty)
        #expect(!rules.isEnabled(.receiveBeforeShip))
        #expect(rules.isEnabled(.impossibleSpeed))
    }

    // MARK: - impossible_speed

    /// Accra to Amsterdam (5,221 km) in `hours`.
    static func flight(hours: Int) -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility("MILL", country: "NL", at: ChainFixture.amsterdam, kind: "mill")
        chain.ship(
            "S1", at: "2026-03-01T00:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        chain.receive(
            "R1", at: "2026-03-01T\(two(hours)):00:00Z", at: "MILL", from: "FARM", lot: "L1", quantity: 1_000,
            shipment: "SH-1")
        return chain
    }

    @Test func impossibleSpeedFromFacilityCoordinates() throws {
        let fast = Self.flight(hours: 4).findings(of: .impossibleSpeed)
        let finding = try #require(fast.first)
        #expect(fast.count == 1)
        #expect(finding.subject == .shipment(0))
        #expect(finding.detail == "5,221 km from FARM to MILL in 4.00 h: 1,305 km/h, above the limit of 1,000 km/h")
        #expect(Self.flight(hours: 6).findings(of: .impossibleSpeed).isEmpty)

        var slower = PipelineDefinition.Rules()
        slower.maximumSpeedKmh = 800
        let six = Self.flight(hours: 6).findings(of: .impossibleSpeed, rules: slower)
        #expect(six.first?.detail == "5,221 km from FARM to MILL in 6.00 h: 870 km/h, above the limit of 800 km/h")
    }

    /// Two facilities 40 km apart (0.36° of latitude), shipped and received the same second.
    static func sameSecond() -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", at: ChainFixture.accra)
        chain.facility(
            "DEPOT", at: (ChainFixture.accra.latitude + 0.36, ChainFixture.accra.longitude), kind: "warehouse")
        chain.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "DEPOT", lot: "L1", quantity: 1_000, shipment: "SH-1")
        chain.receive(
            "R1", at: "2026-03-01T08:00:00Z", at: "DEPOT", from: "FARM", lot: "L1", quantity: 1_000, shipment: "SH-1")
        return chain
    }

    @Test func shortDistancesAreNotCheckedForSpeed() throws {
        #expect(Self.sameSecond().findings(of: .impossibleSpeed).isEmpty)
        var rules = PipelineDefinition.Rules()
        rules.speedMinimumDistanceKm = 30
        let findings = Self.sameSecond().findings(of: .impossibleSpeed, rules: rules)
        #expect(findings.map(\.subject) == [.shipment(0)])
        #expect(
            findings.first?.detail
                == "40.0 km from FARM to DEPOT in 0.00 h: no time at all, above the limit of 1,000 km/h")
    }

    // MARK: - excess_shrinkage

    static func shrinkage(shipped: Double, unit: String = "kg", received: Double) -> ChainFixture {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: shipped, unit: unit,
            shipment: "SH-1")
        chain.receive(
            "R1", at: "2026-03-02T08:00:00Z", at: "MILL", from: "FARM", lot: "L1", quantity: received, shipment: "SH-1")
        return chain
    }

    @Test func excessShrinkageAboveTolerance() throws {
        let findings = Self.shrinkage(shipped: 1, unit: "t", received: 940).findings(of: .excessShrinkage)
        let finding = try #require(findings.first)
        #expect(finding.subject == .shipment(0))
        #expect(
            finding.detail
                == "6.0 % of the shipment was lost in transit (1.00 t shipped, 940 kg received), above the tolerance of 5.0 %"
        )
        #expect(Self.shrinkage(shipped: 1_000, received: 950).findings(of: .excessShrinkage).isEmpty)
        #expect(Self.shrinkage(shipped: 1_000, received: 949).findings(of: .excessShrinkage).count == 1)
        // A gain is no loss.
        #expect(Self.shrinkage(shipped: 1_000, received: 1_200).findings(of: .excessShrinkage).isEmpty)
    }

    // MARK: - mass_balance

    static func produceAndShip(produced: Double, shipped: [Double]) -> ChainFixture {
        var chain = ChainFixture()
        chain.produce("P1", at: "2026-03-01T06:00:00Z", facility: "FARM", lot: "L1", quantity: produced)
        for (number, quantity) in shipped.enumerated() {
            chain.ship(
                "S\(number + 1)", at: "2026-03-02T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: quantity,
                shipment: "SH-\(number + 1)")
        }
        return chain
    }

    @Test func massBalanceFlagsEveryShipOfALotShippedBeyondItsInflow() throws {
        let findings = Self.produceAndShip(produced: 1_000, shipped: [600, 500]).findings(of: .massBalance)
        #expect(findings.map(\.subject) == [.shipment(0), .shipment(1)])
        let finding = try #require(findings.first)
        #expect(
            finding.detail
                == "lot L1 at FARM: 1,100 kg shipped out, but only 1,000 kg produced or received there (10 % more)")
        #expect(finding.evidence == [0])

        #expect(Self.produceAndShip(produced: 1_000, shipped: [600, 400]).findings(of: .massBalance).isEmpty)
        #expect(Self.produceAndShip(produced: 1_000, shipped: [600, 400.5]).findings(of: .massBalance).isEmpty)
        let over = Self.produceAndShip(produced: 1_000, shipped: [600, 402]).findings(of: .massBalance)
        #expect(
            over.first?.detail
                == "lot L1 at FARM: 1,002 kg shipped out, but only 1,000 kg produced or received there (0.2 % more)")
    }

    @Test func massBalanceCountsReceivesAsInflow() {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-03-01T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        chain.receive(
            "R1", at: "2026-03-02T08:00:00Z", at: "MILL", from: "FARM", lot: "L1", quantity: 1_000, shipment: "SH-1")
        chain.ship(
            "S2", at: "2026-03-03T08:00:00Z", from: "MILL", to: "PORT", lot: "L1", quantity: 1_000, shipment: "SH-2")
        chain.ship(
            "S3", at: "2026-03-03T08:00:00Z", from: "MILL", to: "PORT", lot: "L1", quantity: 300, shipment: "SH-3")
        let findings = chain.findings(of: .massBalance).filter { $0.detail.hasPrefix("lot L1 at MILL") }
        #expect(findings.map(\.subject) == [.shipment(1), .shipment(2)])
        #expect(
            findings.first?.detail
                == "lot L1 at MILL: 1,300 kg shipped out, but only 1,000 kg produced or received there (30 % more)")
    }

    /// FARM makes `produced` kg of lot L1 and ships 1,000 kg of it, then ships 200 kg of a lot L9
    /// it never made or received.
    static func unknownLot(produced: Double) -> ChainFixture {
        var chain = ChainFixture()
        chain.produce("P1", at: "2026-03-01T06:00:00Z", facility: "FARM", lot: "L1", quantity: produced)
        chain.ship(
            "S1", at: "2026-03-02T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 1_000, shipment: "SH-1")
        chain.ship(
            "S9", at: "2026-03-02T09:00:00Z", from: "FARM", to: "MILL", lot: "L9", quantity: 200, shipment: "SH-9")
        return chain
    }

    @Test func massBalanceFallsBackToTheFacilityForALotWithNoInflow() throws {
        let findings = Self.unknownLot(produced: 1_000).findings(of: .massBalance)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .shipment(1))
        #expect(
            finding.detail
                == "lot L9 was never produced or received at FARM, which ships 1,200 kg of cocoa-beans in all against 1,000 kg that came in"
        )
        // The facility made enough of the product to cover it: the lot came in before the range.
        #expect(Self.unknownLot(produced: 1_500).findings(of: .massBalance).isEmpty)
    }

    // MARK: - transform_yield

    /// MILL makes `cohort` transforms of cocoa beans into nibs at a yield of 0.80, then one at `outlier`.
    static func yields(cohort: Int, outlier: Double) -> ChainFixture {
        var chain = ChainFixture()
        for number in 0...cohort {
            let yield = number == cohort ? outlier : 0.80
            chain.produce(
                "P\(number)", at: "2026-03-0\(number + 1)T06:00:00Z", facility: "MILL", lot: "B\(number)",
                quantity: 1_000)
            chain.transform(
                "T\(number)", at: "2026-03-0\(number + 1)T12:00:00Z", facility: "MILL", inputs: [("B\(number)", 1_000)],
                lot: "N\(number)", quantity: 1_000 * yield)
        }
        return chain
    }

    @Test func transformYieldAboveTheMedianOfItsProductPair() throws {
        let findings = Self.yields(cohort: 4, outlier: 0.95).findings(of: .transformYield, minimumCohort: 5)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .transform(4))
        #expect(
            finding.detail
                == "yield 0.95 (output over inputs) is above the median 0.80 for cocoa-beans -> cocoa-nibs plus 15 %")
        #expect(finding.evidence == [8])
        // Below the median plus tolerance (0.92).
        #expect(Self.yields(cohort: 4, outlier: 0.90).findings(of: .transformYield, minimumCohort: 5).isEmpty)
        // Five transforms are no cohort when six are needed.
        #expect(Self.yields(cohort: 4, outlier: 0.95).findings(of: .transformYield, minimumCohort: 6).isEmpty)
    }

    @Test func transformYieldAboveAFixedMaximum() throws {
        var rules = PipelineDefinition.Rules()
        rules.maximumYields = ["cocoa-beans -> cocoa-nibs": 0.85]
        let findings = Self.yields(cohort: 0, outlier: 0.90).findings(of: .transformYield, rules: rules)
        let finding = try #require(findings.first)
        #expect(finding.subject == .transform(0))
        #expect(
            finding.detail
                == "yield 0.90 (output over inputs) is above the maximum 0.85 set for cocoa-beans -> cocoa-nibs")
        #expect(Self.yields(cohort: 0, outlier: 0.85).findings(of: .transformYield, rules: rules).isEmpty)
        // Without the maximum, one transform has no median to compare with.
        #expect(Self.yields(cohort: 0, outlier: 0.90).findings(of: .transformYield).isEmpty)
        // The fixed maximum takes precedence over the median.
        #expect(
            Self.yields(cohort: 4, outlier: 0.90).findings(of: .transformYield, rules: rules, minimumCohort: 5).count
                == 1)
    }

    // MARK: - cloned_serial

    @Test func clonedSerialFlagsTheLaterLot() throws {
        for laterFirstInLedger in [false, true] {
            var chain = ChainFixture()
            func first(_ chain: inout ChainFixture) {
                chain.produce(
                    "PA", at: "2026-03-01T08:00:00Z", facility: "FACTORY", lot: "A", quantity: 2, unit: "pcs",
                    serials: ["S1", "S2"])
            }
            func later(_ chain: inout ChainFixture) {
                chain.produce(
                    "PB", at: "2026-03-05T08:00:00Z", facility: "FACTORY", lot: "B", quantity: 2, unit: "pcs",
                    serials: ["S2", "S3"])
            }
            if laterFirstInLedger {
                later(&chain)
                first(&chain)
            } else {
                first(&chain)
                later(&chain)
            }
            let laterPosition = laterFirstInLedger ? 0 : 1
            let findings = chain.findings(of: .clonedSerial)
            let finding = try #require(findings.first)
            #expect(findings.count == 1)
            #expect(finding.subject == .production(laterPosition))
            #expect(finding.detail == "serial S2 in lot B already belongs to lot A (PA)")
            #expect(finding.evidence == [1 - laterPosition])
        }
    }

    @Test func serialsOfOneLotAreNoClones() {
        var chain = ChainFixture()
        chain.produce(
            "PA", at: "2026-03-01T08:00:00Z", facility: "FACTORY", lot: "A", quantity: 2, unit: "pcs",
            serials: ["S1", "S2"])
        chain.append(
            .ship, "SA", at: "2026-03-02T08:00:00Z", facility: "FACTORY", lot: "A", quantity: 2, unit: "pcs",
            shipment: "SH-1",
            destination: "SHOP", serials: ["S1", "S2"])
        chain.produce(
            "PB", at: "2026-03-05T08:00:00Z", facility: "FACTORY", lot: "B", quantity: 2, unit: "pcs",
            serials: ["S3", "S4"])
        #expect(chain.findings(of: .clonedSerial).isEmpty)

        var clones = chain
        clones.produce(
            "PC", at: "2026-03-06T08:00:00Z", facility: "FACTORY", lot: "C", quantity: 3, unit: "pcs",
            serials: ["S4", "S1", "S9"])
        let findings = clones.findings(of: .clonedSerial)
        #expect(findings.map(\.subject) == [.production(3)])
        #expect(findings.first?.detail == "serial S4 and 1 more in lot C already belongs to lot B (PB)")
        // The evidence is every event of the earlier lots that carries a reused serial: PA and SA (S1), PB (S4).
        #expect(findings.first?.evidence == [0, 1, 2])
    }

    /// A cloned-serial flag lists the events of both lots, its own first.
    @Test func clonedSerialFlagListsBothLots() throws {
        var chain = ChainFixture()
        chain.produce(
            "PA", at: "2026-03-01T08:00:00Z", facility: "FACTORY", lot: "A", quantity: 2, unit: "pcs",
            serials: ["S1", "S2"])
        chain.produce(
            "PB", at: "2026-03-05T08:00:00Z", facility: "FACTORY", lot: "B", quantity: 2, unit: "pcs",
            serials: ["S2", "S3"])
        let report = chain.run()
        let flag = try #require(report.flags.first { $0.rules.contains { $0.rule == "cloned_serial" } })
        #expect(flag.records.map(\.recordID) == ["PB", "PA"])
    }

    // MARK: - certificate_invalid

    static func certified(holds: String?, claims: String, at time: String) -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", certificate: holds, expires: holds == nil ? nil : "2026-03-10")
        chain.produce("P1", at: time, facility: "FARM", lot: "L1", quantity: 500, certificate: claims)
        return chain
    }

    @Test func certificateExpiredOnTheEventsLocalDay() throws {
        // 23:30 on 10 March at UTC−5 (04:30 UTC on the 11th): still the last valid day.
        #expect(
            Self.certified(holds: "C-1", claims: "C-1", at: "2026-03-10T23:30:00-05:00").findings(
                of: .certificateInvalid
            ).isEmpty)
        // 00:30 on 11 March at UTC+2 (22:30 UTC on the 10th): expired.
        let findings = Self.certified(holds: "C-1", claims: "C-1", at: "2026-03-11T00:30:00+02:00").findings(
            of: .certificateInvalid)
        let finding = try #require(findings.first)
        #expect(finding.subject == .production(0))
        #expect(finding.detail == "produce P1 claims certificate C-1, which expired 1 day(s) before (on 2026-03-10)")
    }

    @Test func certificateTheFacilityDoesNotHold() {
        let other = Self.certified(holds: "C-1", claims: "C-2", at: "2026-03-01T08:00:00Z").findings(
            of: .certificateInvalid)
        #expect(other.map(\.subject) == [.production(0)])
        #expect(other.first?.detail == "produce P1 claims certificate C-2, but facility FARM holds C-1")

        let none = Self.certified(holds: nil, claims: "C-1", at: "2026-03-01T08:00:00Z").findings(
            of: .certificateInvalid)
        #expect(none.first?.detail == "produce P1 claims certificate C-1, but facility FARM holds none")

        var unknown = ChainFixture()
        unknown.produce(
            "P1", at: "2026-03-01T08:00:00Z", facility: "NOWHERE", lot: "L1", quantity: 500, certificate: "C-1")
        #expect(
            unknown.findings(of: .certificateInvalid).first?.detail
                == "produce P1 claims certificate C-1 at a facility with no master data")

        // No claim, nothing to check.
        var unclaimed = ChainFixture()
        unclaimed.facility("FARM")
        unclaimed.produce("P1", at: "2026-03-01T08:00:00Z", facility: "FARM", lot: "L1", quantity: 500)
        #expect(unclaimed.findings(of: .certificateInvalid).isEmpty)
    }

    @Test func certificateOnAShipFlagsItsShipment() {
        var chain = ChainFixture()
        chain.facility("FARM", certificate: "C-1", expires: "2026-03-10")
        chain.ship(
            "S1", at: "2026-03-12T08:00:00Z", from: "FARM", to: "MILL", lot: "L1", quantity: 100, shipment: "SH-1",
            certificate: "C-1")
        let findings = chain.findings(of: .certificateInvalid)
        #expect(findings.map(\.subject) == [.shipment(0)])
        #expect(
            findings.first?.detail == "ship S1 claims certificate C-1, which expired 2 day(s) before (on 2026-03-10)")
    }

    // MARK: - over_capacity

    static func twoHarvests(_ first: (time: String, kg: Double), _ second: (time: String, kg: Double)) -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", capacity: 1.5, unit: "t")
        chain.produce("P1", at: first.time, facility: "FARM", lot: "L1", quantity: first.kg)
        chain.produce("P2", at: second.time, facility: "FARM", lot: "L2", quantity: second.kg)
        return chain
    }

    @Test func overCapacityOnOneLocalDay() throws {
        let findings = Self.twoHarvests(("2026-03-10T08:00:00Z", 1_200), ("2026-03-10T16:00:00Z", 1_200)).findings(
            of: .overCapacity)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .facilityDay("FARM", ChainFixture.day("2026-03-10")))
        #expect(finding.detail == "FARM put out 2,400 kg on 2026-03-10, 160 % of its capacity of 1,500 kg a day")
        #expect(finding.evidence == [0, 1])

        // 105 % is within the tolerance; 106 % is not.
        #expect(
            Self.twoHarvests(("2026-03-10T08:00:00Z", 775), ("2026-03-10T16:00:00Z", 800)).findings(of: .overCapacity)
                .isEmpty)
        #expect(
            Self.twoHarvests(("2026-03-10T08:00:00Z", 790), ("2026-03-10T16:00:00Z", 800)).findings(of: .overCapacity)
                .count == 1)
    }

    @Test func timeZoneOffsetsDecideTheDay() {
        // The same UTC day (11 March), but 10 and 11 March where they happened: two days, neither over.
        let apart = Self.twoHarvests(("2026-03-10T20:00:00-05:00", 1_200), ("2026-03-11T02:00:00Z", 1_200))
        #expect(apart.findings(of: .overCapacity).isEmpty)
        // The second at the same instant, written at the farm's offset: both on 10 March.
        let together = Self.twoHarvests(("2026-03-10T20:00:00-05:00", 1_200), ("2026-03-10T21:00:00-05:00", 1_200))
        let findings = together.findings(of: .overCapacity)
        #expect(findings.map(\.subject) == [.facilityDay("FARM", ChainFixture.day("2026-03-10"))])
        #expect(findings.first?.detail.hasPrefix("FARM put out 2,400 kg on 2026-03-10,") == true)
    }

    // MARK: - exploitative_price

    /// `cohort` ships of cocoa beans from Ghana at 2,600 USD/t, then one at `outlier` USD/t.
    static func prices(cohort: Int, outlier: Double) -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM", country: "GH")
        for number in 0...cohort {
            chain.ship(
                "S\(number)", at: "2026-03-0\(number + 1)T08:00:00Z", from: "FARM", to: "MILL", lot: "L\(number)",
                quantity: 10,
                unit: "t", shipment: "SH-\(number)", unitPrice: number == cohort ? outlier : 2_600, currency: "USD")
        }
        return chain
    }

    @Test func exploitativePriceBelowTheCohortMedian() throws {
        let findings = Self.prices(cohort: 5, outlier: 410).findings(of: .exploitativePrice, minimumCohort: 6)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .shipment(5))
        #expect(
            finding.detail
                == "unit price 0.41 USD/kg is 84 % below the median 2.60 for cocoa-beans from GH, below 35 % of it")
        // 37 % of the median is poor, not exploitative.
        #expect(Self.prices(cohort: 5, outlier: 950).findings(of: .exploitativePrice, minimumCohort: 6).isEmpty)
        // Six ships are no cohort when seven are needed.
        #expect(Self.prices(cohort: 5, outlier: 410).findings(of: .exploitativePrice, minimumCohort: 7).isEmpty)
    }

    @Test func exploitativePriceFallsBackToTheProductCohort() throws {
        // Three ships from Ghana and three from Côte d'Ivoire: no country has a cohort of six, the product has.
        var chain = ChainFixture()
        chain.facility("FARM", country: "GH")
        chain.facility("COOP", country: "CI")
        for number in 0..<6 {
            chain.ship(
                "S\(number)", at: "2026-03-0\(number + 1)T08:00:00Z", from: number % 2 == 0 ? "FARM" : "COOP",
                to: "MILL",
                lot: "L\(number)", quantity: 10, unit: "t", shipment: "SH-\(number)",
                unitPrice: number == 5 ? 410 : 2_600)
        }
        let findings = chain.findings(of: .exploitativePrice, minimumCohort: 6)
        #expect(findings.map(\.subject) == [.shipment(5)])
        #expect(
            findings.first?.detail
                == "unit price 0.41 USD/kg is 84 % below the median 2.60 for cocoa-beans, below 35 % of it")
    }

    // MARK: - plot_cleared_after_cutoff, plot_over_yield

    static func plots() -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FARM")
        chain.plot("P-NEW", farm: "FARM", area: 2, established: "2021-06-01")
        chain.plot("P-OLD", farm: "FARM", area: 2, established: "2015-01-01")
        chain.plot("P-CUT", farm: "FARM", area: 1, established: "2020-12-31")
        return chain
    }

    @Test func aHarvestFromLandClearedAfterTheCutoffIsFlagged() throws {
        var chain = Self.plots()
        chain.harvest("H1", at: "2026-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD", "P-CUT"], quantity: 100)
        chain.harvest("H2", at: "2026-03-02T08:00:00Z", facility: "FARM", plots: ["P-OLD", "P-NEW"], quantity: 100)
        let findings = chain.findings(of: .plotClearedAfterCutoff)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .production(1))
        #expect(
            finding.detail
                == "produce H2 comes from land established or cleared after the EUDR cut-off of 2020-12-31: P-NEW (established 2021-06-01)"
        )
    }

    @Test func aPlotThatPutsOutMoreThanItsCommodityGrowsIsFlagged() throws {
        // 2 ha of cocoa may yield 6,000 kg a year: the third harvest of 2026 takes it over, 2027 starts again.
        var chain = Self.plots()
        chain.harvest("H1", at: "2026-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 2_500)
        chain.harvest("H2", at: "2026-06-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 3_500)
        chain.harvest("H3", at: "2026-09-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 1)
        chain.harvest("H4", at: "2027-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 5_000)
        let findings = chain.findings(of: .plotOverYield)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .production(2))
        #expect(finding.evidence == [0, 1])
        #expect(
            finding.detail
                == "plot P-OLD (2.00 ha of cocoa) put out 6,001 kg in 2026, 3,001 kg/ha, above the plausible 3,000 kg/ha a year"
        )
        // A lower maximum from the definition.
        var strict = PipelineDefinition.Rules()
        strict.maximumPlotYields["cocoa"] = 2_000
        #expect(chain.findings(of: .plotOverYield, rules: strict).count == 2)
    }

    /// A square plot of 0.001° with its south-west corner at (`longitude`, `latitude`).
    static func square(_ longitude: Double, _ latitude: Double) -> PlotGeometry {
        let corners = [(0.0, 0.0), (0.001, 0.0), (0.001, 0.001), (0.0, 0.001), (0.0, 0.0)]
        return .polygon([corners.map { GeoPosition(longitude: longitude + $0.0, latitude: latitude + $0.1) }])
    }

    @Test func aHarvestFromAPlotAnotherPlotAlsoClaimsIsFlagged() throws {
        var chain = ChainFixture()
        chain.facility("FARM-A")
        chain.facility("FARM-B")
        chain.plot("P-A", farm: "FARM-A", area: 1.2, geometry: Self.square(-1.5, 6.2))
        // Another producer's plot over its north-east corner, and the farm's own neighbour sharing its west edge.
        chain.plot("P-B", farm: "FARM-B", area: 1.2, geometry: Self.square(-1.4995, 6.2005))
        chain.plot("P-W", farm: "FARM-A", area: 1.2, geometry: Self.square(-1.501, 6.2))
        chain.harvest("H1", at: "2026-03-01T08:00:00Z", facility: "FARM-A", plots: ["P-A"], quantity: 100)
        chain.harvest("H2", at: "2026-03-01T09:00:00Z", facility: "FARM-A", plots: ["P-W"], quantity: 100)
        chain.harvest("H3", at: "2026-03-01T10:00:00Z", facility: "FARM-B", plots: ["P-B"], quantity: 100)
        let findings = chain.findings(of: .plotOverlap)
        #expect(findings.map(\.subject) == [.production(0), .production(2)])
        #expect(
            findings.first?.detail
                == "produce H1 comes from land another plot also claims: plot P-A overlaps P-B (farm-b)")
        #expect(findings.last?.detail.hasSuffix("plot P-B overlaps P-A (farm-a)") == true)
    }

    @Test func aHarvestFromSeveralPlotsIsSharedByTheirAreas() {
        // 9,000 kg from 2 ha and 1 ha: 6,000 and 3,000 kg, 3,000 kg/ha each, at the maximum but not above it.
        var chain = Self.plots()
        chain.harvest("H1", at: "2026-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD", "P-CUT"], quantity: 9_000)
        #expect(chain.findings(of: .plotOverYield).isEmpty)
        chain.harvest("H2", at: "2026-03-02T08:00:00Z", facility: "FARM", plots: ["P-OLD", "P-CUT"], quantity: 30)
        #expect(chain.findings(of: .plotOverYield).map(\.subject) == [.production(1), .production(1)])
        // Pieces are not weighed against a yield per hectare.
        var counted = Self.plots()
        counted.harvest(
            "H1", at: "2026-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 1e6, unit: "pcs")
        #expect(counted.findings(of: .plotOverYield).isEmpty)
    }
}

extension RuleTests {
    // MARK: - plot_coverage

    /// A mill grinds 600 kg of a harvest from a plot with 400 kg of one that names none: 60 % of its mass traces to
    /// plots, flagged at the transformation; a chocolate factory makes a lot from that mass alone, not flagged again.
    @Test func aLotThatTracesToPlotsInPartOnlyIsFlaggedWhereItIsMixed() throws {
        var chain = Self.plots()
        chain.facility("MILL")
        chain.facility("FACTORY")
        chain.harvest("H1", at: "2026-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 600)
        chain.harvest("H2", at: "2026-03-01T09:00:00Z", facility: "FARM", plots: [], quantity: 400)
        chain.transform(
            "T1", at: "2026-03-05T08:00:00Z", facility: "MILL", inputs: [("LOT-H1", 600), ("LOT-H2", 400)],
            lot: "MASS", quantity: 800)
        chain.transform(
            "T2", at: "2026-03-06T08:00:00Z", facility: "FACTORY", inputs: [("MASS", 800)], lot: "BARS", quantity: 900)
        // Fully located: a mill that grinds only the located harvest.
        chain.harvest("H3", at: "2026-03-02T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 500)
        chain.transform(
            "T3", at: "2026-03-07T08:00:00Z", facility: "MILL", inputs: [("LOT-H3", 500)], lot: "PURE", quantity: 400)
        let findings = chain.findings(of: .plotCoverage)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        guard case .transform(let link) = finding.subject else {
            Issue.record("\(finding.subject)")
            return
        }
        #expect(chain.links().transforms[link].transform == 2)
        #expect(
            finding.detail
                == "transform T1 makes lot MASS of which only 60.0 % traces to plots: inputs LOT-H1 100.0 %, LOT-H2 0.0 % located"
        )
    }

    /// Two harvests of one lot, one naming its plot and one naming none: the second is flagged, the first its evidence.
    @Test func aHarvestNamingNoPlotBesideOneThatDoesIsFlagged() throws {
        var chain = Self.plots()
        chain.harvest("H1", at: "2026-03-01T08:00:00Z", facility: "FARM", plots: ["P-OLD"], quantity: 300, lot: "LOT-A")
        chain.harvest("H2", at: "2026-03-01T09:00:00Z", facility: "FARM", plots: [], quantity: 100, lot: "LOT-A")
        let findings = chain.findings(of: .plotCoverage)
        #expect(findings.map(\.subject) == [.production(1)])
        #expect(findings.first?.evidence == [0])
        #expect(
            findings.first?.detail
                == "produce H2 names no plot, while H1 of the same lot LOT-A does: 75.0 % of the lot traces to plots")
        // Nothing named anywhere: nothing to flag.
        var plain = ChainFixture()
        plain.facility("FARM")
        plain.produce("H1", at: "2026-03-01T08:00:00Z", facility: "FARM", lot: "LOT-A", quantity: 300)
        plain.produce("H2", at: "2026-03-01T09:00:00Z", facility: "FARM", lot: "LOT-A", quantity: 100)
        #expect(plain.findings(of: .plotCoverage).isEmpty)
    }
}

/// Two digits, zero-padded.
func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
