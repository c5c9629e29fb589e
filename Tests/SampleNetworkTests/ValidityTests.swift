import Foundation
import LedgerCore
import LedgerCrypto
import Testing
@testable import SampleNetwork

@Suite struct ValidityTests {
    let fixture = NetworkFixture.shared

    @Test func everyRowIsAValidLedgerRecord() throws {
        var kinds = [EventKind: Int]()
        for (_, row) in fixture.rows {
            let content = try EventContent(record: row.record)
            kinds[content.kind, default: 0] += 1
            #expect(content.recordID == row.recordID)
            #expect(try Timestamp(iso8601: row.occurredAt).epochSeconds == row.epochSeconds)
        }
        #expect(Set(kinds.keys) == [.produce, .ship, .receive, .transform])
        #expect(fixture.rows.count == fixture.network.summary.rows)
        #expect(
            Set(fixture.rows.map(\.row.recordID)).count == fixture.rows.count,
            "record IDs are unique across participants")
    }

    /// The shipment files read back as CSV (no cell needs quoting) give the same records.
    @Test func shipmentFilesParseToTheRows() throws {
        for (path, contents) in try fixture.network.files() where path.hasPrefix("shipments/") {
            let lines = String(decoding: contents, as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first.map(String.init) == SampleNetwork.ShipmentRow.csvHeader.joined(separator: ","))
            #expect(lines.last == "")
            for line in lines.dropFirst().dropLast() {
                #expect(!line.contains("\""))
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(cells.count == SampleNetwork.ShipmentRow.csvHeader.count)
                var members = [String: JSONValue]()
                for (name, cell) in zip(SampleNetwork.ShipmentRow.csvHeader, cells) where !cell.isEmpty {
                    members[name] = .string(cell)
                }
                _ = try EventContent(record: .object(members))
            }
        }
    }

    @Test func rowsAreSortedByInstantThenRecordID() {
        for rows in fixture.network.shipments {
            for (earlier, later) in zip(rows, rows.dropFirst()) {
                #expect(SampleNetwork.ShipmentRow.precedes(earlier, later))
            }
        }
        #expect(fixture.network.labels == fixture.network.labels.sorted())
    }

    @Test func participantsAndKeys() throws {
        let participants = fixture.network.participants
        let roles = Set(participants.map(\.role))
        #expect(roles == [.producer, .processor, .distributor, .retailer, .compliance])
        #expect(participants.filter { $0.role == .compliance }.count == 1)
        var publicKeys = Set<[UInt8]>()
        for participant in participants {
            let key = try participant.privateKey()
            let pem = try key.pemRepresentation()
            #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            #expect(try Ed25519.PrivateKey(pem: pem).publicKey == key.publicKey)
            publicKeys.insert(key.publicKey.rawRepresentation)
        }
        #expect(publicKeys.count == participants.count)
        let again = try SampleNetwork.generate(
            SampleNetwork.Configuration(lots: 10, seed: fixture.network.configuration.seed))
        #expect(again.participants.map(\.keySeed) == participants.map(\.keySeed), "keys depend on the seed only")
    }

    @Test func facilitiesAreValidAndCoverEveryReference() throws {
        for facility in fixture.network.facilities {
            let content = try EventContent(
                kind: .facility, recordID: facility.id, occurredAt: Timestamp(epochSeconds: 0),
                fields: facility.record.objectValue ?? [:])
            #expect(content.facility == facility.id)
            #expect(facility.csvFields.count == SampleNetwork.Facility.csvHeader.count)
        }
        #expect(Set(fixture.network.facilities.map(\.id)).count == fixture.network.facilities.count)
        for (signer, row) in fixture.rows {
            #expect(
                fixture.facilities[row.facility]?.party == signer,
                "\(row.recordID): facility \(row.facility) is not the signer's")
            if !row.destination.isEmpty { #expect(fixture.facilities[row.destination] != nil) }
            if !row.origin.isEmpty { #expect(fixture.facilities[row.origin] != nil) }
        }
    }

    @Test func linksAreConsistent() {
        #expect(fixture.ships.count == fixture.receives.count)
        for (ship, receive) in fixture.links {
            #expect(ship.lot == receive.lot)
            #expect(ship.product == receive.product)
            #expect(ship.destination == receive.facility)
            #expect(receive.origin == ship.facility)
        }
    }

    @Test func networkIsRealistic() {
        let summary = fixture.network.summary
        let lots = Double(fixture.network.configuration.lots)
        #expect(summary.events[.transform] == fixture.network.configuration.lots)
        #expect(Double(summary.rows) / lots > 10 && Double(summary.rows) / lots < 13)
        let countries = Set(fixture.network.facilities.map(\.country))
        #expect(countries.count >= 25)
        // Transport modes: some links are overseas, some by air, most are plausible.
        var fastest = 0.0
        for (ship, receive) in fixture.links
        where !fixture.isLabelled(ship, .impossibleTransit) && receive.epochSeconds > ship.epochSeconds {
            guard let from = fixture.facilities[ship.facility], let to = fixture.facilities[ship.destination] else {
                continue
            }
            fastest = max(
                fastest, NetworkFixture.kilometres(from, to) / (Double(receive.epochSeconds - ship.epochSeconds) / 3600)
            )
        }
        #expect(fastest > 300 && fastest <= 700, "air freight exists and nothing is faster than it")
        let certified = fixture.rows.filter { !$0.row.certificate.isEmpty }.count
        // Each origin region's first farm holds a certificate that expires in the network's first month.
        #expect(certified > 800)
        let serialized = fixture.rows.filter { !$0.row.serials.isEmpty }.count
        #expect(serialized > 500)
    }
}
