internal import Anomaly
internal import LedgerCore

/// What a flag is about.
enum FlagSubject: Hashable, Comparable {
    /// A shipment link, by position in ``LinkSet/shipments``.
    case shipment(Int)
    /// A transformation, by position in ``LinkSet/transforms``.
    case transform(Int)
    /// A `produce` event, by position in ``LinkSet/events``.
    case production(Int)
    /// A facility's output on one local day.
    case facilityDay(String, Int)

    var name: String {
        switch self {
        case .shipment: "shipment"
        case .transform: "transform"
        case .production: "production"
        case .facilityDay: "facility_day"
        }
    }
}

/// One rule that failed, on one subject.
struct RuleFinding {
    let rule: RuleName
    let subject: FlagSubject
    /// What was seen, with numbers.
    let detail: String
    /// Events the finding rests on beyond the subject's own (e.g. every output of a facility-day).
    var evidence: [Int] = []
}

/// The deterministic checks: each reads the links and master data and reports what fails.
struct RuleEngine {
    let links: LinkSet
    let rules: PipelineDefinition.Rules
    let features: FeatureTable

    /// The findings of every enabled rule, in the order the checks are listed here. The checks
    /// are independent and run on all cores.
    func findings() -> [RuleFinding] {
        let subjects = SubjectIndex(links: links)
        var checks = [@Sendable () -> [RuleFinding]]()
        if rules.isEnabled(.receiveBeforeShip) || rules.isEnabled(.impossibleSpeed) || rules.isEnabled(.excessShrinkage)
        {
            checks.append { shipmentChecks() }
        }
        if rules.isEnabled(.exploitativePrice) { checks.append { priceChecks() } }
        if rules.isEnabled(.massBalance) { checks.append { massBalance(subjects) } }
        if rules.isEnabled(.transformYield) { checks.append { yieldChecks() } }
        if rules.isEnabled(.clonedSerial) { checks.append { clonedSerials(subjects) } }
        if rules.isEnabled(.certificateInvalid) { checks.append { certificates(subjects) } }
        if rules.isEnabled(.overCapacity) { checks.append { capacity() } }
        if rules.isEnabled(.unrecordedTransfer) { checks.append { transfers(subjects) } }
        if rules.isEnabled(.plotClearedAfterCutoff) { checks.append { clearedPlots() } }
        if rules.isEnabled(.plotOverYield) { checks.append { plotYields() } }
        if rules.isEnabled(.plotOverlap) { checks.append { overlappingPlots() } }
        if rules.isEnabled(.plotCoverage) { checks.append { partlyLocatedLots() } }
        let enabled = checks
        return ParallelChunks.map(count: enabled.count, chunkSize: 1) { _, range in enabled[range.lowerBound]() }
            .flatMap { $0 }
    }

    // MARK: - Shipments

    private func shipmentChecks() -> [RuleFinding] {
        var found = [RuleFinding]()
        for (position, link) in links.shipments.enumerated() {
            guard let shipPosition = link.ship, let receivePosition = link.receive else { continue }
            let ship = links.events[shipPosition]
            let receive = links.events[receivePosition]
            let seconds = receive.occurredAt.epochSeconds - ship.occurredAt.epochSeconds
            let hours = Double(seconds) / 3600
            if rules.isEnabled(.receiveBeforeShip), Double(-seconds) > rules.receiveBeforeShipToleranceMinutes * 60 {
                found.append(
                    RuleFinding(
                        rule: .receiveBeforeShip, subject: .shipment(position),
                        detail:
                            "received \(Format.number(-hours)) h before it was shipped (shipped \(ship.occurredAt.local), received \(receive.occurredAt.local))"
                    ))
            }
            if rules.isEnabled(.impossibleSpeed), let origin = links.origin(of: link),
                let destination = links.destination(of: link)
            {
                let distance = greatCircleKilometres(origin, destination)
                if distance >= rules.speedMinimumDistanceKm, seconds >= 0 {
                    let speed = seconds == 0 ? Double.infinity : distance / hours
                    if speed > rules.maximumSpeedKmh {
                        let speedText = speed.isFinite ? "\(Format.number(speed)) km/h" : "no time at all"
                        found.append(
                            RuleFinding(
                                rule: .impossibleSpeed, subject: .shipment(position),
                                detail:
                                    "\(Format.number(distance)) km from \(origin.id) to \(destination.id) in \(Format.number(hours)) h: \(speedText), above the limit of \(Format.number(rules.maximumSpeedKmh)) km/h"
                            ))
                    }
                }
            }
            if rules.isEnabled(.excessShrinkage), let sent = ship.baseQuantity, let got = receive.baseQuantity,
                sent > 0,
                ship.dimension == receive.dimension
            {
                let loss = (sent - got) / sent
                if loss > rules.shrinkageTolerance {
                    found.append(
                        RuleFinding(
                            rule: .excessShrinkage, subject: .shipment(position),
                            detail:
                                "\(Format.percent(loss)) of the shipment was lost in transit (\(Format.quantity(ship)) shipped, \(Format.quantity(receive)) received), above the tolerance of \(Format.percent(rules.shrinkageTolerance))"
                        ))
                }
            }
        }
        return found
    }

    private func priceChecks() -> [RuleFinding] {
        var found = [RuleFinding]()
        let ratios = features.columns["price_ratio"] ?? []
        for (row, subject) in features.subjects.enumerated() {
            guard case .shipment(let position) = subject, row < ratios.count,
                ratios[row] < rules.exploitativePriceRatio,
                let shipPosition = links.shipments[position].ship
            else { continue }
            let ship = links.events[shipPosition]
            found.append(
                RuleFinding(
                    rule: .exploitativePrice, subject: subject.flagSubject,
                    detail: Explanation.priceText(
                        ship: ship, ratio: ratios[row], median: features.priceMedian[row],
                        cohort: features.priceCohort[row])
                        + ", below \(Format.percent(rules.exploitativePriceRatio)) of it"))
        }
        return found
    }

    // MARK: - Mass balance

    /// A lot at a facility ships out more than was made or received there; or, for lots with no
    /// recorded inflow, the facility ships more of the product than it made or received in all.
    private func massBalance(_ subjects: SubjectIndex) -> [RuleFinding] {
        let lots = links.lotBalances
        let events = links.events
        // Facility totals per product, for lots that came in outside the range (or never).
        var productTotals = [FacilityProduct: (inflow: Double, outflow: Double)]()
        for (key, balance) in lots {
            guard let first = (balance.ships.first ?? balance.sources.first), let product = events[first].product else {
                continue
            }
            Self.update(&productTotals[FacilityProduct(facility: key.facility, product: product), default: (0, 0)]) {
                totals in
                totals.inflow += balance.inflow
                totals.outflow += balance.outflow
            }
        }
        var failing = [(key: FacilityLot, balance: LotBalance, detail: String)]()
        for (key, balance) in lots where !balance.ships.isEmpty {
            let unit = balance.dimension?.rawValue ?? events[balance.ships[0]].dimension?.rawValue ?? ""
            var detail: String?
            if balance.inflow > 0 {
                if balance.outflow > balance.inflow * (1 + rules.massBalanceTolerance) {
                    detail =
                        "lot \(key.lot) at \(key.facility): \(Format.number(balance.outflow)) \(unit) shipped out, but only \(Format.number(balance.inflow)) \(unit) produced or received there (\(Format.percent(balance.outflow / balance.inflow - 1)) more)"
                }
            } else if let product = events[balance.ships[0]].product,
                let totals = productTotals[FacilityProduct(facility: key.facility, product: product)],
                totals.outflow > totals.inflow * (1 + rules.massBalanceTolerance)
            {
                detail =
                    "lot \(key.lot) was never produced or received at \(key.facility), which ships \(Format.number(totals.outflow)) \(unit) of \(product) in all against \(Format.number(totals.inflow)) \(unit) that came in"
            }
            if let detail { failing.append((key, balance, detail)) }
        }
        var found = [RuleFinding]()
        for (_, balance, detail) in failing.sorted(by: {
            ($0.key.facility, $0.key.lot) < ($1.key.facility, $1.key.lot)
        }) {
            for ship in balance.ships {
                guard let subject = subjects.subject(of: ship) else { continue }
                found.append(
                    RuleFinding(rule: .massBalance, subject: subject, detail: detail, evidence: balance.sources))
            }
        }
        return found
    }

    /// Each lot that moved between two sites of one party with no ship or receive recorded (``UnrecordedTransfer``),
    /// on the destination's first ship of it: low severity, since companies seldom record their own moves.
    private func transfers(_ subjects: SubjectIndex) -> [RuleFinding] {
        links.unrecordedTransfers.compactMap { transfer in
            guard let subject = subjects.subject(of: transfer.firstShip) else { return nil }
            let ship = links.events[transfer.firstShip]
            let unit = ship.dimension?.rawValue ?? ""
            let party = links.facilities[transfer.to].map { " of \($0.party)" } ?? ""
            return RuleFinding(
                rule: .unrecordedTransfer, subject: subject,
                detail:
                    "lot \(transfer.lot) moved from \(transfer.from) to \(transfer.to), both sites\(party), with no ship or receive recorded: \(Format.number(transfer.quantity)) \(unit), before it was shipped on \(ship.occurredAt.local)",
                evidence: transfer.sources)
        }
    }

    /// Changes a dictionary entry in place: one lookup where `entry += …` twice would take two.
    private static func update<Value>(_ entry: inout Value, _ change: (inout Value) -> Void) { change(&entry) }

    // MARK: - Transformations

    private func yieldChecks() -> [RuleFinding] {
        var found = [RuleFinding]()
        for (row, subject) in features.subjects.enumerated() {
            guard case .transform(let position) = subject, let yield = links.yield(of: links.transforms[position])
            else { continue }
            let limit: Double
            let basis: String
            if let fixed = rules.maximumYields[yield.pair] {
                limit = fixed
                basis = "the maximum \(Format.number(fixed)) set for \(yield.pair)"
            } else if features.yieldMedian[row].isFinite {
                limit = features.yieldMedian[row] * (1 + rules.yieldTolerance)
                basis =
                    "the median \(Format.number(features.yieldMedian[row])) for \(yield.pair) plus \(Format.percent(rules.yieldTolerance))"
            } else {
                continue
            }
            guard yield.yield > limit else { continue }
            let link = links.transforms[position]
            found.append(
                RuleFinding(
                    rule: .transformYield, subject: subject.flagSubject,
                    detail: "yield \(Format.number(yield.yield)) (output over inputs) is above \(basis)",
                    evidence: link.sources.compactMap { $0 }))
        }
        return found
    }

    // MARK: - Serials

    /// A serial number seen in two lots: the lot where it appears first keeps it; every event of a
    /// later lot that carries it is a clone.
    private func clonedSerials(_ subjects: SubjectIndex) -> [RuleFinding] {
        let events = links.events
        var lotStart = [String: Int64]()
        for event in events where !event.serials.isEmpty {
            guard let lot = event.lot else { continue }
            lotStart[lot] = min(lotStart[lot] ?? .max, event.occurredAt.epochSeconds)
        }
        // Each serial gets a number on first sight; `owner[number]` is where it appears first.
        var numbers = [String: Int]()
        var owner = [(lot: String, time: Int64, index: Int)]()
        var carried = [(position: Int, lot: String, serials: [Int])]()
        for position in events.indices where !events[position].serials.isEmpty {
            guard let lot = events[position].lot, let start = lotStart[lot] else { continue }
            var serials = [Int]()
            serials.reserveCapacity(events[position].serials.count)
            for serial in events[position].serials {
                let number = numbers[serial, default: owner.count]
                if number == owner.count {
                    numbers[serial] = number
                    owner.append((lot, start, position))
                } else if (owner[number].time, owner[number].index) > (start, position), owner[number].lot != lot {
                    owner[number] = (lot, start, position)
                }
                serials.append(number)
            }
            carried.append((position, lot, serials))
        }
        var carriedByLot = [String: [Int]]()
        for (index, entry) in carried.enumerated() { carriedByLot[entry.lot, default: []].append(index) }
        var found = [RuleFinding]()
        var reported = Set<FlagSubject>()
        for (position, lot, serials) in carried {
            let cloned = serials.indices.filter { owner[serials[$0]].lot != lot }
            guard let sample = cloned.first, let subject = subjects.subject(of: position) else { continue }
            guard reported.insert(subject).inserted else { continue }
            let original = owner[serials[sample]]
            let more = cloned.count > 1 ? " and \(cloned.count - 1) more" : ""
            // The evidence: every event of the earlier lots that carries one of the serials.
            let reused = Set(cloned.map { serials[$0] })
            var evidence = Set<Int>()
            for earlier in Set(cloned.map { owner[serials[$0]].lot }) {
                for index in carriedByLot[earlier] ?? [] where carried[index].serials.contains(where: reused.contains) {
                    evidence.insert(carried[index].position)
                }
            }
            found.append(
                RuleFinding(
                    rule: .clonedSerial, subject: subject,
                    detail:
                        "serial \(events[position].serials[sample])\(more) in lot \(lot) already belongs to lot \(original.lot) (\(events[original.index].recordID))",
                    evidence: evidence.sorted()))
        }
        return found
    }

    // MARK: - Certificates

    private func certificates(_ subjects: SubjectIndex) -> [RuleFinding] {
        var found = [RuleFinding]()
        for position in links.events.indices {
            let event = links.events[position]
            guard let claimed = event.certificate, [.produce, .ship, .transform].contains(event.kind) else { continue }
            let facility = event.facility.flatMap { links.facilities[$0] }
            guard
                let problem = certificateProblem(claimed: claimed, day: event.occurredAt.localDay, facility: facility),
                let subject = subjects.subject(of: position)
            else { continue }
            found.append(
                RuleFinding(
                    rule: .certificateInvalid, subject: subject,
                    detail: "\(event.kind.rawValue) \(event.recordID) \(problem)"))
        }
        return found
    }

    // MARK: - Capacity

    private func capacity() -> [RuleFinding] {
        var output = [FacilityDay: (total: Double, events: [Int])]()
        for position in links.events.indices
        where links.events[position].kind == .produce || links.events[position].kind == .transform {
            let event = links.events[position]
            guard let facility = event.facility, let quantity = event.baseQuantity,
                let capacity = links.facilities[facility]?.baseCapacity, capacity.dimension == event.dimension
            else { continue }
            let key = FacilityDay(facility: facility, day: event.occurredAt.localDay)
            output[key, default: (0, [])].total += quantity
            output[key, default: (0, [])].events.append(position)
        }
        var found = [RuleFinding]()
        for (key, day) in output.sorted(by: { ($0.key.facility, $0.key.day) < ($1.key.facility, $1.key.day) }) {
            guard let capacity = links.facilities[key.facility]?.baseCapacity, capacity.value > 0,
                day.total > capacity.value * (1 + rules.capacityTolerance)
            else { continue }
            let unit = capacity.dimension.rawValue
            found.append(
                RuleFinding(
                    rule: .overCapacity, subject: .facilityDay(key.facility, key.day),
                    detail:
                        "\(key.facility) put out \(Format.number(day.total)) \(unit) on \(Report.isoDate(key.day)), \(Format.percent(day.total / capacity.value)) of its capacity of \(Format.number(capacity.value)) \(unit) a day",
                    evidence: day.events))
        }
        return found
    }
}

// MARK: - EU deforestation regulation

extension RuleEngine {
    /// The EUDR's cut-off date, 31 December 2020 (Regulation (EU) 2023/1115, Art. 2(13)), as a day number.
    static let deforestationCutoff = Timestamp.daysFromCivil(year: 2020, month: 12, day: 31)

    /// Harvests from a plot whose land was established or last cleared after the cut-off.
    fileprivate func clearedPlots() -> [RuleFinding] {
        var found = [RuleFinding]()
        for position in links.events.indices where links.events[position].kind == .produce {
            let event = links.events[position]
            let cleared = event.plots.compactMap { plot -> String? in
                guard let established = links.facilities[plot]?.established, established > Self.deforestationCutoff
                else { return nil }
                return "\(plot) (established \(Report.isoDate(established)))"
            }
            guard !cleared.isEmpty else { continue }
            found.append(
                RuleFinding(
                    rule: .plotClearedAfterCutoff, subject: .production(position),
                    detail:
                        "produce \(event.recordID) comes from land established or cleared after the EUDR cut-off of 2020-12-31: \(cleared.joined(separator: ", "))"
                ))
        }
        return found
    }

    /// Plots that put out more in a calendar year than any plot of their commodity grows: each harvest's mass shared
    /// among the plots it names by their areas, summed per plot and year, over the plot's area. The harvest that
    /// takes a plot-year over the maximum is flagged, with the plot-year's other harvests as evidence.
    fileprivate func plotYields() -> [RuleFinding] {
        struct PlotYear: Hashable, Comparable {
            let plot: String
            let year: Int
            static func < (left: Self, right: Self) -> Bool { (left.plot, left.year) < (right.plot, right.year) }
        }
        var harvests = [PlotYear: [(position: Int, kilograms: Double)]]()
        for position in links.events.indices where links.events[position].kind == .produce {
            let event = links.events[position]
            guard !event.plots.isEmpty, event.dimension == .mass, let kilograms = event.baseQuantity else { continue }
            let areas = event.plots.map { links.facilities[$0]?.areaHectares ?? 0 }
            let total = areas.reduce(0, +)
            guard total > 0 else { continue }
            let year = Timestamp.civilFromDays(event.occurredAt.localDay).0
            for (plot, area) in zip(event.plots, areas) where area > 0 {
                harvests[PlotYear(plot: plot, year: year), default: []].append((position, kilograms * area / total))
            }
        }
        var found = [RuleFinding]()
        for (key, list) in harvests.sorted(by: { $0.key < $1.key }) {
            guard let plot = links.facilities[key.plot], let area = plot.areaHectares, let commodity = plot.commodity,
                let maximum = rules.maximumPlotYields[commodity], maximum > 0
            else { continue }
            let ordered = list.sorted {
                (links.events[$0.position].occurredAt, $0.position) < (
                    links.events[$1.position].occurredAt, $1.position
                )
            }
            var sum = 0.0
            guard
                let crossing = ordered.firstIndex(where: { harvest in
                    sum += harvest.kilograms
                    return sum / area > maximum
                })
            else { continue }
            let yearTotal = ordered.reduce(0) { $0 + $1.kilograms }
            found.append(
                RuleFinding(
                    rule: .plotOverYield, subject: .production(ordered[crossing].position),
                    detail:
                        "plot \(key.plot) (\(Format.number(area)) ha of \(commodity)) put out \(Format.number(yearTotal)) kg in \(key.year), \(Format.number(yearTotal / area)) kg/ha, above the plausible \(Format.number(maximum)) kg/ha a year",
                    evidence: ordered.map(\.position).filter { $0 != ordered[crossing].position }))
        }
        return found
    }
}

extension RuleEngine {
    /// Harvests from a plot that claims land another plot claims: each plot's geometry against those near it (a grid
    /// of ``overlapCell`` degrees), then every produce event naming a plot that overlaps another.
    fileprivate func overlappingPlots() -> [RuleFinding] {
        let plots = links.facilities.values.filter { $0.geometry != nil }.sorted { $0.id < $1.id }
        struct Cell: Hashable {
            let x: Int
            let y: Int
        }
        var cells = [Cell: [Int]]()
        for (index, plot) in plots.enumerated() {
            guard let box = plot.geometry?.box else { continue }
            let (west, east) = (
                Int((box.west / Self.overlapCell).rounded(.down)), Int((box.east / Self.overlapCell).rounded(.down))
            )
            let (south, north) = (
                Int((box.south / Self.overlapCell).rounded(.down)), Int((box.north / Self.overlapCell).rounded(.down))
            )
            for x in west...max(west, min(east, west + 64)) {
                for y in south...max(south, min(north, south + 64)) {
                    cells[Cell(x: x, y: y), default: []].append(index)
                }
            }
        }
        var overlaps = [String: Set<Int>]()
        var compared = Set<[Int]>()
        for members in cells.values where members.count > 1 {
            for (offset, first) in members.enumerated() {
                for second in members[(offset + 1)...] where compared.insert([first, second]).inserted {
                    guard let a = plots[first].geometry, let b = plots[second].geometry, a.overlaps(b) else { continue }
                    overlaps[plots[first].id, default: []].insert(second)
                    overlaps[plots[second].id, default: []].insert(first)
                }
            }
        }
        guard !overlaps.isEmpty else { return [] }
        var found = [RuleFinding]()
        for position in links.events.indices where links.events[position].kind == .produce {
            let event = links.events[position]
            let claims = event.plots.compactMap { plot -> String? in
                guard let others = overlaps[plot] else { return nil }
                let names = others.sorted().map { "\(plots[$0].id) (\(plots[$0].party))" }
                return "plot \(plot) overlaps \(names.joined(separator: ", "))"
            }
            guard !claims.isEmpty else { continue }
            found.append(
                RuleFinding(
                    rule: .plotOverlap, subject: .production(position),
                    detail:
                        "produce \(event.recordID) comes from land another plot also claims: \(claims.joined(separator: "; "))"
                ))
        }
        return found
    }

    /// The side of the grid cells plots are compared within, degrees (about 11 km).
    static let overlapCell = 0.1

    /// Lots that trace to plots in part only, whose due-diligence statement could locate only part of them (Art.
    /// 9(1)(d)): a transformation that mixes inputs traced to plots with inputs traced to harvests that name none
    /// (the share of each input by mass balance, as `prov report eudr` computes it), and a harvest that names no
    /// plot when another harvest of its lot does. Only where the mixing happens: a lot made from a partly located
    /// lot is not flagged again. Inputs and lots that trace to no harvest in the range count for nothing.
    fileprivate func partlyLocatedLots() -> [RuleFinding] {
        var makers = [String: [Int]]()
        for position in links.events.indices {
            let event = links.events[position]
            guard event.kind == .produce || event.kind == .transform, let lot = event.lot else { continue }
            makers[lot, default: []].append(position)
        }
        // The share of a lot that traces to plots, nil when it traces to no harvest.
        var shares = [String: Double?]()
        var visiting = Set<String>()
        func located(_ lot: String) -> Double? {
            if let known = shares[lot] { return known }
            guard visiting.insert(lot).inserted else { return nil }
            defer { visiting.remove(lot) }
            var covered = 0.0
            var total = 0.0
            for position in makers[lot] ?? [] {
                let event = links.events[position]
                if event.kind == .produce {
                    let weight = event.baseQuantity ?? 1
                    total += weight
                    if !event.plots.isEmpty { covered += weight }
                } else {
                    for (input, quantity) in zip(event.inputLots, event.inputQuantities) {
                        guard let share = located(input) else { continue }
                        total += quantity
                        covered += quantity * share
                    }
                }
            }
            let share: Double? = total > 0 ? covered / total : nil
            shares[lot] = share
            return share
        }
        func partly(_ share: Double) -> Bool { share > 1e-9 && share < 1 - 1e-9 }
        func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }
        var transformLinks = [Int: Int]()
        for (index, link) in links.transforms.enumerated() { transformLinks[link.transform] = index }
        var found = [RuleFinding]()
        for position in links.events.indices {
            let event = links.events[position]
            guard let lot = event.lot else { continue }
            switch event.kind {
            case .transform:
                guard let link = transformLinks[position] else { continue }
                let inputs = zip(event.inputLots, event.inputQuantities).compactMap { input, quantity in
                    located(input).map { (lot: input, quantity: quantity, share: $0) }
                }
                let shares = inputs.map(\.share)
                guard let output = located(lot), partly(output), !shares.contains(where: partly),
                    Set(shares).count > 1
                else { continue }
                let described = inputs.map { "\($0.lot) \(percent($0.share))" }.joined(separator: ", ")
                found.append(
                    RuleFinding(
                        rule: .plotCoverage, subject: .transform(link),
                        detail:
                            "transform \(event.recordID) makes lot \(lot) of which only \(percent(output)) traces to plots: inputs \(described) located"
                    ))
            case .produce where event.plots.isEmpty:
                let others = (makers[lot] ?? []).filter {
                    links.events[$0].kind == .produce && !links.events[$0].plots.isEmpty
                }
                guard let other = others.first else { continue }
                found.append(
                    RuleFinding(
                        rule: .plotCoverage, subject: .production(position),
                        detail:
                            "produce \(event.recordID) names no plot, while \(links.events[other].recordID) of the same lot \(lot) does: \(percent(located(lot) ?? 0)) of the lot traces to plots",
                        evidence: others))
            default: continue
            }
        }
        return found
    }
}

extension FeatureTable.Subject {
    var flagSubject: FlagSubject {
        switch self {
        case .shipment(let position): .shipment(position)
        case .transform(let position): .transform(position)
        }
    }
}

/// Which subject an event belongs to: its shipment, its transformation or its own production.
struct SubjectIndex {
    /// By position in ``LinkSet/events``.
    private var byEvent: [FlagSubject?]

    init(links: LinkSet) {
        byEvent = Array(repeating: nil, count: links.events.count)
        for (position, link) in links.shipments.enumerated() {
            for event in links.positions(of: link) { byEvent[event] = .shipment(position) }
        }
        for (position, link) in links.transforms.enumerated() { byEvent[link.transform] = .transform(position) }
        for position in links.events.indices where links.events[position].kind == .produce {
            byEvent[position] = .production(position)
        }
    }

    func subject(of event: Int) -> FlagSubject? { byEvent.indices.contains(event) ? byEvent[event] : nil }
}

/// A facility's flows of one product, for the mass balance of lots with no recorded inflow.
private struct FacilityProduct: Hashable {
    let facility: String
    let product: String
}
