/// A small SVG builder for charts inlined in HTML5: shapes, text and a title, with coordinates written
/// at two decimals so that the same chart is always the same bytes.
///
/// Inline `<svg>` in HTML5 needs no namespace, so none is written. Every text is escaped.
struct SVGChart {
    let width: Double
    let height: Double
    private var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Styling goes through classes the page's style sheet defines.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, class name: String, title: String? = nil) {
        element(
            "rect", ["x": n(x), "y": n(y), "width": n(max(0, width)), "height": n(max(0, height)), "class": name],
            title: title)
    }

    mutating func circle(cx: Double, cy: Double, r: Double, class name: String, title: String? = nil) {
        element("circle", ["cx": n(cx), "cy": n(cy), "r": n(r), "class": name], title: title)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, class name: String) {
        element("line", ["x1": n(x1), "y1": n(y1), "x2": n(x2), "y2": n(y2), "class": name], title: nil)
    }

    /// `anchor` is `start`, `middle` or `end`; `rotate` turns the text about its anchor point.
    mutating func text(
        _ text: String, x: Double, y: Double, anchor: String = "start", class name: String = "label",
        rotate: Double? = nil
    ) {
        var attributes = ["x": n(x), "y": n(y), "text-anchor": anchor, "class": name]
        if let rotate { attributes["transform"] = "rotate(\(n(rotate)) \(n(x)) \(n(y)))" }
        body.append("<text\(Self.attributes(attributes))>\(HTMLText.escape(text))</text>")
    }

    /// A path through `points`, as straight segments.
    mutating func path(_ points: [(x: Double, y: Double)], class name: String) {
        guard let first = points.first else { return }
        var d = "M\(n(first.x)) \(n(first.y))"
        for point in points.dropFirst() { d += " L\(n(point.x)) \(n(point.y))" }
        element("path", ["d": d, "class": name], title: nil)
    }

    /// A horizontal axis at `y` with ticks and their labels below it, and a caption under them.
    mutating func bottomAxis(_ scale: LinearScale, y: Double, ticks: [Double], places: Int, caption: String?) {
        line(x1: scale.range.lowerBound, y1: y, x2: scale.range.upperBound, y2: y, class: "axis")
        for tick in ticks {
            let x = scale(tick)
            line(x1: x, y1: y, x2: x, y2: y + 4, class: "axis")
            text(DecimalText.trimmed(tick, places: places), x: x, y: y + 16, anchor: "middle", class: "tick")
        }
        if let caption {
            text(
                caption, x: (scale.range.lowerBound + scale.range.upperBound) / 2, y: y + 32, anchor: "middle",
                class: "caption")
        }
    }

    /// A vertical axis at `x` with ticks, labels to its left, light grid lines across to `gridTo`, and a
    /// caption turned along it.
    mutating func leftAxis(
        _ scale: LinearScale, x: Double, ticks: [Double], places: Int, gridTo: Double, caption: String?
    ) {
        line(x1: x, y1: scale.range.lowerBound, x2: x, y2: scale.range.upperBound, class: "axis")
        for tick in ticks {
            let y = scale(tick)
            line(x1: x, y1: y, x2: gridTo, y2: y, class: "grid")
            line(x1: x - 4, y1: y, x2: x, y2: y, class: "axis")
            text(DecimalText.trimmed(tick, places: places), x: x - 6, y: y + 4, anchor: "end", class: "tick")
        }
        if let caption {
            let middle = (scale.range.lowerBound + scale.range.upperBound) / 2
            text(caption, x: 12, y: middle, anchor: "middle", class: "caption", rotate: -90)
        }
    }

    /// The `<svg>` element, labelled by `title` for screen readers.
    func render(id: String, title: String) -> String {
        var out = "<svg id=\"\(HTMLText.escape(id))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" "
        out += "aria-labelledby=\"\(HTMLText.escape(id))-title\">\n"
        out += "<title id=\"\(HTMLText.escape(id))-title\">\(HTMLText.escape(title))</title>\n"
        for line in body { out += line + "\n" }
        return out + "</svg>"
    }

    private mutating func element(_ name: String, _ attributes: [String: String], title: String?) {
        if let title {
            body.append("<\(name)\(Self.attributes(attributes))><title>\(HTMLText.escape(title))</title></\(name)>")
        } else {
            body.append("<\(name)\(Self.attributes(attributes))/>")
        }
    }

    /// Attributes in a fixed order (by name), escaped.
    private static func attributes(_ attributes: [String: String]) -> String {
        attributes.keys.sorted().map { " \($0)=\"\(HTMLText.escape(attributes[$0] ?? ""))\"" }.joined()
    }

    private func n(_ value: Double) -> String { DecimalText.trimmed(value, places: 2) }
}

/// Maps a data interval onto a drawing interval, linearly.
struct LinearScale {
    let domain: ClosedRange<Double>
    let range: ClosedRange<Double>
    /// When set, larger values map to smaller coordinates (a vertical axis in SVG, which grows down).
    let flipped: Bool

    init(domain: ClosedRange<Double>, range: ClosedRange<Double>, flipped: Bool = false) {
        // A domain of one value is widened so that it still has a middle.
        self.domain = domain.lowerBound < domain.upperBound ? domain : (domain.lowerBound - 1)...(domain.upperBound + 1)
        self.range = range
        self.flipped = flipped
    }

    func callAsFunction(_ value: Double) -> Double {
        let share = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        let span = range.upperBound - range.lowerBound
        return flipped ? range.upperBound - share * span : range.lowerBound + share * span
    }

    /// "Nice" ticks (1, 2 or 5 times a power of ten) inside the domain, about `count` of them, and the
    /// number of decimals their labels need.
    func ticks(count: Int) -> (values: [Double], places: Int) {
        let rough = (domain.upperBound - domain.lowerBound) / Double(max(1, count))
        var magnitude = 1.0
        var places = 0
        while magnitude > rough {
            magnitude /= 10
            places += 1
        }
        while magnitude * 10 <= rough {
            magnitude *= 10
            places = max(0, places - 1)
        }
        let residual = rough / magnitude
        let step = magnitude * (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1)
        if step >= magnitude * 10 { places = max(0, places - 1) }
        let first = (domain.lowerBound / step).rounded(.up)
        let last = (domain.upperBound / step).rounded(.down)
        guard first <= last, last - first < 1_000 else { return ([], places) }
        let values = stride(from: first, through: last, by: 1).map { $0 * step }
        return (values, places)
    }

    /// The domain widened by `share` of its span on each side, for points that must not touch the axes.
    static func padded(_ low: Double, _ high: Double, by share: Double) -> ClosedRange<Double> {
        let span = high > low ? high - low : 1
        return (low - span * share)...(high + span * share)
    }
}
