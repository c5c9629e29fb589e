import Pipeline

/// The two web pages and the stylesheet they share. Each page is static HTML that carries the
/// ledger's origin and operator key in `data-` attributes; its script does the rest, so the pages
/// run under a policy that allows no inline script.
enum Pages {
    /// The public product page, `/p/{product-or-lot}`: the URL a QR code on the product holds.
    static func product(origin: String, operatorKey: String) -> String {
        page(
            title: "Product history", origin: origin, operatorKey: operatorKey, script: "product.js",
            body: """
                <header>
                  <p class="brand">Provenance · <span id="subject"></span></p>
                  <h1 id="title">Loading…</h1>
                  <p id="summary"></p>
                  <p id="badge" class="badge checking" data-state="checking" role="status" aria-live="polite">Checking the proofs…</p>
                </header>
                <main>
                  <section><h2>Journey</h2><div id="map" class="map"></div><div id="plots" class="map plots" hidden></div><ol id="timeline" class="timeline"></ol></section>
                  <section><h2>Transformations</h2><ul id="transformations"></ul></section>
                  <section><h2>Certificates</h2><ul id="certificates"></ul></section>
                  <section id="detection-section" hidden><h2>Anomaly detection</h2><p id="detection"></p></section>
                  <section class="about">
                    <h2>How this page checks the history</h2>
                    <p>Every event above is signed by the participant who recorded it, and the ledger's operator signs a checkpoint
                    over all events. This page fetches each event's proof and checks, in your browser, that the event is in the
                    signed checkpoint, that its signature is its signer's, and that every value shown matches what was signed.
                    Prices, exact quantities and trading partners stay private: they are signed as digests only.</p>
                    <p id="ledger"></p>
                  </section>
                </main>
                """)
    }

    /// The compliance dashboard, `/dashboard`.
    static func dashboard(origin: String, operatorKey: String) -> String {
        page(
            title: "Compliance dashboard", origin: origin, operatorKey: operatorKey, script: "dashboard.js",
            body: """
                <header><p class="brand">Provenance · compliance</p><h1>Anomaly flags</h1><p id="who"></p></header>
                <main>
                  <section id="login">
                    <h2>Log in with your key</h2>
                    <form id="login-form">
                      <label>Participant ID <input id="participant" name="participant" autocomplete="username" required></label>
                      <label>Private key (PEM) <input id="key-file" name="key" type="file" accept=".pem,application/x-pem-file" required></label>
                      <button id="login-button" type="submit">Log in</button>
                    </form>
                    <p class="hint">The key stays in this browser: it signs a one-time challenge, and later each decision.</p>
                    <p id="login-error" class="error" role="alert"></p>
                  </section>
                  <section id="board" hidden>
                    <p id="board-status" role="status" aria-live="polite"></p>
                    <div class="filters">
                      <label>Status <select id="status-filter">
                        <option value="open" selected>open</option><option value="confirmed">confirmed</option>
                        <option value="dismissed">dismissed</option><option value="">all</option></select></label>
                      <label>Rule <select id="rule-filter"><option value="">all rules</option></select></label>
                      <label>Search <input id="search" type="search"></label>
                      <span id="shown"></span>
                    </div>
                    <table class="flags">
                      <thead><tr><th>Score</th><th>Flag</th><th>Reasons</th><th>Decision</th></tr></thead>
                      <tbody id="flags"></tbody>
                    </table>
                    <h2>Decisions</h2>
                    <ul id="decisions" class="decisions"></ul>
                    <h2 id="report-title">Report</h2>
                    <iframe id="report" class="report" title="the latest anchored report"></iframe>
                  </section>
                </main>
                """)
    }

    private static func page(title: String, origin: String, operatorKey: String, script: String, body: String) -> String
    {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title)) · \(HTMLText.escape(origin))</title>
        <link rel="stylesheet" href="/assets/style.css">
        <script type="module" src="/assets/\(script)"></script>
        </head>
        <body data-origin="\(HTMLText.escape(origin))" data-operator-key="\(HTMLText.escape(operatorKey))">
        \(body)
        </body>
        </html>

        """
    }

    /// What the pages may load: their own scripts and styles, the report page in a frame.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src blob:; object-src 'none'; base-uri 'none'; form-action 'none'"

    static let stylesheet = """
        :root { --ink: #1d2521; --muted: #5b6760; --line: #d8ddd9; --ok: #1b7a3d; --bad: #b3261e; --accent: #2f5d50; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f7f8f6; }
        header, main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        header { padding-top: 1.5rem; }
        h1 { margin: .2rem 0; font-size: 1.7rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        .brand { margin: 0; color: var(--muted); font-size: .9rem; }
        .badge { display: inline-block; padding: .45rem .8rem; border-radius: .4rem; font-weight: 600; border: 1px solid var(--line); background: #fff; }
        .badge.verified { color: #fff; background: var(--ok); border-color: var(--ok); }
        .badge.verified-server { color: var(--ok); border-color: var(--ok); }
        .badge.failed { color: #fff; background: var(--bad); border-color: var(--bad); }
        .map { overflow: hidden; }
        .map svg { display: block; width: 100%; max-height: 16rem; overflow: hidden; background: #eef2ef; border-radius: .4rem; }
        .map .grid { stroke: #cfd8d2; stroke-width: .15; vector-effect: non-scaling-stroke; }
        .map .route { fill: none; stroke: var(--accent); stroke-width: 2; vector-effect: non-scaling-stroke; }
        .map .coast { fill: none; stroke: #98ad9e; stroke-width: .8; vector-effect: non-scaling-stroke; }
        .map .plot { fill: #c9822b; fill-opacity: .55; stroke: #8a5317; stroke-width: 1.2; vector-effect: non-scaling-stroke; }
        .map.plots { margin-top: .6rem; }
        .map figcaption { font-size: .85rem; color: #5b6660; margin: .2rem 0 .4rem; }
        .map text { fill: var(--ink); }
        .map circle { fill: var(--accent); }
        .timeline { list-style: none; padding: 0; overflow-wrap: anywhere; }
        .flags code, .flags .records { overflow-wrap: anywhere; }
        .timeline li { position: relative; padding: .6rem .6rem .6rem 2.4rem; margin: .4rem 0; background: #fff; border: 1px solid var(--line); border-radius: .4rem; }
        .timeline li.upstream, .timeline li.downstream { border-style: dashed; }
        .timeline li.move { background: transparent; border-style: dotted; color: var(--muted); font-size: .9rem; }
        .timeline .check { position: absolute; left: .7rem; top: .6rem; font-weight: 700; color: var(--muted); }
        .timeline .check.ok { color: var(--ok); }
        .timeline .check.bad { color: var(--bad); }
        .when, .id, .who { color: var(--muted); font-size: .85rem; }
        .id { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
        .about { color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
        .none { color: var(--muted); }
        form label, .filters label { display: block; margin: .5rem 0; }
        .filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; }
        input, select, button { font: inherit; padding: .35rem .5rem; }
        button { border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: .3rem; cursor: pointer; }
        button.dismiss { background: #fff; color: var(--accent); }
        .error { color: var(--bad); }
        .hint { color: var(--muted); font-size: .9rem; }
        table.flags { width: 100%; border-collapse: collapse; background: #fff; }
        .flags th, .flags td { text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid var(--line); }
        .flags .score { font-weight: 700; }
        .flags .reasons { margin: 0; padding-left: 1rem; }
        .flags .rule { display: inline-block; margin: 0 .3rem .3rem 0; padding: 0 .4rem; border-radius: .3rem; background: #e6ece8; font-size: .85rem; }
        .flags .records, .flags .subject { color: var(--muted); font-size: .85rem; }
        .flags .note { width: 100%; margin-bottom: .3rem; }
        .status.confirmed { color: var(--bad); font-weight: 600; }
        .status.dismissed { color: var(--muted); }
        .report { width: 100%; height: 40rem; border: 1px solid var(--line); background: #fff; }
        @media (max-width: 40rem) {
          h1 { font-size: 1.35rem; }
          .flags thead { display: none; }
          .flags tr, .flags td { display: block; }
        }
        """
}
