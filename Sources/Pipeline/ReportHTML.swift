extension Report {
    /// The report as one self-contained HTML5 page: inline style sheet and SVG charts, no external
    /// resources, readable without JavaScript (a small inline script adds filtering and sorting of
    /// the flags) and on a phone.
    ///
    /// It shows the pipeline and ledger range, the summary, flags per rule, the score histogram with
    /// the threshold, the clusters in two dimensions, every flag by score with its rule hits, reasons,
    /// drivers, parties, facilities and records, the features, and the parameters. Every text from the
    /// report is escaped. The same report always gives the same bytes: nothing depends on the time
    /// of rendering or on dictionary order.
    public func html() -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page +=
            "<title>\(e(pipeline.name)): anomaly report, \(e(ledger.origin)) \(ledger.fromSize)–\(ledger.toSize)</title>\n"
        page += "<style>\n\(Self.styleSheet)</style>\n</head>\n<body>\n"
        page += headerHTML()
        page += "<main>\n"
        page += summaryHTML()
        page += chartsHTML()
        page += flagsHTML()
        page += featuresHTML()
        page += modelHTML()
        page += "</main>\n"
        page += "<footer><p>Report format \(format). Scores and shares are written with "
        page += "\(DecimalPlaces.score) decimals, feature values with \(DecimalPlaces.feature). The report digest is "
        page += "SHA-256 of the report's canonical JSON (RFC 8785).</p></footer>\n"
        page += "<script>\n\(Self.script)</script>\n</body>\n</html>\n"
        return page
    }

    private func e(_ text: String) -> String { HTMLText.escape(text) }

    // MARK: - Sections

    private func headerHTML() -> String {
        var out = "<header>\n<h1>Anomaly report: \(e(pipeline.name))</h1>\n"
        out += "<p class=\"lead\">Ledger <strong>\(e(ledger.origin))</strong>, tree sizes "
        out += "\(HTMLText.count(ledger.fromSize)) to \(HTMLText.count(ledger.toSize))"
        if let window = ledger.window {
            out += ", events that occurred from \(e(window.from ?? "the start")) to \(e(window.to ?? "the end"))"
        }
        out += ".</p>\n<dl class=\"hashes\">\n"
        out +=
            "<dt>Root hash at size \(HTMLText.count(ledger.toSize))</dt><dd><code>\(e(ledger.rootHash))</code></dd>\n"
        out += "<dt>Pipeline definition (SHA-256)</dt><dd><code>\(e(pipeline.digest))</code></dd>\n"
        do {
            out += "<dt>Report digest (SHA-256)</dt><dd><code>\(try digest().hex)</code></dd>\n"
        } catch {
            out += "<dt>Report digest (SHA-256)</dt><dd>none: \(e(error.description))</dd>\n"
        }
        return out + "</dl>\n</header>\n"
    }

    private func summaryHTML() -> String {
        let tiles: [(String, String)] = [
            ("events read", HTMLText.count(summary.events)),
            ("links scored", HTMLText.count(summary.links)),
            ("flagged", HTMLText.count(summary.flagged)),
            ("by the models alone", HTMLText.count(summary.modelOnly)),
            ("unreceived shipments", HTMLText.count(summary.unreceived)),
            ("score threshold", HTMLText.score(summary.scoreThreshold)),
            ("clusters", HTMLText.count(summary.clusterCount)),
        ]
        var out = "<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"tiles\">\n"
        for (label, value) in tiles {
            out += "<div><dt>\(label)</dt><dd>\(value)</dd></div>\n"
        }
        return out + "</dl>\n</section>\n"
    }

    private func chartsHTML() -> String {
        var out = "<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n"
        out += "<figure>\n\(rulesChart())\n<figcaption>Flags per rule. A flag can hit several rules; "
        out += "\(HTMLText.count(summary.modelOnly)) \(summary.modelOnly == 1 ? "was" : "were") raised by the models "
        out += "alone.</figcaption>\n</figure>\n"
        out += "<figure>\n\(histogramChart())\n<figcaption>Combined score of the \(HTMLText.count(summary.links)) "
        out += "links scored (grey) and of the flagged ones, per bin; links at or above the threshold "
        out += "\(HTMLText.score(summary.scoreThreshold)) are flagged.</figcaption>\n</figure>\n"
        out += "<figure>\n\(clusterChart())\n<figcaption>Links on the first two principal components of the "
        out += "scaled features (\(HTMLText.count(clusters.points.count)) shown), coloured by cluster; flagged "
        out += "links are ringed.\n<span class=\"legend\">"
        for (cluster, size) in clusters.sizes.enumerated() {
            out += "<span><i class=\"swatch \(Self.clusterClass(cluster))\"></i>cluster \(cluster): "
            out += "\(HTMLText.count(size))</span>"
        }
        out += "<span><i class=\"swatch ring\"></i>flagged</span></span></figcaption>\n</figure>\n"
        return out + "</div>\n</section>\n"
    }

    /// Flags by score, highest first, ties by ID.
    var flagsByScore: [Flag] {
        flags.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    private func flagsHTML() -> String {
        var out = "<section id=\"flags\">\n<h2>Flags (\(HTMLText.count(flags.count)))</h2>\n"
        guard !flags.isEmpty else { return out + "<p>Nothing was flagged.</p>\n</section>\n" }
        out += "<p class=\"filter\" hidden><label>Show flags containing <input id=\"flag-filter\" type=\"search\" "
        out += "autocomplete=\"off\"></label></p>\n"
        out += "<div class=\"scroll\">\n<table id=\"flag-table\" class=\"flags\">\n<thead><tr>"
        out +=
            "<th scope=\"col\" data-sort=\"id\">Flag</th><th scope=\"col\" data-sort=\"score\" aria-sort=\"descending\">Score</th>"
        out += "<th scope=\"col\">Product, lot, shipment</th><th scope=\"col\">Rule hits</th>"
        out += "<th scope=\"col\">Parties</th><th scope=\"col\">Facilities</th></tr></thead>\n"
        for flag in flagsByScore { out += flagHTML(flag) }
        return out + "</table>\n</div>\n</section>\n"
    }

    private func flagHTML(_ flag: Flag) -> String {
        var out =
            "<tbody id=\"flag-\(e(flag.id))\" data-id=\"\(e(flag.id))\" data-score=\"\(HTMLText.score(flag.score))\">\n<tr>"
        out += "<th scope=\"row\" data-label=\"Flag\"><span class=\"id\">\(e(flag.id))</span> "
        out += "<span class=\"subject\">\(e(flag.subject))</span></th>"
        out += "<td data-label=\"Score\" class=\"num\"><strong>\(HTMLText.score(flag.score))</strong>"
        var parts: [String] = []
        if let forest = flag.forestScore { parts.append("forest \(HTMLText.score(forest))") }
        if let cluster = flag.clusterScore { parts.append("cluster distance \(HTMLText.score(cluster))") }
        if let cluster = flag.cluster { parts.append("cluster \(cluster)") }
        if !parts.isEmpty { out += "<br><small>\(parts.joined(separator: "<br>"))</small>" }
        out += "</td>"

        var subject: [String] = []
        if let product = flag.product { subject.append("product <code>\(e(product))</code>") }
        if let lot = flag.lot { subject.append("lot <code>\(e(lot))</code>") }
        if let shipment = flag.shipmentID { subject.append("shipment <code>\(e(shipment))</code>") }
        out +=
            "<td data-label=\"Product, lot, shipment\">\(subject.isEmpty ? "–" : subject.joined(separator: "<br>"))</td>"

        out += "<td data-label=\"Rule hits\">"
        if flag.rules.isEmpty {
            out += "none (models)"
        } else {
            out += "<ul>" + flag.rules.map { "<li><code>\(e($0.rule))</code>: \(e($0.detail))</li>" }.joined() + "</ul>"
        }
        out += "</td>"
        out += "<td data-label=\"Parties\">\(list(flag.parties))</td>"
        out += "<td data-label=\"Facilities\">\(list(flag.facilities))</td></tr>\n"

        out += "<tr class=\"detail\"><td colspan=\"6\">\n"
        if !flag.reasons.isEmpty {
            out += "<h3>Reasons</h3>\n<ul class=\"reasons\">"
            out += flag.reasons.map { "<li>\(e($0))</li>" }.joined()
            out += "</ul>\n"
        }
        if !flag.drivers.isEmpty {
            out += "<h3>Drivers</h3>\n<ul class=\"drivers\">"
            for driver in flag.drivers {
                out += "<li>\(e(driver.text)) <small>(<code>\(e(driver.feature))</code>"
                if let value = driver.value { out += ", value \(HTMLText.number(value))" }
                if let median = driver.median { out += ", median \(HTMLText.number(median))" }
                out += ", z \(DecimalText.trimmed(driver.z, places: 2))"
                out += ", \(HTMLText.percent(driver.contribution)) of the isolation score)</small></li>"
            }
            out += "</ul>\n"
        }
        if !flag.records.isEmpty {
            out +=
                "<h3>Records</h3>\n<div class=\"scroll\"><table class=\"records\">\n<thead><tr><th scope=\"col\">Record</th>"
            out += "<th scope=\"col\">Event</th><th scope=\"col\">Kind</th><th scope=\"col\">Signer</th>"
            out += "<th scope=\"col\">Occurred at</th><th scope=\"col\">Facility</th></tr></thead>\n<tbody>\n"
            for record in flag.records {
                let recorded = record.recordedProduct.map { "<br><small>as <code>\(e($0))</code></small>" } ?? ""
                out += "<tr><td><code>\(e(record.recordID))</code>\(recorded)</td>"
                out +=
                    "<td><code title=\"\(e(record.eventID)) at index \(record.index)\">\(e(String(record.eventID.prefix(12))))…</code></td>"
                out += "<td>\(e(record.kind))</td><td>\(e(record.signer))</td><td>\(e(record.occurredAt))</td>"
                out += "<td>\(record.facility.map { "<code>\(e($0))</code>" } ?? "–")</td></tr>\n"
            }
            out += "</tbody>\n</table></div>\n"
        }
        return out + "</td></tr>\n</tbody>\n"
    }

    private func list(_ items: [String]) -> String {
        items.isEmpty ? "–" : items.map { "<code>\(e($0))</code>" }.joined(separator: "<br>")
    }

    private func featuresHTML() -> String {
        var out = "<section id=\"features\">\n<h2>Features</h2>\n"
        out += "<p>In model column order, with the median and the robust scale each feature is scaled by, and the "
        out += "number of links where it could not be computed.</p>\n"
        out += "<div class=\"scroll\">\n<table class=\"features\">\n<thead><tr><th scope=\"col\">Feature</th>"
        out +=
            "<th scope=\"col\">Measures</th><th scope=\"col\" class=\"num\">Median</th><th scope=\"col\" class=\"num\">Scale</th>"
        out += "<th scope=\"col\" class=\"num\">Missing</th></tr></thead>\n<tbody>\n"
        for feature in features {
            out += "<tr><th scope=\"row\"><code>\(e(feature.name))</code></th><td>\(e(feature.description))</td>"
            out +=
                "<td class=\"num\">\(HTMLText.number(feature.median))</td><td class=\"num\">\(HTMLText.number(feature.scale))</td>"
            out += "<td class=\"num\">\(HTMLText.count(feature.missing))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</div>\n</section>\n"
    }

    private func modelHTML() -> String {
        var out = "<section id=\"model\">\n<h2>Clustering and parameters</h2>\n"
        if !clusters.silhouettes.isEmpty {
            out += "<table class=\"silhouettes\">\n<caption>Mean silhouette per number of clusters tried; "
            out += "\(summary.clusterCount) chosen</caption>\n<thead><tr><th scope=\"col\">Clusters</th>"
            out += "<th scope=\"col\" class=\"num\">Silhouette</th></tr></thead>\n<tbody>\n"
            for (k, silhouette) in clusters.silhouettes.sorted(by: { $0.key < $1.key }) {
                let chosen = k == summary.clusterCount
                out += "<tr\(chosen ? " class=\"chosen\"" : "")><td>\(k)\(chosen ? " (chosen)" : "")</td>"
                out += "<td class=\"num\">\(HTMLText.score(silhouette))</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        out += "<details>\n<summary>Pipeline parameters as run</summary>\n<pre>"
        out += e(Report.parametersJSON(pipeline.parameters).prettyPrinted())
        return out + "</pre>\n</details>\n</section>\n"
    }

    // MARK: - Style and script

    private static let clusterStyles = clusterPalette.enumerated()
        .map { ".c\($0.offset) { fill: \($0.element); background: \($0.element); }" }
        .joined(separator: "\n")

    static let styleSheet = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #5a6270; --line: #d5d9e0; --accent: #D55E00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
        header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin: 1rem 0 0.25rem; }
        h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--line); }
        h3 { font-size: 0.95rem; margin: 0.5rem 0 0.25rem; }
        code { font: 0.85em/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
        .lead { margin: 0 0 0.5rem; }
        .hashes { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0; font-size: 0.9rem; }
        .hashes dt { color: var(--muted); }
        .hashes dd { margin: 0; min-width: 0; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.5rem; margin: 0; }
        .tiles div { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; }
        .tiles dt { font-size: 0.8rem; color: var(--muted); }
        .tiles dd { margin: 0; font-size: 1.4rem; font-weight: 600; font-variant-numeric: tabular-nums; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); gap: 1rem; }
        figure { margin: 0; }
        figcaption { font-size: 0.85rem; color: var(--muted); }
        svg { display: block; width: 100%; height: auto; font: 12px system-ui, sans-serif; }
        svg .label { fill: var(--ink); }
        svg .tick, svg .caption { fill: var(--muted); }
        svg .value { fill: var(--ink); font-weight: 600; }
        svg .axis { stroke: #7a828e; stroke-width: 1; }
        svg .grid { stroke: #eceef2; stroke-width: 1; }
        svg .bar { fill: #0072B2; }
        svg .all { fill: #b9bfc9; }
        svg .flagged { fill: var(--accent); }
        svg .threshold { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 5 3; }
        svg .point { fill-opacity: 0.85; }
        svg .ring { fill: none; stroke: var(--ink); stroke-width: 1.6; }
        .legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin-top: 0.25rem; }
        .swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%; margin-right: 0.3rem; vertical-align: -0.1rem; }
        .swatch.ring { border: 2px solid var(--ink); }
        .cn { fill: #8a8f98; background: #8a8f98; }
        \(clusterStyles)
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
        th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
        thead th { font-size: 0.8rem; color: var(--muted); white-space: nowrap; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        table.flags > tbody { border-top: 2px solid var(--ink); }
        table.flags th[data-sort] { cursor: pointer; }
        table.flags ul { margin: 0; padding-left: 1.1rem; }
        tr.detail > td { background: #f6f7f9; }
        .subject { display: inline-block; font-size: 0.75rem; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 0.3rem; }
        .id { font-weight: 600; }
        table.records { font-size: 0.85rem; }
        table.silhouettes { width: auto; margin-bottom: 1rem; }
        caption { text-align: left; font-size: 0.85rem; color: var(--muted); }
        tr.chosen { font-weight: 600; }
        .filter input { font: inherit; padding: 0.2rem 0.4rem; max-width: 100%; }
        pre { background: #f6f7f9; padding: 0.75rem; overflow-x: auto; font-size: 0.85rem; }
        footer { margin: 2rem auto; font-size: 0.8rem; color: var(--muted); }
        @media (max-width: 40rem) {
          .hashes { grid-template-columns: 1fr; }
          .hashes dd { margin-bottom: 0.3rem; }
          table.flags, table.flags > tbody, table.flags > tbody > tr, table.flags > tbody > tr > th,
          table.flags > tbody > tr > td { display: block; width: 100%; }
          table.flags > thead { display: none; }
          table.flags > tbody > tr > [data-label]::before { content: attr(data-label); display: block; font-size: 0.75rem; color: var(--muted); }
          table.flags > tbody > tr > td, table.flags > tbody > tr > th { border: 0; }
          table.flags .num { text-align: left; }
        }

        """

    /// Filtering by text and sorting by clicking a column heading; the page reads the same without it.
    static let script = """
        (function () {
          var table = document.getElementById('flag-table');
          if (!table) return;
          var input = document.getElementById('flag-filter');
          input.closest('p').hidden = false;
          input.addEventListener('input', function () {
            var query = input.value.toLowerCase();
            Array.prototype.forEach.call(table.tBodies, function (body) {
              body.hidden = query !== '' && body.textContent.toLowerCase().indexOf(query) < 0;
            });
          });
          Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (heading) {
            heading.tabIndex = 0;
            function sort() {
              var key = heading.getAttribute('data-sort');
              var descending = heading.getAttribute('aria-sort') !== 'descending';
              var bodies = Array.prototype.slice.call(table.tBodies);
              bodies.sort(function (a, b) {
                var x = a.getAttribute('data-' + key), y = b.getAttribute('data-' + key);
                var order = key === 'score' ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : x > y ? 1 : 0);
                return descending ? -order : order;
              });
              bodies.forEach(function (body) { table.appendChild(body); });
              Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (other) {
                other.removeAttribute('aria-sort');
              });
              heading.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
            }
            heading.addEventListener('click', sort);
            heading.addEventListener('keydown', function (event) {
              if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); }
            });
          });
        })();

        """
}
