import Foundation
import Testing
import TestSupport

@testable import Pipeline

@Suite struct ReportHTMLTests {
    @Test func pageIsSelfContainedAndFitsAPhone() {
        let html = SampleReport.make().html()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("xmlns"))
        #expect(!html.contains("<link"))
        #expect(!html.contains(" src="))
        #expect(!html.contains("url("))
        #expect(html.ranges(of: "<script").count == 1)
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func pageShowsTheRangeSummaryFeaturesAndDigest() throws {
        let report = SampleReport.make()
        let html = report.html()
        #expect(html.contains("<title>cocoa-weekly: anomaly report, cocoa.example/ledger 0–48210</title>"))
        #expect(html.contains("<code>\(SampleReport.rootHash)</code>"))
        #expect(html.contains("<code>\(SampleReport.pipelineDigest)</code>"))
        #expect(html.contains("<code>\(try report.digest().hex)</code>"))
        #expect(html.contains("<dt>links scored</dt><dd>15,204</dd>"))
        #expect(html.contains("<dt>score threshold</dt><dd>0.6200</dd>"))
        for feature in report.features { #expect(html.contains("<code>\(feature.name)</code>")) }
        #expect(html.contains(#"<td class="num">4980.5</td><td class="num">2210.8</td><td class="num">12</td>"#))
        #expect(html.contains("<td>3 (chosen)</td>"))
        #expect(html.contains("&quot;score_threshold&quot;: {\n"))
    }

    @Test func eachChartIsOneSVG() {
        let html = SampleReport.make().html()
        #expect(html.ranges(of: "<svg ").count == 3)
        for id in ["chart-rules", "chart-histogram", "chart-clusters"] {
            #expect(html.ranges(of: "<svg id=\"\(id)\"").count == 1)
        }
        let histogram = section(of: html, svg: "chart-histogram")
        #expect(histogram.ranges(of: #"class="all""#).count == 20 + 1)  // bins and the legend
        #expect(histogram.ranges(of: #"class="flagged""#).count == 4 + 1)
        #expect(histogram.contains(#"class="threshold""#))
        #expect(histogram.contains(">threshold 0.6200</text>"))

        let clusters = section(of: html, svg: "chart-clusters")
        #expect(clusters.ranges(of: #"class="point c"#).count == 50)
        #expect(clusters.ranges(of: #"class="point c0""#).count == 16 + 2)  // and two flags
        #expect(clusters.ranges(of: #"class="ring""#).count == 4)
        #expect(clusters.contains("principal component 1 (41.3\u{A0}% of variance)"))
        #expect(clusters.contains("principal component 2 (22.2\u{A0}% of variance)"))

        // Most hits first, ties by name; rules without a hit are listed too.
        let rules = section(of: html, svg: "chart-rules")
        let order = [
            "certificate_invalid", "impossible_speed", "mass_balance", "receive_before_ship", "duplicate_serials",
            "over_capacity",
        ].map { rules.range(of: ">\($0)</text>")?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
    }

    @Test func flagsAreListedByScore() throws {
        var report = SampleReport.make()
        report.flags.reverse()
        report.flags[0].score = 0.9137  // ties F-0d44e1; the ID decides
        let html = report.html()
        let positions = try ["F-7c21a9", "F-0d44e1", "F-c4e912", "F-51b3f0", "F-a80c77"].map { id in
            try #require(html.range(of: "<tbody id=\"flag-\(id)\"")).lowerBound
        }
        #expect(positions == positions.sorted())
    }

    @Test func hostileTextIsEscaped() {
        var report = SampleReport.make()
        report.flags[1].records[0].recordID = "<script>alert(1)</script>"
        report.flags[2].id = #""><img src=x onerror=alert(2)>"#
        report.flags[3].reasons.append("price & <b>quantity</b> 'differ'")
        report.pipeline.name = "</title><script>alert(3)</script>"
        report.summary.rules["<rule onload=x>"] = 2
        let html = report.html()
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("<rule"))
        #expect(html.ranges(of: "<script").count == 1)
        #expect(html.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"))
        #expect(html.contains(#"id="flag-&quot;&gt;&lt;img src=x onerror=alert(2)&gt;""#))
        #expect(html.contains("price &amp; &lt;b&gt;quantity&lt;/b&gt; &#39;differ&#39;"))
        #expect(HTMLText.escape("a\u{0}b\u{1B}c\td") == "a\u{FFFD}b\u{FFFD}c\td")
    }

    @Test func renderingIsDeterministic() {
        let html = SampleReport.make().html()
        #expect(SampleReport.make().html() == html)
        #expect(SampleReport.make(rulesInsertedBackwards: true).html() == html)
    }

    @Test func emptyReportStillHasItsThreeCharts() {
        var report = SampleReport.make()
        report.flags = []
        report.summary.rules = [:]
        report.histogram = Report.Histogram(binStarts: [], counts: [], flagged: [])
        report.clusters = Report.ClusterView(silhouettes: [:], explainedVariance: [], sizes: [], points: [])
        let html = report.html()
        #expect(html.ranges(of: "<svg ").count == 3)
        #expect(html.contains("<p>Nothing was flagged.</p>"))
    }

    /// Writes the sample's page and JSON to `.build/pipeline-report-sample/` to look at.
    @Test func sampleIsWrittenForLooking() throws {
        let report = SampleReport.make()
        let folder = TestPaths.root.appendingPathComponent(".build/pipeline-report-sample")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let page = folder.appendingPathComponent("report.html")
        try Data(report.html().utf8).write(to: page)
        try Data(report.json().prettyPrinted().utf8).write(to: folder.appendingPathComponent("report.json"))
        #expect(FileManager.default.fileExists(atPath: page.path))
    }

    private func section(of html: String, svg id: String) -> Substring {
        guard let start = html.range(of: "<svg id=\"\(id)\""),
            let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex)
        else { return "" }
        return html[start.lowerBound..<end.upperBound]
    }
}
