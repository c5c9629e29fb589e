import Foundation
import LedgerCore
import TestSupport
import Testing

/// A plot's geometry as EUDR asks for it: every way a geometry can be wrong is refused with its place, and areas are
/// those of the ground.
@Suite struct PlotGeometryTests {
    /// A GeoJSON geometry parsed from its text.
    static func geometry(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// The error reading `text` gives, or nil.
    static func refusal(_ text: String) throws -> LedgerError? {
        let value = try geometry(text)
        do throws(LedgerError) {
            _ = try PlotGeometry(geoJSON: value)
            return nil
        } catch {
            return error
        }
    }

    /// A square lon/lat box of `side` degrees with its south-west corner at (`longitude`, `latitude`), counterclockwise.
    static func box(_ longitude: Double, _ latitude: Double, _ side: Double) -> String {
        let corners = [
            (longitude, latitude), (longitude + side, latitude), (longitude + side, latitude + side),
            (longitude, latitude + side), (longitude, latitude),
        ]
        return "[" + corners.map { String(format: "[%.7f, %.7f]", $0.0, $0.1) }.joined(separator: ", ") + "]"
    }

    @Test func aBoxHasTheAreaOfItsZoneOfTheSphere() throws {
        // The area of a longitude–latitude box on a sphere is R² · Δλ · (sin φ₂ − sin φ₁), exactly.
        for (longitude, latitude) in [(-1.5, 6.2), (102.3, -0.4), (-60.1, 52.7)] {
            let side = 0.001
            let plot = try PlotGeometry(
                geoJSON: try Self.geometry(
                    #"{"type": "Polygon", "coordinates": ["#
                        + Self.box(longitude, latitude, side) + "]}"))
            let radius = 6_371_007.181
            let expected =
                radius * radius * (side * .pi / 180)
                * (sin((latitude + side) * .pi / 180) - sin(latitude * .pi / 180)) / 10_000
            #expect(abs(plot.areaHectares - expected) < 1e-6 * expected, "\(plot.areaHectares) vs \(expected)")
        }
        // A hole is taken out.
        let holed = try PlotGeometry(
            geoJSON: try Self.geometry(
                #"{"type": "Polygon", "coordinates": ["# + Self.box(-1.5, 6.2, 0.002) + ", "
                    + Self.box(-1.4995, 6.2005, 0.001) + "]}"))
        let whole = try PlotGeometry(
            geoJSON: try Self.geometry(#"{"type": "Polygon", "coordinates": ["# + Self.box(-1.5, 6.2, 0.002) + "]}"))
        let hole = try PlotGeometry(
            geoJSON: try Self.geometry(
                #"{"type": "Polygon", "coordinates": ["# + Self.box(-1.4995, 6.2005, 0.001) + "]}"))
        #expect(abs(holed.areaHectares - (whole.areaHectares - hole.areaHectares)) < 1e-9)
        #expect(
            try PlotGeometry(geoJSON: Self.geometry(#"{"type": "Point", "coordinates": [-1.512345, 6.212345]}"#))
                .areaHectares == 0)
    }

    @Test(arguments: [
        (
            #"{"type": "LineString", "coordinates": [[0.1234567, 1.1234567], [0.2234567, 1.2234567]]}"#,
            "not a LineString"
        ),
        (#"{"coordinates": [1.1234567, 2.1234567]}"#, "no type"),
        (#"{"type": "Point"}"#, "no coordinates"),
        (#"{"type": "Point", "coordinates": [1.1234567]}"#, "two numbers"),
        (#"{"type": "Point", "coordinates": ["1.1234567", 2.1234567]}"#, "holds numbers"),
        (#"{"type": "Point", "coordinates": [181.0000001, 2.1234567]}"#, "out of range"),
        (#"{"type": "Point", "coordinates": [6.2123456, -151.5123456]}"#, "looks like latitude first"),
        (#"{"type": "Point", "coordinates": [-1.51234, 6.21234]}"#, "at most 5 decimals"),
        (#"{"type": "Point", "coordinates": [-1.512345e1, 6.2]}"#, "at most 5 decimals"),
        (
            #"{"type": "Polygon", "coordinates": [[[0.00001, 0.00001], [0.00101, 0.00001], [0.00101, 0.00101], [0.00001, 0.00001]]]}"#,
            "at most 5 decimals"
        ),
        (#"{"type": "Polygon", "coordinates": []}"#, "one or more rings"),
        (
            #"{"type": "Polygon", "coordinates": [[[0.0000001, 0.0000001], [0.0010001, 0.0000001], [0.0000001, 0.0000001]]]}"#,
            "at least 4 positions"
        ),
        (
            #"{"type": "Polygon", "coordinates": [[[0.0000001, 0.0000001], [0.0010001, 0.0000001], [0.0010001, 0.0010001], [0.0000001, 0.0010002]]]}"#,
            "not closed"
        ),
        // A bow tie: the second and fourth segments cross.
        (
            #"{"type": "Polygon", "coordinates": [[[0.0000001, 0.0000001], [0.0010001, 0.0010001], [0.0010001, 0.0000001], [0.0000001, 0.0010001], [0.0000001, 0.0000001]]]}"#,
            "crosses or touches itself"
        ),
        // A ring that comes back to one of its corners (a figure of eight).
        (
            #"{"type": "Polygon", "coordinates": [[[0.0000001, 0.0000001], [0.0010001, 0.0000001], [0.0010001, 0.0010001], [0.0000001, 0.0000001], [-0.0010001, 0.0000001], [-0.0010001, -0.0010001], [0.0000001, 0.0000001]]]}"#,
            "crosses or touches itself"
        ),
        // A spike that runs back along its own edge.
        (
            #"{"type": "Polygon", "coordinates": [[[0.0000001, 0.0000001], [0.0020001, 0.0000001], [0.0010001, 0.0000001], [0.0010001, 0.0010001], [0.0000001, 0.0000001]]]}"#,
            "crosses or touches itself"
        ),
        (
            #"{"type": "Polygon", "coordinates": [[[0.0000001, 0.0000001], [0.0010001, 0.0000001], [0.0020001, 0.0000001], [0.0000001, 0.0000001]]]}"#,
            "crosses or touches itself"
        ),
        (#"{"type": "MultiPolygon", "coordinates": []}"#, "one or more polygons"),
    ])
    func aWrongGeometryIsRefusedSayingWhy(text: String, reason: String) throws {
        let error = try #require(try Self.refusal(text), "\(text) was accepted")
        #expect(error.code == .invalidRecord)
        #expect(error.reason.contains(reason), "\(error)")
        #expect(error.context.first?.hasPrefix("geometry") == true, "\(error)")
    }

    @Test func holesAndPartsAreChecked() throws {
        // A hole outside its polygon, a hole crossing the outer ring, two parts overlapping.
        let outside = try #require(
            try Self.refusal(
                #"{"type": "Polygon", "coordinates": ["# + Self.box(0.1, 0.1, 0.001) + ", " + Self.box(0.2, 0.2, 0.0001)
                    + "]}"))
        #expect(outside.reason.contains("outside the polygon's outer ring"))
        #expect(outside.context == ["geometry.coordinates[1]"])
        let crossing = try #require(
            try Self.refusal(
                #"{"type": "Polygon", "coordinates": ["# + Self.box(0.1, 0.1, 0.001) + ", "
                    + Self.box(0.1005, 0.1005, 0.001) + "]}"))
        #expect(crossing.reason.contains("crosses or touches ring 0"))
        let overlapping = try #require(
            try Self.refusal(
                #"{"type": "MultiPolygon", "coordinates": [["# + Self.box(0.1, 0.1, 0.001) + "], ["
                    + Self.box(0.1002, 0.1002, 0.0001) + "]]}"))
        #expect(overlapping.reason.contains("polygons 0 and 1 overlap"))
        #expect(overlapping.context == ["geometry.coordinates[1]"])
        // Apart, they are one plot of both areas.
        let parts = try PlotGeometry(
            geoJSON: try Self.geometry(
                #"{"type": "MultiPolygon", "coordinates": [["# + Self.box(0.1, 0.1, 0.001) + "], ["
                    + Self.box(0.2, 0.2, 0.001) + "]]}"))
        #expect(parts.polygons.count == 2)
        // A wrong position deep inside names its place.
        let deep = try #require(
            try Self.refusal(
                #"{"type": "MultiPolygon", "coordinates": [["# + Self.box(0.1, 0.1, 0.001)
                    + #"], [[[0.2000001, 0.2000001], [0.2100001, 95.2000001], [0.2100001, 0.2100001], [0.2000001, 0.2000001]]]]}"#
            ))
        #expect(deep.context == ["geometry.coordinates[1][0][1]"])
        #expect(deep.reason.contains("out of range"))
        // Trailing zeros a writer dropped are no loss of precision, as long as some coordinate shows six decimals.
        _ = try PlotGeometry(geoJSON: try Self.geometry(#"{"type": "Point", "coordinates": [-1.6, 6.212345]}"#))
    }

    @Test func aPlotsGeometryMustFitWhatItDeclares() throws {
        let point = try PlotGeometry(
            geoJSON: try Self.geometry(#"{"type": "Point", "coordinates": [-1.512345, 6.212345]}"#))
        try point.check(declaredHectares: 3.9, commodity: "cocoa")
        #expect(throws: LedgerError.self) { try point.check(declaredHectares: 4.5, commodity: "cocoa") }
        try point.check(declaredHectares: 40, commodity: "cattle")
        #expect(throws: LedgerError.self) { try point.check(declaredHectares: 0, commodity: "cocoa") }
        // 0.002° square at 6.2° N: about 4.9 ha.
        let square = try PlotGeometry(
            geoJSON: try Self.geometry(#"{"type": "Polygon", "coordinates": ["# + Self.box(-1.5, 6.2, 0.002) + "]}"))
        let area = square.areaHectares
        #expect(area > 4.8 && area < 5.0, "\(area)")
        try square.check(declaredHectares: area * 1.09, commodity: "cocoa")
        try square.check(declaredHectares: area * 0.92, commodity: "cocoa")
        do throws(LedgerError) {
            try square.check(declaredHectares: area * 1.2, commodity: "cocoa")
            Issue.record("a plot declared 20 % larger than its polygon was accepted")
        } catch {
            #expect(error.reason.contains("not the"), "\(error)")
            #expect(error.context == ["area_ha"])
        }
    }
}

/// The geometry checks and areas against Shapely (PyPI), the reference most GIS tools share, on 300 random
/// quadrilaterals and hexagons near the equator and at 60° N, half of them with their corners in random order (so
/// that many cross themselves): both must say the same ring is valid, and give the same area for each valid one,
/// Shapely's taken in the cylindrical equal-area projection of the same sphere. Shapely runs from `.build/geo-venv`
/// (scripts/install-shapely.sh, which the test script runs); without it the test is skipped, and under CI it fails.
@Suite(.enabled(if: ShapelyReference.shouldRun, Comment(rawValue: ShapelyReference.absence)))
struct PlotGeometryReferenceTests {
    @Test func validityAndAreaAgreeWithShapely() throws {
        var random = SystemRandomNumberGenerator()
        var rings = [[(Double, Double)]]()
        for index in 0..<300 {
            let (longitude, latitude) = index.isMultiple(of: 2) ? (-1.5, 6.2) : (24.9, 60.1)
            let corners = index % 3 == 0 ? 6 : 4
            var ring = (0..<corners).map { corner -> (Double, Double) in
                // Around a circle of about 100 m, at a random distance from the centre.
                let angle = Double(corner) / Double(corners) * 2 * .pi
                let distance = Double.random(in: 0.0003...0.001, using: &random)
                return (
                    ((longitude + distance * cos(angle)) * 1e7).rounded() / 1e7,
                    ((latitude + distance * sin(angle)) * 1e7).rounded() / 1e7
                )
            }
            if index % 4 >= 2 { ring.shuffle(using: &random) }
            rings.append(ring + [ring[0]])
        }
        let reference = try ShapelyReference.check(rings)
        try #require(reference.count == rings.count)
        var disagreements = [String]()
        for (ring, (valid, area)) in zip(rings, reference) {
            let text =
                #"{"type": "Polygon", "coordinates": [["#
                + ring.map { String(format: "[%.7f, %.7f]", $0.0, $0.1) }.joined(separator: ", ") + "]]}"
            let plot = try? PlotGeometry(geoJSON: try JSONParser.parse(text))
            if (plot != nil) != valid {
                disagreements.append("\(text): Shapely says \(valid ? "valid" : "invalid")")
            } else if let plot, abs(plot.areaHectares - area) > 1e-6 * area {
                disagreements.append("\(text): \(plot.areaHectares) ha, Shapely \(area) ha")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).joined(separator: "\n"))")
        // Both kinds were tried.
        #expect(reference.contains { $0.0 } && reference.contains { !$0.0 })
    }
}

extension PlotGeometryReferenceTests {
    /// A polygon (closed ring) of `corners` corners around (`longitude`, `latitude`) at `distance` degrees, rounded to
    /// 7 decimals.
    static func ring(_ longitude: Double, _ latitude: Double, _ distance: Double, corners: Int) -> [(Double, Double)] {
        let ring = (0..<corners).map { corner -> (Double, Double) in
            let angle = Double(corner) / Double(corners) * 2 * .pi
            return (
                ((longitude + distance * cos(angle)) * 1e7).rounded() / 1e7,
                ((latitude + distance * sin(angle)) * 1e7).rounded() / 1e7
            )
        }
        return ring + [ring[0]]
    }

    static func plot(_ ring: [(Double, Double)]) throws -> PlotGeometry {
        try PlotGeometry(
            geoJSON: try JSONParser.parse(
                #"{"type": "Polygon", "coordinates": [["#
                    + ring.map { String(format: "[%.7f, %.7f]", $0.0, $0.1) }.joined(separator: ", ") + "]]}"))
    }

    /// Two plots overlap where Shapely finds their intersection has an area: pairs of polygons at random distances,
    /// squares that share an edge or a corner (which do not), one inside the other and identical ones (which do).
    @Test func overlapsAgreeWithShapely() throws {
        var random = SystemRandomNumberGenerator()
        var pairs = [([(Double, Double)], [(Double, Double)])]()
        for index in 0..<300 {
            let first = Self.ring(-1.5, 6.2, Double.random(in: 0.0003...0.001, using: &random), corners: 4 + index % 5)
            let second = Self.ring(
                -1.5 + Double.random(in: -0.002...0.002, using: &random),
                6.2 + Double.random(in: -0.002...0.002, using: &random),
                Double.random(in: 0.0003...0.001, using: &random), corners: 3 + index % 4)
            pairs.append((first, second))
        }
        let square = [(-1.5, 6.2), (-1.499, 6.2), (-1.499, 6.201), (-1.5, 6.201), (-1.5, 6.2)]
        let east = square.map { ($0.0 + 0.001, $0.1) }
        let northEast = square.map { ($0.0 + 0.001, $0.1 + 0.001) }
        let inner = [(-1.4998, 6.2002), (-1.4992, 6.2002), (-1.4992, 6.2008), (-1.4998, 6.2008), (-1.4998, 6.2002)]
        pairs += [(square, east), (square, northEast), (square, inner), (square, square)]
        let reference = try ShapelyReference.overlaps(pairs)
        try #require(reference.count == pairs.count)
        var disagreements = [String]()
        for ((first, second), overlapping) in zip(pairs, reference) {
            let (a, b) = (try Self.plot(first), try Self.plot(second))
            let ours = a.overlaps(b)
            if ours != overlapping || ours != b.overlaps(a) {
                disagreements.append("\(first) and \(second): Shapely says \(overlapping)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3).joined(separator: "\n"))")
        #expect(Array(reference.suffix(4)) == [false, false, true, true])
        #expect(reference.contains(true) && reference.contains(false))
    }
}

/// Shapely in `.build/geo-venv`, run on a list of rings.
enum ShapelyReference {
    /// For each pair of rings, whether Shapely finds that the polygons' intersection has an area.
    static func overlaps(_ pairs: [([(Double, Double)], [(Double, Double)])]) throws -> [Bool] {
        let script = """
            import json, sys
            from shapely.geometry import Polygon
            json.dump([Polygon(a).intersection(Polygon(b)).area > 0 for a, b in json.load(sys.stdin)], sys.stdout)
            """
        func ring(_ ring: [(Double, Double)]) -> String {
            "[" + ring.map { "[\($0.0), \($0.1)]" }.joined(separator: ",") + "]"
        }
        let json = "[" + pairs.map { "[" + ring($0.0) + "," + ring($0.1) + "]" }.joined(separator: ",") + "]"
        guard case .array(let results) = try JSONParser.parse(try run(script, input: json)) else { return [] }
        return results.map { $0 == .bool(true) }
    }

    /// Runs `script` with Shapely's Python, `input` on its standard input, and returns what it prints.
    static func run(_ script: String, input text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "Shapely's script failed")
        return String(decoding: data, as: UTF8.self)
    }

    static let python = TestPaths.root.appendingPathComponent(".build/geo-venv/bin/python").path
    static let shouldRun =
        FileManager.default.isExecutableFile(atPath: python) || ProcessInfo.processInfo.environment["CI"] == "true"
    static let absence = "Shapely is not installed in .build/geo-venv (bash scripts/install-shapely.sh)"

    /// For each ring (longitude, latitude pairs, closed), whether Shapely finds the polygon valid and its area in
    /// hectares in the cylindrical equal-area projection of the sphere of WGS 84's area.
    static func check(_ rings: [[(Double, Double)]]) throws -> [(Bool, Double)] {
        let script = """
            import json, math, sys
            from shapely.geometry import Polygon
            R = 6371007.181
            out = []
            for ring in json.load(sys.stdin):
                polygon = Polygon(ring)
                projected = Polygon([(R * math.radians(x), R * math.sin(math.radians(y))) for x, y in ring])
                out.append([polygon.is_valid, projected.area / 10000])
            json.dump(out, sys.stdout)
            """
        let json =
            "["
            + rings.map { ring in "[" + ring.map { "[\($0.0), \($0.1)]" }.joined(separator: ",") + "]" }
            .joined(separator: ",") + "]"
        guard case .array(let results) = try JSONParser.parse(try run(script, input: json)) else { return [] }
        return results.map { result in
            let pair = result.arrayValue ?? []
            let valid = pair.first == .bool(true)
            let area = pair.count > 1 ? (pair[1].numberText.flatMap(Double.init) ?? .nan) : .nan
            return (valid, area)
        }
    }
}

extension JSONValue {
    fileprivate var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }
}
