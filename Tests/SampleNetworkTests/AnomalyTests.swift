import Foundation
import LedgerCore
import Testing
@testable import SampleNetwork

/// Each pattern's labels are anomalous by a direct check, and unlabelled records never trip it.
@Suite struct AnomalyTests {
    let fixture = NetworkFixture.shared
    typealias Kind = SampleNetwork.AnomalyKind

    @Test func everyPatternIsLabelledAndEveryLabelIsARecord() {
        let labels = fixture.network.labels
        for kind in Kind.allCases {
            #expect(labels.contains { $0.kind == kind }, "no label of \(kind.rawValue)")
            #expect((fixture.network.summary.anomalousLots[kind] ?? 0) >= 1)
        }
        let signers = Dictionary(
            fixture.rows.map { ($0.row.recordID, $0.signer) }, uniquingKeysWith: { first, _ in first })
        for label in labels {
            #expect(signers[label.recordID] == label.signer, "\(label.recordID) is not in \(label.signer)'s shipments")
        }
        #expect(Set(labels).count == labels.count)
        let anomalous = Double(fixture.network.summary.anomalousLots.values.reduce(0, +))
        let lots = Double(fixture.network.configuration.lots)
        #expect(anomalous >= lots * 0.01 && anomalous <= lots * 0.035, "about 2 % of the lots")
    }

    @Test func exploitativePrice() {
        var cohorts = [String: [Double]]()
        for (_, row) in fixture.rows where row.event == .ship {
            cohorts[row.product + "/" + row.currency, default: []].append(NetworkFixture.number(row.unitPrice))
        }
        let medians = cohorts.mapValues(NetworkFixture.median)
        for (_, row) in fixture.rows where row.event == .ship {
            guard let median = medians[row.product + "/" + row.currency] else { continue }
            let low = NetworkFixture.number(row.unitPrice) < 0.3 * median
            #expect(
                low == fixture.isLabelled(row, .exploitativePrice),
                "\(row.recordID): price \(row.unitPrice) vs median \(median)")
        }
    }

    @Test func impossibleTransit() {
        for (ship, receive) in fixture.links {
            guard let from = fixture.facilities[ship.facility], let to = fixture.facilities[receive.facility] else {
                Issue.record("unknown facility")
                continue
            }
            let hours = Double(receive.epochSeconds - ship.epochSeconds) / 3600
            let labelled = fixture.isLabelled(ship, .impossibleTransit)
            #expect(labelled == fixture.isLabelled(receive, .impossibleTransit))
            guard hours > 0 else {
                #expect(!labelled)
                continue
            }
            let speed = NetworkFixture.kilometres(from, to) / hours
            #expect((speed > 1000) == labelled, "\(ship.shipmentID): \(speed) km/h")
        }
    }

    @Test func receiveBeforeShip() {
        for (ship, receive) in fixture.links {
            let early = receive.epochSeconds < ship.epochSeconds
            #expect(early == fixture.isLabelled(ship, .receiveBeforeShip), "\(ship.shipmentID)")
            #expect(early == fixture.isLabelled(receive, .receiveBeforeShip), "\(ship.shipmentID)")
        }
    }

    @Test func excessShrinkage() {
        for (ship, receive) in fixture.links {
            let shipped = NetworkFixture.number(ship.quantity)
            let loss = (shipped - NetworkFixture.number(receive.quantity)) / shipped
            #expect(loss >= 0)
            #expect((loss > 0.05) == fixture.isLabelled(ship, .excessShrinkage), "\(ship.shipmentID): loss \(loss)")
            #expect((loss > 0.05) == fixture.isLabelled(receive, .excessShrinkage), "\(ship.shipmentID): loss \(loss)")
        }
    }

    /// Per facility and lot: shipped plus consumed never exceeds produced plus received, but for
    /// the labelled ship records, whose group does exceed it.
    @Test func massBalance() {
        struct Key: Hashable { let facility: String, lot: String }
        var available = [Key: Double]()
        var outgoing = [Key: Double]()
        var unlabelledOutgoing = [Key: Double]()
        for (_, row) in fixture.rows {
            let quantity = NetworkFixture.number(row.quantity)
            switch row.event {
            case .produce, .receive:
                available[Key(facility: row.facility, lot: row.lot), default: 0] += quantity
            case .ship:
                let key = Key(facility: row.facility, lot: row.lot)
                outgoing[key, default: 0] += quantity
                if !fixture.isLabelled(row, .massBalance) { unlabelledOutgoing[key, default: 0] += quantity }
            case .transform:
                available[Key(facility: row.facility, lot: row.lot), default: 0] += quantity
                for input in row.inputs.split(separator: ";") {
                    let parts = input.split(separator: ":")
                    let key = Key(facility: row.facility, lot: String(parts[0]))
                    let consumed = NetworkFixture.number(String(parts[1]))
                    outgoing[key, default: 0] += consumed
                    unlabelledOutgoing[key, default: 0] += consumed
                }
            default:
                break
            }
        }
        for (key, out) in unlabelledOutgoing {
            #expect(
                out <= (available[key] ?? 0) + 1e-6, "\(key.facility) \(key.lot): \(out) out of \(available[key] ?? 0)")
        }
        for (_, row) in fixture.rows where fixture.isLabelled(row, .massBalance) {
            #expect(row.event == .ship)
            let key = Key(facility: row.facility, lot: row.lot)
            #expect((outgoing[key] ?? 0) > (available[key] ?? 0) * 1.1, "\(row.recordID)")
        }
    }

    @Test func transformYield() {
        let maxYield = Dictionary(
            uniqueKeysWithValues: SampleNetwork.productLines.map { ($0.outputProduct, $0.maxYield) })
        var transforms = 0
        for (_, row) in fixture.rows where row.event == .transform {
            transforms += 1
            let inputs = row.inputs.split(separator: ";").map {
                NetworkFixture.number(String($0.split(separator: ":")[1]))
            }
            let ceiling = inputs.reduce(0, +) * (maxYield[row.product] ?? .nan)
            let output = NetworkFixture.number(row.quantity)
            #expect(
                (output > ceiling) == fixture.isLabelled(row, .transformYield),
                "\(row.recordID): \(output) from \(ceiling)")
        }
        #expect(transforms == fixture.network.configuration.lots)
    }

    /// A serial in two lots belongs to the earlier one; every record of a later lot carrying it is labelled.
    @Test func clonedSerial() {
        var firstSeen = [String: [String: Int64]]()
        for (_, row) in fixture.rows where !row.serials.isEmpty {
            for serial in row.serials.split(separator: ";") {
                let seen = firstSeen[String(serial), default: [:]][row.lot] ?? .max
                firstSeen[String(serial), default: [:]][row.lot] = min(seen, row.epochSeconds)
            }
        }
        var original = [String: String]()
        for (serial, lots) in firstSeen where lots.count > 1 {
            original[serial] = lots.min { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key
        }
        #expect(!original.isEmpty)
        for (_, row) in fixture.rows where !row.serials.isEmpty {
            let reused = row.serials.split(separator: ";").contains {
                original[String($0)].map { $0 != row.lot } ?? false
            }
            #expect(reused == fixture.isLabelled(row, .clonedSerial), "\(row.recordID)")
        }
        for (_, row) in fixture.rows where fixture.isLabelled(row, .clonedSerial) { #expect(!row.serials.isEmpty) }
    }

    @Test func certificateInvalid() {
        var claims = 0
        for (_, row) in fixture.rows where !row.certificate.isEmpty {
            claims += 1
            guard let facility = fixture.facilities[row.facility] else { continue }
            let date = String(row.occurredAt.prefix(10))
            let valid = facility.certificate == row.certificate && date <= facility.certificateExpires
            #expect(
                !valid == fixture.isLabelled(row, .certificateInvalid),
                "\(row.recordID) claims \(row.certificate) on \(date)")
        }
        for (_, row) in fixture.rows where fixture.isLabelled(row, .certificateInvalid) {
            #expect(!row.certificate.isEmpty)
        }
        #expect(claims > 100)
    }

    /// Production per facility and local day stays within capacity; a labelled record alone exceeds it.
    @Test func overCapacity() {
        struct Key: Hashable { let facility: String, day: Substring }
        var unlabelled = [Key: Double]()
        for (_, row) in fixture.rows where row.event == .produce || row.event == .transform {
            guard let facility = fixture.facilities[row.facility] else { continue }
            let capacity = NetworkFixture.number(facility.capacityPerDay)
            let quantity = NetworkFixture.number(row.quantity)
            #expect(facility.unit.rawValue == row.unit)
            if fixture.isLabelled(row, .overCapacity) {
                #expect(quantity > capacity, "\(row.recordID)")
            } else {
                unlabelled[Key(facility: row.facility, day: row.occurredAt.prefix(10)), default: 0] += quantity
            }
        }
        for (key, total) in unlabelled {
            #expect(
                total <= NetworkFixture.number(fixture.facilities[key.facility]?.capacityPerDay ?? "0") + 1e-6, "\(key)"
            )
        }
    }

    /// A ship priced above 1.8 × its product's median in its currency is over-invoiced, and only those (ordinary
    /// prices reach about 1.5 × the median, over-invoiced ones start at about 2).
    @Test func overInvoicing() {
        var cohorts = [String: [Double]]()
        for (_, row) in fixture.rows where row.event == .ship {
            cohorts[row.product + "/" + row.currency, default: []].append(NetworkFixture.number(row.unitPrice))
        }
        let medians = cohorts.mapValues(NetworkFixture.median)
        var labelled = 0
        for (_, row) in fixture.rows where row.event == .ship {
            guard let median = medians[row.product + "/" + row.currency] else { continue }
            let high = NetworkFixture.number(row.unitPrice) > 1.8 * median
            if fixture.isLabelled(row, .overInvoicing) { labelled += 1 }
            #expect(
                high == fixture.isLabelled(row, .overInvoicing),
                "\(row.recordID): price \(row.unitPrice) vs median \(median)")
        }
        #expect(labelled >= 2)
    }

    /// A link in transit longer than the most its mode, distance and handling allow took a detour, and only those.
    @Test func circuitousRoute() {
        let perishable = Dictionary(
            SampleNetwork.productLines.flatMap { [($0.rawProduct, $0.perishable), ($0.outputProduct, $0.perishable)] }
        ) { first, _ in first }
        var labelled = 0
        for (ship, receive) in fixture.links {
            guard let from = fixture.facilities[ship.facility], let to = fixture.facilities[receive.facility] else {
                Issue.record("unknown facility")
                continue
            }
            let transit = LotGenerator.transit(
                kilometres: Geography.distance(
                    latitude1: from.latitude, longitude1: from.longitude, latitude2: to.latitude,
                    longitude2: to.longitude),
                from: from, to: to, perishable: perishable[ship.product] ?? false)
            let hours = Double(receive.epochSeconds - ship.epochSeconds) / 3600
            let late = hours > transit.hours.upperBound + 1.0 / 60
            let isLabelled = fixture.isLabelled(ship, .circuitousRoute)
            if isLabelled { labelled += 1 }
            #expect(isLabelled == fixture.isLabelled(receive, .circuitousRoute))
            #expect(late == isLabelled, "\(ship.shipmentID): \(hours) h, at most \(transit.hours.upperBound) h")
            if isLabelled { #expect(hours >= transit.hours.lowerBound + 48) }
        }
        #expect(labelled >= 2)
    }

    /// A raw shipment to a processor in a country its origin region does not supply is diverted, and only those.
    @Test func unusualDestination() {
        var suppliedBy = [String: Set<String>]()
        for line in SampleNetwork.productLines {
            for origin in line.origins {
                suppliedBy[line.rawProduct + "/" + origin.place.country, default: []].formUnion(origin.processedIn)
            }
        }
        var labelled = 0
        for (ship, receive) in fixture.links {
            guard let from = fixture.facilities[ship.facility], let to = fixture.facilities[receive.facility] else {
                Issue.record("unknown facility")
                continue
            }
            let usual = suppliedBy[ship.product + "/" + from.country]
            let diverted = usual.map { !$0.contains(to.country) } ?? false
            let isLabelled = fixture.isLabelled(ship, .unusualDestination)
            if isLabelled { labelled += 1 }
            #expect(isLabelled == fixture.isLabelled(receive, .unusualDestination))
            #expect(diverted == isLabelled, "\(ship.shipmentID): \(from.country) to \(to.country)")
        }
        #expect(labelled >= 2)
    }

    /// At the busiest pace every pattern still finds lots that fit it, at the configured rate.
    @Test func denseNetworkCarriesEveryPatternAtTheRate() throws {
        let configuration = SampleNetwork.Configuration(
            lots: 3000, seed: 8, anomalyRate: 0.05, maximumLotsPerDay: 250, minimumDays: 12)
        #expect(configuration.lotsPerDay == 250)
        let network = try SampleNetwork.generate(configuration)
        for kind in Kind.allCases { #expect((network.summary.anomalousLots[kind] ?? 0) >= 5, "\(kind.rawValue)") }
        let anomalous = network.summary.anomalousLots.values.reduce(0, +)
        #expect(anomalous >= 120 && anomalous <= 180, "about 5 % of 3,000 lots, got \(anomalous)")
    }

    @Test func rateAndPatternsAreConfigurable() throws {
        let none = try SampleNetwork.generate(SampleNetwork.Configuration(lots: 300, seed: 4, anomalyRate: 0))
        #expect(none.labels.isEmpty)
        let only = try SampleNetwork.generate(
            SampleNetwork.Configuration(lots: 300, seed: 4, anomalyRate: 0.1, patterns: [.receiveBeforeShip]))
        #expect(Set(only.labels.map(\.kind)) == [.receiveBeforeShip])
        #expect(only.summary.anomalousLots[.receiveBeforeShip] ?? 0 > 15)
    }
}
