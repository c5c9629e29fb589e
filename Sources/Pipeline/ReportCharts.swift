import Foundation

/// The report's three charts as inline SVG: flags per rule, the score histogram and the clusters.
extension Report {
    /// Colour-blind-safe palette (Okabe and Ito) for clusters, by cluster number modulo its size; the
    /// page's style sheet defines classes `c0`…`c7` with these fills.
    static let clusterPalette = [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    ]

    static func clusterClass(_ cluster: Int) -> String {
        cluster >= 0 ? "c\(cluster % clusterPalette.count)" : "cn"
    }

    /// Rules by number of flags, most first (ties by name).
    var rulesByCount: [(rule: String, count: Int)] {
        summary.rules.map { (rule: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.rule < $1.rule }
    }

    /// Flags per rule as horizontal bars.
    func rulesChart() -> String {
        let rows = rulesByCount
        let width = 480.0
        let rowHeight = 26.0
        let top = 6.0
        let longest = rows.map(\.rule.count).max() ?? 0
        let labelWidth = min(220, max(60, Double(longest) * 6.6 + 14))
        let plotBottom = top + Double(max(rows.count, 1)) * rowHeight
        var svg = SVGChart(width: width, height: plotBottom + 42)
        let title = "Flags per rule"
        guard !rows.isEmpty else {
            svg.text("No rules were run.", x: width / 2, y: top + rowHeight / 2 + 4, anchor: "middle")
            return svg.render(id: "chart-rules", title: title)
        }
        let largest = max(1, rows.map(\.count).max() ?? 1)
        let x = LinearScale(domain: 0...Double(largest), range: labelWidth...(width - 44))
        svg.bottomAxis(
            x, y: plotBottom + 2, ticks: x.ticks(count: 5).values.filter { $0 == $0.rounded() }, places: 0,
            caption: "flags")
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            svg.text(row.rule, x: labelWidth - 8, y: y + 17, anchor: "end")
            svg.rect(
                x: labelWidth, y: y + 5, width: x(Double(row.count)) - labelWidth, height: rowHeight - 10,
                class: "bar", title: "\(row.rule): \(HTMLText.count(row.count)) " + (row.count == 1 ? "flag" : "flags"))
            svg.text(HTMLText.count(row.count), x: x(Double(row.count)) + 6, y: y + 17, class: "value")
        }
        return svg.render(id: "chart-rules", title: title)
    }

    /// Links per score bin (all and flagged) on a logarithmic axis, with the threshold marked.
    func histogramChart() -> String {
        let width = 480.0
        let height = 270.0
        let left = 52.0
        let right = 14.0
        let top = 30.0
        let bottom = 48.0
        var svg = SVGChart(width: width, height: height)
        let title = "Combined score of every link scored, and of the flagged ones"
        let bins = min(histogram.binStarts.count, histogram.counts.count)
        guard bins > 0 else {
            svg.text("No links were scored.", x: width / 2, y: height / 2, anchor: "middle")
            return svg.render(id: "chart-histogram", title: title)
        }
        let starts = Array(histogram.binStarts.prefix(bins))
        let binWidth = bins > 1 ? starts[1] - starts[0] : 1 - starts[0]
        let low = min(0, starts[0])
        let high = max(1, starts[bins - 1] + binWidth)
        let x = LinearScale(domain: low...high, range: left...(width - right))
        let largest = max(1, histogram.counts.prefix(bins).max() ?? 1)
        // log10(1 + count), so that a single flagged link in the tail still shows.
        let y = LinearScale(domain: 0...Self.logCount(largest), range: top...(height - bottom), flipped: true)

        var powers: [Int] = [0]
        var power = 1
        while power <= largest {
            powers.append(power)
            power *= 10
        }
        svg.line(x1: left, y1: top, x2: left, y2: height - bottom, class: "axis")
        for tick in powers {
            let tickY = y(Self.logCount(tick))
            svg.line(x1: left, y1: tickY, x2: width - right, y2: tickY, class: "grid")
            svg.text(HTMLText.count(tick), x: left - 6, y: tickY + 4, anchor: "end", class: "tick")
        }
        svg.text(
            "links (log scale)", x: 12, y: (top + height - bottom) / 2, anchor: "middle", class: "caption", rotate: -90)
        let ticks = x.ticks(count: 5)
        svg.bottomAxis(x, y: height - bottom, ticks: ticks.values, places: ticks.places, caption: "combined score")

        for index in 0..<bins {
            let start = starts[index]
            let count = histogram.counts[index]
            let flagged = index < histogram.flagged.count ? histogram.flagged[index] : 0
            let x0 = x(start)
            let x1 = x(start + binWidth)
            let label =
                "\(HTMLText.score(start))–\(HTMLText.score(start + binWidth)): \(HTMLText.count(count)) links, "
                + "\(HTMLText.count(flagged)) flagged"
            let allY = y(Self.logCount(count))
            svg.rect(x: x0 + 0.5, y: allY, width: x1 - x0 - 1, height: y(0) - allY, class: "all", title: label)
            if flagged > 0 {
                let flaggedY = y(Self.logCount(flagged))
                svg.rect(
                    x: x0 + 0.5, y: flaggedY, width: x1 - x0 - 1, height: y(0) - flaggedY, class: "flagged",
                    title: label)
            }
        }

        let thresholdX = x(min(high, max(low, summary.scoreThreshold)))
        svg.line(x1: thresholdX, y1: top - 4, x2: thresholdX, y2: height - bottom, class: "threshold")
        let onRight = thresholdX > width * 0.7
        svg.text(
            "threshold \(HTMLText.score(summary.scoreThreshold))", x: thresholdX + (onRight ? -4 : 4), y: top + 8,
            anchor: onRight ? "end" : "start", class: "value")

        svg.rect(x: left, y: 6, width: 12, height: 12, class: "all")
        svg.text("all links", x: left + 16, y: 16)
        svg.rect(x: left + 90, y: 6, width: 12, height: 12, class: "flagged")
        svg.text("flagged", x: left + 106, y: 16)
        return svg.render(id: "chart-histogram", title: title)
    }

    static func logCount(_ count: Int) -> Double { log10(1 + Double(max(0, count))) }

    /// The cluster view's points on its two principal axes, coloured by cluster, flagged ones ringed.
    func clusterChart() -> String {
        let width = 480.0
        let height = 380.0
        let left = 52.0
        let right = 14.0
        let top = 12.0
        let bottom = 48.0
        var svg = SVGChart(width: width, height: height)
        let title = "Links on the two principal axes of the scaled features, coloured by cluster; flagged links ringed"
        let points = clusters.points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !points.isEmpty else {
            svg.text("No points.", x: width / 2, y: height / 2, anchor: "middle")
            return svg.render(id: "chart-clusters", title: title)
        }
        let xs = points.map(\.x)
        let ys = points.map(\.y)
        let x = LinearScale(
            domain: LinearScale.padded(xs.min() ?? 0, xs.max() ?? 0, by: 0.05), range: left...(width - right))
        let y = LinearScale(
            domain: LinearScale.padded(ys.min() ?? 0, ys.max() ?? 0, by: 0.05), range: top...(height - bottom),
            flipped: true)
        let xTicks = x.ticks(count: 6)
        let yTicks = y.ticks(count: 5)
        svg.leftAxis(
            y, x: left, ticks: yTicks.values, places: yTicks.places, gridTo: width - right,
            caption: axisCaption(1))
        svg.bottomAxis(x, y: height - bottom, ticks: xTicks.values, places: xTicks.places, caption: axisCaption(0))

        for point in points where point.flag == nil {
            svg.circle(cx: x(point.x), cy: y(point.y), r: 3.2, class: "point " + Self.clusterClass(point.cluster))
        }
        for point in points {
            guard let flag = point.flag else { continue }
            let label = "\(flag): score \(HTMLText.score(point.score)), cluster \(point.cluster)"
            svg.circle(cx: x(point.x), cy: y(point.y), r: 3.2, class: "point " + Self.clusterClass(point.cluster))
            svg.circle(cx: x(point.x), cy: y(point.y), r: 7, class: "ring", title: label)
        }
        return svg.render(id: "chart-clusters", title: title)
    }

    private func axisCaption(_ axis: Int) -> String {
        let name = "principal component \(axis + 1)"
        guard axis < clusters.explainedVariance.count else { return name }
        return name + " (\(HTMLText.percent(clusters.explainedVariance[axis])) of variance)"
    }
}
