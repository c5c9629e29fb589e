internal import Foundation

/// A position of a GeoJSON geometry: longitude, then latitude, in WGS 84 degrees (RFC 7946 §3.1.1), with the most
/// decimals either coordinate was written with.
public struct GeoPosition: Sendable, Hashable {
    public let longitude: Double
    public let latitude: Double
    public let decimals: Int

    public init(longitude: Double, latitude: Double, decimals: Int = 6) {
        self.longitude = longitude
        self.latitude = latitude
        self.decimals = decimals
    }

    /// The same place, whatever the decimals it was written with.
    func isSamePlace(as other: GeoPosition) -> Bool {
        longitude == other.longitude && latitude == other.latitude
    }
}

/// The geometry of a production plot as the EU deforestation regulation asks for it (Regulation (EU) 2023/1115,
/// Art. 2(28) and 9(1)(d)): a point, or one or more polygons, in GeoJSON's WGS 84 longitude–latitude (RFC 7946),
/// each coordinate with at least six decimals. docs/regulatory.md.
///
/// ``init(geoJSON:)`` reads and checks a GeoJSON geometry object and refuses, naming the position, anything a
/// plot's geometry may not be: a type other than `Point`, `Polygon` and `MultiPolygon`; a position that is not two
/// (or three) numbers, or out of range (longitude first, −180…180, then latitude, −90…90); no coordinate written
/// with six decimals or more (writers drop trailing zeros, so not every one need show six);
/// a ring with fewer than four positions, not closed, or crossing or touching itself; a hole outside its polygon or
/// crossing another ring.
public enum PlotGeometry: Sendable, Hashable {
    case point(GeoPosition)
    /// Rings: the outer one first, then holes.
    case polygon([[GeoPosition]])
    case multiPolygon([[[GeoPosition]]])

    /// The fewest decimals a coordinate may be written with.
    public static let minimumDecimals = 6

    /// The radius of the sphere with the WGS 84 ellipsoid's area (its authalic radius), in metres: areas computed on
    /// it are within 0.5 % of the ellipsoid's at any latitude.
    static let authalicRadius = 6_371_007.181

    /// Reads and checks the GeoJSON geometry object `geoJSON`.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` saying what is wrong, its context the member's path (`coordinates`,
    ///   `coordinates[0][3]`).
    public init(geoJSON: JSONValue) throws(LedgerError) {
        guard case .object(let object) = geoJSON else {
            throw LedgerError(.invalidRecord, "a geometry is a GeoJSON object", context: ["geometry"])
        }
        guard let type = object["type"]?.stringValue else {
            throw LedgerError(.invalidRecord, "the geometry has no type", context: ["geometry.type"])
        }
        guard let coordinates = object["coordinates"] else {
            throw LedgerError(.invalidRecord, "the \(type) has no coordinates", context: ["geometry.coordinates"])
        }
        let path = "geometry.coordinates"
        switch type {
        case "Point":
            self = .point(try Self.position(coordinates, path: path))
        case "Polygon":
            self = .polygon(try Self.polygon(coordinates, path: path))
        case "MultiPolygon":
            guard case .array(let polygons) = coordinates, !polygons.isEmpty else {
                throw LedgerError(.invalidRecord, "a MultiPolygon holds one or more polygons", context: [path])
            }
            var read = [[[GeoPosition]]]()
            for (index, polygon) in polygons.enumerated() {
                read.append(try Self.polygon(polygon, path: "\(path)[\(index)]"))
            }
            try Self.checkDisjoint(read, path: path)
            self = .multiPolygon(read)
        default:
            throw LedgerError(
                .invalidRecord, "a plot is a Point, a Polygon or a MultiPolygon, not a \(type)",
                context: ["geometry.type"])
        }
        // Precision shows in the most precise coordinate: a writer drops trailing zeros (6.2 for 6.200000), so one
        // coordinate may show fewer decimals than the survey had, but not all of them.
        let decimals =
            switch self {
            case .point(let position): position.decimals
            default: polygons.joined().joined().map(\.decimals).max() ?? 0
            }
        guard decimals >= Self.minimumDecimals else {
            throw LedgerError(
                .invalidRecord,
                "the coordinates are written with at most \(decimals) decimals; a plot's need \(Self.minimumDecimals) "
                    + "(about 10 cm)", context: [path])
        }
    }

    /// The GeoJSON geometry `geoJSON`, checked, as compact text holding only its `type` and `coordinates`, each
    /// number as it was written: the form a plot's event keeps.
    ///
    /// - Throws: ``LedgerError`` as ``init(geoJSON:)``.
    public static func normalizedText(_ geoJSON: JSONValue) throws(LedgerError) -> String {
        _ = try PlotGeometry(geoJSON: geoJSON)
        var text = #"{"type":""# + (geoJSON["type"]?.stringValue ?? "") + #"","coordinates":"#
        func write(_ value: JSONValue) {
            switch value {
            case .number(let lexeme):
                text += lexeme
            case .array(let items):
                text += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { text += "," }
                    write(item)
                }
                text += "]"
            default:
                break  // The checks admit only numbers in arrays.
            }
        }
        write(geoJSON["coordinates"] ?? .array([]))
        return text + "}"
    }

    /// A point standing for the geometry on a map and in the `latitude` and `longitude` of its facility: the point
    /// itself, or the centroid of the largest polygon's outer ring.
    public var representativePoint: GeoPosition {
        switch self {
        case .point(let position):
            return position
        case .polygon, .multiPolygon:
            let outer = polygons.max { abs(Self.ringArea($0[0])) < abs(Self.ringArea($1[0])) }?[0] ?? []
            guard let origin = outer.first else { return GeoPosition(longitude: 0, latitude: 0) }
            // The plane centroid of the ring, taken from its first corner so that nothing cancels out.
            var (twiceArea, x, y) = (0.0, 0.0, 0.0)
            for i in 0..<(outer.count - 1) {
                let (ax, ay) = (outer[i].longitude - origin.longitude, outer[i].latitude - origin.latitude)
                let (bx, by) = (outer[i + 1].longitude - origin.longitude, outer[i + 1].latitude - origin.latitude)
                let cross = ax * by - bx * ay
                twiceArea += cross
                x += (ax + bx) * cross
                y += (ay + by) * cross
            }
            guard twiceArea != 0 else { return origin }
            return GeoPosition(
                longitude: origin.longitude + x / (3 * twiceArea), latitude: origin.latitude + y / (3 * twiceArea))
        }
    }

    /// The polygons, each as rings (outer first); none for a point.
    public var polygons: [[[GeoPosition]]] {
        switch self {
        case .point: []
        case .polygon(let rings): [rings]
        case .multiPolygon(let polygons): polygons
        }
    }

    /// The area on the ground in hectares (outer rings less holes, on the sphere of WGS 84's area); 0 for a point.
    public var areaHectares: Double {
        polygons.reduce(0) { total, rings in
            total + abs(Self.ringArea(rings[0])) - rings.dropFirst().reduce(0) { $0 + abs(Self.ringArea($1)) }
        } / 10_000
    }

    /// The most a polygon's area may differ from the area a plot declares, as a share of the declared area.
    public static let areaTolerance = 0.10

    /// The largest plot a point may stand for, in hectares (Art. 2(28)); above it a polygon is needed, except for
    /// cattle, whose establishments are located by a point.
    public static let largestPointPlot = 4.0

    /// Checks the geometry against what its plot declares: a polygon for a plot above ``largestPointPlot`` hectares
    /// (but for `cattle`), and a polygon's area on the ground within ``areaTolerance`` of `declaredHectares`.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` naming the declared and the measured figures.
    public func check(declaredHectares: Double, commodity: String) throws(LedgerError) {
        guard declaredHectares > 0 else {
            throw LedgerError(.invalidRecord, "a plot's area is more than 0 ha", context: ["area_ha"])
        }
        if case .point = self {
            guard declaredHectares <= Self.largestPointPlot || commodity.lowercased() == "cattle" else {
                throw LedgerError(
                    .invalidRecord,
                    "a plot of \(declaredHectares) ha needs a polygon: a point stands for plots up to "
                        + "\(Self.largestPointPlot) ha", context: ["geometry"])
            }
            return
        }
        let measured = areaHectares
        guard abs(measured - declaredHectares) <= Self.areaTolerance * declaredHectares else {
            throw LedgerError(
                .invalidRecord,
                String(
                    format:
                        "the polygon covers %.4f ha on the ground, not the %@ ha declared (more than %.0f %% apart)",
                    measured, String(declaredHectares), Self.areaTolerance * 100), context: ["area_ha"])
        }
    }

    // MARK: Reading

    /// One position: two or three numbers, longitude first, in range, with enough decimals.
    static func position(_ value: JSONValue, path: String) throws(LedgerError) -> GeoPosition {
        guard case .array(let numbers) = value, (2...3).contains(numbers.count) else {
            throw LedgerError(
                .invalidRecord, "a position is [longitude, latitude], two numbers", context: [path])
        }
        guard case .number(let longitudeText) = numbers[0], case .number(let latitudeText) = numbers[1],
            let longitude = Double(longitudeText), let latitude = Double(latitudeText)
        else {
            throw LedgerError(.invalidRecord, "a position holds numbers: [longitude, latitude]", context: [path])
        }
        guard (-180...180).contains(longitude), (-90...90).contains(latitude) else {
            let swapped = (-90...90).contains(longitude) && (-180...180).contains(latitude)
            throw LedgerError(
                .invalidRecord,
                "[\(longitudeText), \(latitudeText)] is out of range: longitude first (−180 to 180), then latitude "
                    + "(−90 to 90)" + (swapped ? "; it looks like latitude first" : ""),
                context: [path])
        }
        let decimals = max(Self.decimals(longitudeText), Self.decimals(latitudeText))
        return GeoPosition(longitude: longitude, latitude: latitude, decimals: decimals)
    }

    /// The decimals a JSON number lexeme is written with: the digits after its point, less its exponent.
    static func decimals(_ lexeme: String) -> Int {
        let parts = lexeme.lowercased().split(separator: "e", maxSplits: 1)
        let mantissa = parts.first ?? ""
        let fraction = mantissa.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        return max(0, fraction - exponent)
    }

    /// One polygon: its rings, each checked, and the holes inside the outer ring without crossing any ring.
    static func polygon(_ value: JSONValue, path: String) throws(LedgerError) -> [[GeoPosition]] {
        guard case .array(let ringValues) = value, !ringValues.isEmpty else {
            throw LedgerError(.invalidRecord, "a polygon holds one or more rings", context: [path])
        }
        var rings = [[GeoPosition]]()
        for (index, ringValue) in ringValues.enumerated() {
            rings.append(try ring(ringValue, path: "\(path)[\(index)]"))
        }
        for (index, hole) in rings.enumerated().dropFirst() {
            guard contains(rings[0], hole[0]) else {
                throw LedgerError(
                    .invalidRecord, "hole \(index) lies outside the polygon's outer ring",
                    context: ["\(path)[\(index)]"])
            }
        }
        for first in rings.indices {
            for second in rings.indices where second > first {
                if let (a, b) = crossing(rings[first], rings[second]) {
                    throw LedgerError(
                        .invalidRecord,
                        "ring \(second) crosses or touches ring \(first) (segment \(b) of the one, \(a) of the other)",
                        context: ["\(path)[\(second)]"])
                }
            }
        }
        return rings
    }

    /// One linear ring: four or more positions, the last the same as the first, no segment crossing or touching
    /// another but its neighbours at their shared end.
    static func ring(_ value: JSONValue, path: String) throws(LedgerError) -> [GeoPosition] {
        guard case .array(let values) = value else {
            throw LedgerError(.invalidRecord, "a ring is an array of positions", context: [path])
        }
        var positions = [GeoPosition]()
        for (index, value) in values.enumerated() {
            positions.append(try position(value, path: "\(path)[\(index)]"))
        }
        guard positions.count >= 4 else {
            throw LedgerError(
                .invalidRecord,
                "a ring has at least 4 positions (the last the same as the first), not \(positions.count)",
                context: [path])
        }
        guard let first = positions.first, let last = positions.last, first.isSamePlace(as: last) else {
            throw LedgerError(
                .invalidRecord, "the ring is not closed: its last position must be the same as its first",
                context: [path])
        }
        // Repeated consecutive positions add no segment.
        var distinct = [first]
        for position in positions.dropFirst() where !position.isSamePlace(as: distinct[distinct.count - 1]) {
            distinct.append(position)
        }
        guard distinct.count >= 4 else {
            throw LedgerError(
                .invalidRecord, "the ring encloses no area: fewer than 3 distinct corners", context: [path])
        }
        if let (a, b) = selfCrossing(distinct) {
            throw LedgerError(
                .invalidRecord, "the ring crosses or touches itself (segments \(a) and \(b))", context: [path])
        }
        return distinct
    }

    /// Refuses polygons of one MultiPolygon that overlap or touch: each outer ring must cross no other and lie
    /// outside the others.
    static func checkDisjoint(_ polygons: [[[GeoPosition]]], path: String) throws(LedgerError) {
        for first in polygons.indices {
            for second in polygons.indices where second > first {
                let (a, b) = (polygons[first][0], polygons[second][0])
                if crossing(a, b) != nil || contains(a, b[0]) || contains(b, a[0]) {
                    throw LedgerError(
                        .invalidRecord, "polygons \(first) and \(second) overlap", context: ["\(path)[\(second)]"])
                }
            }
        }
    }

    // MARK: Plane geometry (on longitude and latitude, which is exact for crossings and containment)

    /// The first two non-neighbouring segments of the closed ring that meet, by their indexes.
    static func selfCrossing(_ ring: [GeoPosition]) -> (Int, Int)? {
        let count = ring.count - 1
        for i in 0..<count {
            for j in (i + 1)..<count {
                // Neighbours share an end: the next segment, and the last with the first.
                let neighbours = j == i + 1 || (i == 0 && j == count - 1)
                if neighbours {
                    // They may still fold back over each other.
                    if overlapsCollinear(ring[i], ring[i + 1], ring[j], ring[j + 1]) { return (i, j) }
                    continue
                }
                if segmentsMeet(ring[i], ring[i + 1], ring[j], ring[j + 1]) { return (i, j) }
            }
        }
        return nil
    }

    /// The first segments of two rings that meet, by their indexes.
    static func crossing(_ first: [GeoPosition], _ second: [GeoPosition]) -> (Int, Int)? {
        for i in 0..<(first.count - 1) {
            for j in 0..<(second.count - 1) where segmentsMeet(first[i], first[i + 1], second[j], second[j + 1]) {
                return (i, j)
            }
        }
        return nil
    }

    /// Whether `point` lies inside the closed ring (even–odd rule).
    static func contains(_ ring: [GeoPosition], _ point: GeoPosition) -> Bool {
        var inside = false
        for i in 0..<(ring.count - 1) {
            let (a, b) = (ring[i], ring[i + 1])
            if (a.latitude > point.latitude) != (b.latitude > point.latitude) {
                let longitude =
                    a.longitude + (point.latitude - a.latitude) / (b.latitude - a.latitude)
                    * (b.longitude - a.longitude)
                if point.longitude < longitude { inside.toggle() }
            }
        }
        return inside
    }

    /// The sign of the turn a → b → c: positive counterclockwise, 0 when the three are on a line.
    static func orientation(_ a: GeoPosition, _ b: GeoPosition, _ c: GeoPosition) -> Double {
        let value =
            (b.longitude - a.longitude) * (c.latitude - a.latitude) - (b.latitude - a.latitude)
            * (c.longitude - a.longitude)
        return value == 0 ? 0 : value > 0 ? 1 : -1
    }

    /// Whether `point`, on the line through a and b, lies within the segment.
    static func onSegment(_ a: GeoPosition, _ b: GeoPosition, _ point: GeoPosition) -> Bool {
        min(a.longitude, b.longitude) <= point.longitude && point.longitude <= max(a.longitude, b.longitude)
            && min(a.latitude, b.latitude) <= point.latitude && point.latitude <= max(a.latitude, b.latitude)
    }

    /// Whether segments ab and cd share any point.
    static func segmentsMeet(_ a: GeoPosition, _ b: GeoPosition, _ c: GeoPosition, _ d: GeoPosition) -> Bool {
        let (o1, o2, o3, o4) = (orientation(a, b, c), orientation(a, b, d), orientation(c, d, a), orientation(c, d, b))
        if o1 != o2 && o3 != o4 && o1 * o2 <= 0 && o3 * o4 <= 0 { return true }
        return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) || (o3 == 0 && onSegment(c, d, a))
            || (o4 == 0 && onSegment(c, d, b))
    }

    /// Whether neighbouring segments ab and bd (sharing b) run back over each other.
    static func overlapsCollinear(_ a: GeoPosition, _ b: GeoPosition, _ c: GeoPosition, _ d: GeoPosition) -> Bool {
        guard orientation(a, b, c) == 0, orientation(a, b, d) == 0 else { return false }
        // Collinear neighbours overlap when the far end of one lies on the other beyond their shared point.
        let shared = b.isSamePlace(as: c) ? b : a
        let ends = [a, b, c, d].filter { !$0.isSamePlace(as: shared) }
        guard ends.count == 2 else { return true }
        let first = (ends[0].longitude - shared.longitude, ends[0].latitude - shared.latitude)
        let second = (ends[1].longitude - shared.longitude, ends[1].latitude - shared.latitude)
        return first.0 * second.0 + first.1 * second.1 > 0
    }

    // MARK: Area

    /// The signed area of a closed ring on the sphere of WGS 84's area, in square metres (positive
    /// counterclockwise): the sum over its edges of (λ₂ − λ₁)(2 + sin φ₁ + sin φ₂) · R² / 2.
    static func ringArea(_ ring: [GeoPosition]) -> Double {
        var total = 0.0
        for i in 0..<(ring.count - 1) {
            let (a, b) = (ring[i], ring[i + 1])
            let deltaLongitude = (b.longitude - a.longitude) * .pi / 180
            total += deltaLongitude * (2 + sin(a.latitude * .pi / 180) + sin(b.latitude * .pi / 180))
        }
        return total * authalicRadius * authalicRadius / 2
    }
}
