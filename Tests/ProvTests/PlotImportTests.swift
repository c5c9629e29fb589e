import Foundation
import LedgerCore
import TestSupport
import Testing

/// `prov facilities import plots.geojson`: production plots as facilities of kind plot inside the signer's farm, each
/// geometry checked before anything is written and a bad one named by its feature index.
@Suite struct PlotImportTests {
    /// A square plot of `side` degrees at (`longitude`, `latitude`), its coordinates with 7 decimals.
    static func square(_ longitude: Double, _ latitude: Double, _ side: Double) -> JSONValue {
        let corners = [
            (longitude, latitude), (longitude + side, latitude), (longitude + side, latitude + side),
            (longitude, latitude + side), (longitude, latitude),
        ]
        return [
            "type": "Polygon",
            "coordinates": .array([
                .array(
                    corners.map {
                        .array([.number(String(format: "%.7f", $0.0)), .number(String(format: "%.7f", $0.1))])
                    })
            ]),
        ]
    }

    static func feature(_ geometry: JSONValue, _ properties: [String: JSONValue]) -> JSONValue {
        ["type": "Feature", "geometry": geometry, "properties": .object(properties)]
    }

    static func write(_ features: [JSONValue], to path: String) throws {
        let document: JSONValue = ["type": "FeatureCollection", "features": .array(features)]
        try Data(document.prettyPrinted().utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The demo mill ground two harvests into one lot of cocoa mass: 975.1 kg received of the first, from the north
    /// block, and 1,004.6 kg of the second, from the north block and the river plot (7.41 and 3.2 ha). By hand: the
    /// first holds 975.1 / 1,979.7 = 0.492549 of the mass, the second 0.507451, split 7.41 : 3.2 between its plots,
    /// so the north block holds 0.492549 + 0.507451 × 7.41 / 10.61 = 0.846952 and the river plot 0.153048.
    @Test func theDemoMillsMassIsApportionedToThePlotsOfBothHarvests() throws {
        let prov = try PipelineCommandTests.demoLedger()
        defer { prov.remove() }
        let report = try JSONParser.parse(
            try prov.succeed(["report", "eudr", "--lot", "LOT-NL-MASS-08", "--out", prov.path("eudr"), "--json"])
                .stdout)
        let harvests = try #require(report["harvests"]?.arrayValue)
        #expect(harvests.map { $0["record_id"] } == ["GH-H-0101", "GH-H-0102"])
        #expect(harvests.map { $0["share"] } == [.number("0.492549"), .number("0.507451")])
        let plots = try #require(report["plots"]?.arrayValue)
        #expect(plots.map { $0["plot"] } == ["PLOT-GH-01-A", "PLOT-GH-01-B"])
        #expect(plots.map { $0["share"] } == [.number("0.846952"), .number("0.153048")])
        #expect(report["checks"]?.arrayValue?.allSatisfy { $0["passed"] == .bool(true) } == true)
        // The goods as the mill last recorded them (its shipment of the mass to the factory): no product master data
        // states an HS code for cocoa mass, so none is given.
        #expect(report["goods"]?["product"] == "cocoa-mass" && report["goods"]?["hs_code"] == .null, "\(report)")
        #expect(report["goods"]?["quantity"] == .number("1580") && report["goods"]?["unit"] == "kg", "\(report)")
        #expect(report["operator"]?["participant"] == "mill-nl" && report["operator"]?["country"] == "NL", "\(report)")
        #expect(report["commodity_quantities_kg"]?["cocoa"] == .number("1580"), "\(report)")
        let verified = try prov.run(
            "verify-proof", prov.path("eudr/eudr-LOT-NL-MASS-08.proofs"), "--operator-key", "ledger.operator.pub.pem")
        #expect(verified.status == 0, "\(verified.stderr)")
    }

    @Test func plotsAreImportedCheckedAndVersioned() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let farmKey = "farm.pem"
        func run(_ arguments: String...) throws -> ProvRunner.Result { try prov.succeed(arguments) }
        try prov.farmLedger()

        let polygon = Self.square(-1.6012345, 6.7012345, 0.002)
        let area = try PlotGeometry(geoJSON: polygon).areaHectares
        try Self.write(
            [
                Self.feature(
                    polygon,
                    [
                        "plot_id": "PLOT-GH-1", "farm": "FARM-GH-01", "area_ha": .number(String(format: "%.2f", area)),
                        "commodity": "cocoa", "country": "GH", "established": "2012-05-01",
                        "evidence": "land title GH-1234",
                    ]),
                Self.feature(
                    ["type": "Point", "coordinates": [.number("-1.612345"), .number("6.712345")]],
                    [
                        "plot_id": "PLOT-GH-2", "farm": "FARM-GH-01", "area_ha": .number("2.5"), "commodity": "cocoa",
                        "country": "GH",
                    ]),
            ], to: prov.path("plots.geojson"))
        let imported = try JSONParser.parse(
            try run("facilities", "import", "plots.geojson", "--key", farmKey, "--json").stdout)
        #expect(imported["accepted"]?.integerValue == 2, "\(imported)")
        // Unchanged, the plots are the versions already in the ledger.
        let again = try JSONParser.parse(
            try run("facilities", "import", "plots.geojson", "--key", farmKey, "--json").stdout)
        #expect(again["accepted"]?.integerValue == 0 && again["duplicates"]?.integerValue == 2, "\(again)")

        let listed = try JSONParser.parse(try run("facilities", "list", "--json").stdout).arrayValue ?? []
        let plot = try #require(listed.first { $0["facility_id"] == "PLOT-GH-1" })
        #expect(plot["kind"] == "plot" && plot["parent_facility"] == "FARM-GH-01" && plot["party"] == "farm-gh")
        #expect(plot["commodity"] == "cocoa" && plot["established"] == "2012-05-01")
        let geometry = try JSONParser.parse(try #require(plot["geometry"]?.stringValue))
        #expect(geometry == polygon)
        // The plot's point is its polygon's centre.
        let latitude = try #require(plot["latitude"]?.stringValue.flatMap(Double.init))
        #expect(abs(latitude - 6.7022345) < 1e-6, "\(latitude)")

        // A harvest names the plots it came from; its shipment carries the due-diligence statement that covers it.
        try Data(
            """
            record_id,event,occurred_at,product,lot,quantity,unit,facility,plots,shipment_id,destination,dds_reference,dds_verification
            H-1,produce,2026-04-02T07:30:00Z,cocoa-beans,LOT-P1,900,kg,FARM-GH-01,PLOT-GH-1;PLOT-GH-2,,,,
            S-1,ship,2026-04-05T06:00:00Z,cocoa-beans,LOT-P1,900,kg,FARM-GH-01,,SHP-P1,MILL-NL-01,26GHAB12345678,KX7PQ2RM

            """.utf8
        ).write(to: URL(fileURLWithPath: prov.path("harvest.csv")))
        _ = try run("ingest", "harvest.csv", "--key", farmKey)
        let history = try run("history", "LOT-P1").stdout
        #expect(history.contains("plots=PLOT-GH-1;PLOT-GH-2"), "\(history)")
        #expect(history.contains("dds_reference=26GHAB12345678 dds_verification=KX7PQ2RM"), "\(history)")
        // The lot's geolocation for its due-diligence statement: the plots' shares, the EU's GeoJSON, valid as
        // Shapely reads it; PLOT-GH-2 declares no date of establishment, so the cut-off check fails (exit 1).
        let report = try prov.run(["report", "eudr", "--lot", "LOT-P1", "--out", "eudr", "--json"])
        #expect(report.status == 1, "\(report.stderr)")
        let summary = try JSONParser.parse(report.stdout)
        #expect(summary["plots"]?.arrayValue?.compactMap { $0["plot"]?.stringValue } == ["PLOT-GH-1", "PLOT-GH-2"])
        #expect(summary["checks"]?.arrayValue?.last?["passed"] == .bool(false))
        // A proof of each event it rests on (the harvest and the two plots), one per line, checked offline together.
        let verified = try JSONParser.parse(
            try run("verify-proof", "eudr/eudr-LOT-P1.proofs", "--operator-key", "ledger.operator.pub.pem", "--json")
                .stdout)
        #expect(verified.arrayValue?.count == 3 && summary["evidence"]?.arrayValue?.count == 3, "\(verified)")
        #expect(
            verified.arrayValue?.compactMap { $0["id"]?.stringValue }
                == summary["evidence"]?.arrayValue?.compactMap(\.stringValue), "\(verified)")
        // One changed byte in the second bundle: refused, naming its line.
        var proofs = try Array(Data(contentsOf: URL(fileURLWithPath: prov.path("eudr/eudr-LOT-P1.proofs"))))
        let secondLine = try #require(proofs.firstIndex(of: 0x0A)) + 1
        proofs[secondLine + 40] ^= 0x01
        try Data(proofs).write(to: URL(fileURLWithPath: prov.path("tampered.proofs")))
        let tampered = try prov.run(["verify-proof", "tampered.proofs", "--operator-key", "ledger.operator.pub.pem"])
        #expect(tampered.status != 0 && tampered.stderr.contains("tampered.proofs:2"), "\(tampered.stderr)")
        let geoJSON = prov.path("eudr/eudr-LOT-P1.geojson")
        let features = try JSONParser.parse(String(contentsOfFile: geoJSON, encoding: .utf8))["features"]
        #expect(features?.arrayValue?.count == 2)
        #expect(features?.arrayValue?.first?["geometry"] == polygon)
        let python = TestPaths.root.appendingPathComponent(".build/geo-venv/bin/python").path
        // Always under CI, where scripts/test.sh installs Shapely: a missing install fails the test there.
        if FileManager.default.isExecutableFile(atPath: python) || ProcessInfo.processInfo.environment["CI"] == "true" {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: python)
            check.arguments = [
                "-c",
                "import json, sys; from shapely.geometry import shape; "
                    + "sys.exit(0 if all(shape(f['geometry']).is_valid for f in json.load(open(sys.argv[1]))['features']) else 1)",
                geoJSON,
            ]
            try check.run()
            check.waitUntilExit()
            #expect(check.terminationStatus == 0, "Shapely finds an invalid geometry in \(geoJSON)")
        }

        // The lot's FSMA 204 spreadsheet: the harvest and the shipment, each naming its ledger event.
        let written = try run("report", "fsma204", "--lot", "LOT-P1", "--out", "fsma204.csv").stdout
        #expect(written.contains("2 critical tracking events"), "\(written)")
        let sheet = try String(contentsOfFile: prov.path("fsma204.csv"), encoding: .utf8).split(separator: "\r\n")
        #expect(sheet.count == 3 && sheet.first?.hasPrefix("Critical Tracking Event,") == true, "\(sheet)")
        #expect(sheet.dropFirst().map { $0.split(separator: ",").first } == ["Harvesting", "Shipping"], "\(sheet)")
        let rows = try JSONParser.parse(try run("report", "fsma204", "--lot", "LOT-P1", "--json").stdout)["rows"]
        #expect(rows?.arrayValue?.last?["Reference Document Number"] == "SHP-P1", "\(String(describing: rows))")
        // The same spreadsheet as a workbook (an --out file named *.xlsx), read back by openpyxl: the same cells,
        // the quantity and the ledger index as numbers, the header row frozen and filtered.
        let workbook = try run("report", "fsma204", "--lot", "LOT-P1", "--out", "fsma204.xlsx").stdout
        #expect(workbook.contains("2 critical tracking events in fsma204.xlsx"), "\(workbook)")
        if OpenPyXL.shouldRun {
            let read = try OpenPyXL.read(prov.path("fsma204.xlsx"))
            #expect(read["title"] == "FSMA 204" && read["freeze"] == "A2" && read["filter"] == "A1:Q3", "\(read)")
            let cells = try #require(read["rows"]?.arrayValue)
            let header = try #require(cells.first?.arrayValue?.compactMap { $0.arrayValue?.last?.stringValue })
            #expect(header.first == "Critical Tracking Event" && header.last == "Ledger Index" && header.count == 17)
            for (row, expected) in zip(cells.dropFirst(), rows?.arrayValue ?? []) {
                let values = row.arrayValue ?? []
                #expect(values.count == header.count)
                for (heading, cell) in zip(header, values) {
                    let type = cell.arrayValue?.first?.stringValue
                    #expect(type == (["Quantity", "Ledger Index"].contains(heading) ? "n" : "s"), "\(heading)")
                    #expect(cell.arrayValue?.last == expected[heading], "\(heading): \(cell)")
                }
            }
        }
        let noFile = try prov.run(["report", "fsma204", "--lot", "LOT-P1", "--format", "xlsx"])
        #expect(noFile.status == 2 && noFile.stderr.contains("give --out"), "\(noFile.stderr)")
        // A range of time instead of a lot: every critical tracking event in it.
        let after = try JSONParser.parse(
            try run("report", "fsma204", "--from", "2026-04-03T00:00:00Z", "--json").stdout)["rows"]
        #expect(
            after?.arrayValue?.map { $0["Critical Tracking Event"] } == ["Shipping"], "\(String(describing: after))")
        let until = try JSONParser.parse(
            try run("report", "fsma204", "--to", "2026-04-03T00:00:00+00:00", "--json").stdout)["rows"]
        #expect(until?.arrayValue?.map { $0["Relation to the Requested Lot"] } == ["in range"])
        // A usage error exits with 2, as `prov --help` says.
        let both = try prov.run(["report", "fsma204", "--lot", "LOT-P1", "--from", "2026-04-03T00:00:00Z"])
        #expect(both.status == 2 && both.stderr.contains("give --lot, or a range of time"), "\(both.stderr)")
        let unknown = try prov.run(["report", "fsma204", "--lot", "NO-SUCH-LOT"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no lot 'NO-SUCH-LOT'"), "\(unknown.stderr)")

        try Data(
            """
            record_id,event,occurred_at,product,lot,quantity,unit,facility,plots
            H-2,produce,2026-04-02T07:30:00Z,cocoa-beans,LOT-P2,900,kg,FARM-GH-01,FARM-GH-01

            """.utf8
        ).write(to: URL(fileURLWithPath: prov.path("not-a-plot.csv")))
        let notAPlot = try prov.run(["ingest", "not-a-plot.csv", "--key", farmKey])
        #expect(notAPlot.status != 0)
        #expect(notAPlot.stderr.contains("'FARM-GH-01' is a facility of kind farm, not a plot"), "\(notAPlot.stderr)")

        // A bad file: the first plot declares an area its polygon does not cover, the second's point is written with
        // 5 decimals, the third names a farm that is not the signer's. Each is named; nothing is written.
        let before = try JSONParser.parse(try run("verify", "--json").stdout)["tree_size"]
        try Self.write(
            [
                Self.feature(
                    polygon,
                    [
                        "plot_id": "PLOT-GH-1", "farm": "FARM-GH-01", "area_ha": .number("9.5"), "commodity": "cocoa",
                        "country": "GH",
                    ]),
                Self.feature(
                    ["type": "Point", "coordinates": [.number("-1.61234"), .number("6.71234")]],
                    [
                        "plot_id": "PLOT-GH-3", "farm": "FARM-GH-01", "area_ha": .number("1"), "commodity": "cocoa",
                        "country": "GH",
                    ]),
                Self.feature(
                    ["type": "Point", "coordinates": [.number("-1.612345"), .number("6.712345")]],
                    [
                        "plot_id": "PLOT-GH-4", "farm": "MILL-NL-01", "area_ha": .number("1"), "commodity": "cocoa",
                        "country": "GH",
                    ]),
            ], to: prov.path("bad.geojson"))
        let refused = try prov.run(["facilities", "import", "bad.geojson", "--key", farmKey])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("bad.geojson, features[0]") && refused.stderr.contains("not the 9.5 ha declared"))
        #expect(
            refused.stderr.contains("features[1], geometry.coordinates: the coordinates are written with at most 5"))
        #expect(refused.stderr.contains("features[2]"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was written"))
        #expect(try JSONParser.parse(try run("verify", "--json").stdout)["tree_size"] == before)

        // A .geojson file is read as plots whatever it holds, and one that is no FeatureCollection says so.
        try Data(#"{"type": "Feature", "geometry": null, "properties": {}}"#.utf8).write(
            to: URL(fileURLWithPath: prov.path("one.geojson")))
        let single = try prov.run(["facilities", "import", "one.geojson", "--key", farmKey])
        #expect(single.status != 0 && single.stderr.contains("not a GeoJSON FeatureCollection"), "\(single.stderr)")
    }
}

/// openpyxl in `.build/xlsx-venv` (scripts/install-openpyxl.sh), reading a workbook back.
enum OpenPyXL {
    static let python = TestPaths.root.appendingPathComponent(".build/xlsx-venv/bin/python").path
    /// Always under CI, where scripts/test.sh installs it: a missing install fails the test there.
    static let shouldRun =
        FileManager.default.isExecutableFile(atPath: python) || ProcessInfo.processInfo.environment["CI"] == "true"

    /// The active sheet of the workbook at `path`: its title, frozen cell, filter range, and its rows, each cell as
    /// `["n", text]` for a number or `["s", text]` for text (an empty cell is empty text).
    static func read(_ path: String) throws -> JSONValue {
        let script = """
            import json, sys, openpyxl
            sheet = openpyxl.load_workbook(sys.argv[1]).active
            def cell(value):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return ["n", str(value)]
                return ["s", "" if value is None else str(value)]
            rows = [[cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
            json.dump({"title": sheet.title, "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref,
                       "rows": rows}, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openpyxl could not read \(path)")
        return try JSONParser.parse(String(decoding: data, as: UTF8.self))
    }
}
