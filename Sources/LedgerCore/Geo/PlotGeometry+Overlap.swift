extension PlotGeometry {
    /// Whether the plot and `other` claim some of the same land: their areas share more than a boundary, a point plot
    /// lies inside the other's polygon (not in a hole, not on an edge), or two point plots are the same place.
    /// Plots that only touch (neighbours sharing a boundary or a corner) do not overlap.
    public func overlaps(_ other: PlotGeometry) -> Bool {
        switch (self, other) {
        case (.point(let a), .point(let b)):
            return a.isSamePlace(as: b)
        case (.point(let point), _):
            return other.polygons.contains { Self.strictlyInside($0, point) }
        case (_, .point(let point)):
            return polygons.contains { Self.strictlyInside($0, point) }
        default:
            guard box.meets(other.box) else { return false }
            for first in polygons {
                for second in other.polygons where Self.polygonsOverlap(first, second) { return true }
            }
            return false
        }
    }

    /// Whether two polygons (rings, outer first) share area: edges that properly cross, a vertex of one strictly
    /// inside the other, or the centre of one inside the other (identical or nested outlines).
    static func polygonsOverlap(_ first: [[GeoPosition]], _ second: [[GeoPosition]]) -> Bool {
        for ring in first {
            for otherRing in second where properCrossing(ring, otherRing) { return true }
        }
        if first[0].contains(where: { strictlyInside(second, $0) }) { return true }
        if second[0].contains(where: { strictlyInside(first, $0) }) { return true }
        return strictlyInside(second, PlotGeometry.polygon(first).representativePoint)
            || strictlyInside(first, PlotGeometry.polygon(second).representativePoint)
    }

    /// Whether `point` lies inside the polygon's outer ring, off its boundary, and in none of its holes.
    static func strictlyInside(_ rings: [[GeoPosition]], _ point: GeoPosition) -> Bool {
        guard let outer = rings.first, contains(outer, point), !onBoundary(outer, point) else { return false }
        return !rings.dropFirst().contains { contains($0, point) || onBoundary($0, point) }
    }

    /// Whether `point` lies on an edge of the closed ring.
    static func onBoundary(_ ring: [GeoPosition], _ point: GeoPosition) -> Bool {
        (0..<(ring.count - 1)).contains { i in
            orientation(ring[i], ring[i + 1], point) == 0 && onSegment(ring[i], ring[i + 1], point)
        }
    }

    /// Whether an edge of one ring crosses an edge of the other at a point inside both (not at an end, not along a
    /// shared line).
    static func properCrossing(_ first: [GeoPosition], _ second: [GeoPosition]) -> Bool {
        for i in 0..<(first.count - 1) {
            let (a, b) = (first[i], first[i + 1])
            for j in 0..<(second.count - 1) {
                let (c, d) = (second[j], second[j + 1])
                let (o1, o2) = (orientation(a, b, c), orientation(a, b, d))
                let (o3, o4) = (orientation(c, d, a), orientation(c, d, b))
                if o1 * o2 < 0 && o3 * o4 < 0 { return true }
            }
        }
        return false
    }

    /// A longitude–latitude rectangle.
    public struct Box: Sendable, Hashable {
        public var west: Double
        public var east: Double
        public var south: Double
        public var north: Double

        func meets(_ other: Box) -> Bool {
            west <= other.east && other.west <= east && south <= other.north && other.south <= north
        }
    }

    /// The rectangle the plot covers: its outer rings' (a point's is the point itself).
    public var box: Box {
        var positions = polygons.flatMap { $0.first ?? [] }
        if case .point(let point) = self { positions = [point] }
        var box = Box(west: .infinity, east: -.infinity, south: .infinity, north: -.infinity)
        for position in positions {
            box.west = min(box.west, position.longitude)
            box.east = max(box.east, position.longitude)
            box.south = min(box.south, position.latitude)
            box.north = max(box.north, position.latitude)
        }
        return box
    }
}
