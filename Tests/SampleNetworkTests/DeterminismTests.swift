import Foundation
import LedgerCore
import Testing
@testable import SampleNetwork

@Suite struct DeterminismTests {
    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        let other = TemporaryDirectory()
        try SampleNetwork.write(SampleNetwork.Configuration(lots: 400, seed: 11), to: first.path)
        try SampleNetwork.write(SampleNetwork.Configuration(lots: 400, seed: 11), to: second.path)
        try SampleNetwork.write(SampleNetwork.Configuration(lots: 400, seed: 12), to: other.path)
        let a = try first.files()
        let b = try second.files()
        #expect(a.count > 100)
        #expect(a.map(\.0) == b.map(\.0))
        for (left, right) in zip(a, b) { #expect(left.1 == right.1, "\(left.0) differs between two runs") }
        let c = try other.files()
        let shipmentsA = a.filter { $0.0.hasPrefix("shipments/") }.map(\.1)
        let shipmentsC = c.filter { $0.0.hasPrefix("shipments/") }.map(\.1)
        #expect(shipmentsA != shipmentsC)
        #expect(
            a.first { $0.0 == "keys/compliance-office.pem" }?.1 != c.first { $0.0 == "keys/compliance-office.pem" }?.1)
    }

    /// The streaming writer and the in-memory network give the same files, with codes, with GS1 names and with plots.
    @Test(arguments: [(false, false), (true, false), (false, true)])
    func writerMatchesInMemoryNetwork(gs1Names: Bool, plots: Bool) throws {
        var configuration = SampleNetwork.Configuration(lots: 700, seed: 5, anomalyRate: 0.1, gs1Names: gs1Names)
        configuration.plots = plots
        let directory = TemporaryDirectory()
        let summary = try SampleNetwork.write(configuration, to: directory.path)
        let network = try SampleNetwork.generate(configuration)
        #expect(summary == network.summary)
        let written = try directory.files()
        let expected = try network.files().sorted { $0.path < $1.path }
        #expect(written.map(\.0) == expected.map(\.path))
        for (file, memory) in zip(written, expected) {
            #expect(file.1 == Data(memory.contents), "\(file.0) differs from the in-memory network")
        }
    }

    @Test func refusesANonEmptyDirectoryUnlessReplacing() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: directory.path + "/notes.txt"))
        let configuration = SampleNetwork.Configuration(lots: 20, seed: 1)
        #expect { try SampleNetwork.write(configuration, to: directory.path) } throws: { error in
            (error as? LedgerError)?.code == .alreadyExists
        }
        try SampleNetwork.write(configuration, to: directory.path, replacingExisting: true)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/labels.csv"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/notes.txt"))
    }

    @Test func rejectsBadConfigurations() {
        #expect(throws: LedgerError.self) { try SampleNetwork.generate(SampleNetwork.Configuration(lots: 0, seed: 1)) }
        #expect(throws: LedgerError.self) {
            try SampleNetwork.generate(SampleNetwork.Configuration(lots: 10, seed: 1, anomalyRate: 1.5))
        }
    }

    @Test func formattingAgreesWithLedgerCore() throws {
        var random = SampleRandom(seed: 3)
        for _ in 0..<2000 {
            let epoch = Int64(random.int(0...4_000_000_000))
            let offset = [0, 60, -300, 330, 345, -240, 540, 480][random.int(0..<8)]
            let text = Formatting.timestamp(epoch, offsetMinutes: offset)
            #expect(try Timestamp(iso8601: text) == Timestamp(epochSeconds: epoch, offsetMinutes: offset))
            #expect(Timestamp(epochSeconds: epoch, offsetMinutes: offset).local == text)
            let value = Int64(random.int(-1_000_000...1_000_000))
            let decimals = random.int(0...4)
            let decimal = Formatting.decimal(value, decimals: decimals)
            #expect(ExactDecimal(decimal)?.text == decimal)
            #expect(abs((Double(decimal) ?? .nan) - Double(value) / pow(10, Double(decimals))) < 1e-9)
        }
    }

    @Test func distancesMatchThePlatformsTrigonometry() {
        var random = SampleRandom(seed: 9)
        for _ in 0..<500 {
            let a = (random.uniform(-80, 80), random.uniform(-179, 179))
            let b = (random.uniform(-80, 80), random.uniform(-179, 179))
            let ours = Geography.distance(latitude1: a.0, longitude1: a.1, latitude2: b.0, longitude2: b.1)
            let radians = Double.pi / 180
            let h =
                pow(sin((b.0 - a.0) * radians / 2), 2) + cos(a.0 * radians) * cos(b.0 * radians)
                * pow(sin((b.1 - a.1) * radians / 2), 2)
            let reference = 2 * 6371 * asin(min(1, h.squareRoot()))
            #expect(abs(ours - reference) < 1e-6)
        }
    }

    /// GS1 names change only names: each product becomes its GTIN-14 and each ship leaves from its site's dock, a
    /// location of the site at the same place; every other cell and every label stays.
    @Test func gs1NamesRenameOnlyNames() throws {
        let codes = try SampleNetwork.generate(SampleNetwork.Configuration(lots: 300, seed: 8))
        let named = try SampleNetwork.generate(SampleNetwork.Configuration(lots: 300, seed: 8, gs1Names: true))
        #expect(codes.labels == named.labels)
        #expect(codes.shipments.map(\.count) == named.shipments.map(\.count))
        for (left, right) in zip(codes.shipments.joined(), named.shipments.joined()) {
            var renamed = left
            renamed.product = try #require(SampleNetwork.GS1Names.gtins[left.product])
            if left.event == .ship { renamed.facility = left.facility + "-DOCK" }
            #expect(renamed == right)
        }
        #expect(SampleNetwork.GS1Names.gtins.values.allSatisfy { EPCIdentifier.gtin14($0) == $0 })
        let files = try named.files()
        let facilities = try #require(files.first { $0.path == "facilities/producer-gh-cocoa.csv" })
        let lines = String(decoding: facilities.contents, as: UTF8.self).split(separator: "\n")
        #expect(lines[0].hasSuffix(",parent_facility"))
        #expect(
            lines[2].hasPrefix("FARM-GH-COCB-001-DOCK,producer-gh-cocoa,") && lines[2].hasSuffix(",FARM-GH-COCB-001"))
        #expect(files.filter { $0.path.hasPrefix("products/") }.count == 1)
    }

    /// With plots, every farm and ranch of cocoa, coffee and cattle has two, which no other plot overlaps, whose
    /// declared area is the polygon's and whose land predates the regulation's cut-off; every harvest of those chains
    /// names its farm's plots, and the plots change nothing else.
    @Test func farmsOfTheRegulatedChainsGetPlotsTheirHarvestsName() throws {
        var configuration = SampleNetwork.Configuration(lots: 3000, seed: 9)
        configuration.plots = true
        let network = try SampleNetwork.generate(configuration)
        let plots = network.plots
        let farms = Set(plots.map(\.facility))
        #expect(!plots.isEmpty && plots.count == farms.count * 2)
        #expect(Set(plots.map(\.commodity)) == ["cocoa", "coffee", "cattle"])
        for plot in plots {
            let geometry = try PlotGeometry(
                geoJSON: .object([
                    "type": "Polygon",
                    "coordinates": .array([
                        .array(
                            plot.ring.map {
                                .array([
                                    .number(String(format: "%.6f", $0.longitude)),
                                    .number(String(format: "%.6f", $0.latitude)),
                                ])
                            })
                    ]),
                ]))
            #expect(String(format: "%.2f", geometry.areaHectares) == plot.areaHectares, "\(plot.id)")
            #expect(plot.established < "2020-12-31" && plot.areaHectares > "1000")
        }
        // No two plots' extents meet.
        let boxes = plots.map { plot in
            (
                plot.id, plot.ring.map(\.longitude).min() ?? 0, plot.ring.map(\.longitude).max() ?? 0,
                plot.ring.map(\.latitude).min() ?? 0, plot.ring.map(\.latitude).max() ?? 0
            )
        }
        for (index, a) in boxes.enumerated() {
            for b in boxes[(index + 1)...] where a.1 < b.2 && b.1 < a.2 && a.3 < b.4 && b.3 < a.4 {
                Issue.record("\(a.0) overlaps \(b.0)")
            }
        }
        let harvests = network.shipments.joined().filter { $0.event == .produce }
        for harvest in harvests {
            let expected =
                farms.contains(harvest.facility) ? "\(harvest.facility)-PLOT-1;\(harvest.facility)-PLOT-2" : ""
            #expect(harvest.plots == expected, "\(harvest.recordID)")
        }
        #expect(harvests.contains { !$0.plots.isEmpty } && harvests.contains { $0.plots.isEmpty })
        // The same network without plots: the same rows but for the plots column, the same labels.
        let plain = try SampleNetwork.generate(SampleNetwork.Configuration(lots: 3000, seed: 9))
        #expect(plain.labels == network.labels)
        #expect(
            plain.shipments.joined().map(\.recordID) == network.shipments.joined().map(\.recordID))
    }
}
