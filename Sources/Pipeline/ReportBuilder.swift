internal import Anomaly
internal import LedgerCore
internal import LedgerCrypto

/// Turns scores and rule findings into flags with reasons, and assembles the report.
struct ReportBuilder {
    let run: PipelineRun
    let links: LinkSet
    let table: FeatureTable
    let raw: Matrix
    let scaled: Matrix
    let scaler: RobustScaler
    /// Each feature's median in its own units (the scaler's are on the models' scale).
    let rawMedians: [Double]
    let scores: ModelScores
    let findings: [RuleFinding]
    let range: Report.LedgerRange

    private var definition: PipelineDefinition { run.definition }

    func build() -> Report {
        let threshold = scoreThreshold()
        var rowOfSubject = [FlagSubject: Int]()
        for (row, subject) in table.subjects.enumerated() { rowOfSubject[subject.flagSubject] = row }

        var hits = [FlagSubject: [RuleFinding]]()
        for finding in findings { hits[finding.subject, default: []].append(finding) }
        var flagged = Set(hits.keys)
        var modelOnly = 0
        for (row, subject) in table.subjects.enumerated() where isModelFlag(row: row, threshold: threshold) {
            if flagged.insert(subject.flagSubject).inserted { modelOnly += 1 }
        }

        var flagIDs = [Int: String]()
        var flags = [Report.Flag]()
        for subject in flagged {
            let row = rowOfSubject[subject]
            let flag = flag(subject, row: row, findings: hits[subject] ?? [])
            if let row { flagIDs[row] = flag.id }
            flags.append(flag)
        }
        flags.sort { ($0.score, $1.id) > ($1.score, $0.id) }

        var ruleCounts = [String: Int]()
        for rule in RuleName.allCases where definition.rules.isEnabled(rule) { ruleCounts[rule.rawValue] = 0 }
        for flag in flags {
            for rule in Set(flag.rules.map(\.rule)) { ruleCounts[rule, default: 0] += 1 }
        }

        let summary = Report.Summary(
            events: links.events.count, links: table.subjects.count, unreceived: links.unreceived, flagged: flags.count,
            scoreThreshold: threshold, rules: ruleCounts, modelOnly: modelOnly, clusterCount: Set(scores.clusters).count
        )
        return Report(
            pipeline: Report.PipelineInfo(
                name: definition.name, digest: run.definitionDigest, parameters: parameters()),
            ledger: range, summary: summary, flags: flags, histogram: histogram(threshold: threshold, flagged: flagIDs),
            clusters: clusterView(flagged: flagIDs), features: featureSummaries())
    }

    // MARK: - Flags

    /// The combined score at or above which the models flag a link: the definition's, or the score of the
    /// false-alarm rate's p-value.
    private func scoreThreshold() -> Double {
        definition.threshold.score ?? TailScores.score(pValue: definition.threshold.pValue)
    }

    /// A model flag: the combined p-value is at most the threshold's, and, unless the family tails alone reach it
    /// (only the forest or the clusters do), a feature lies at least `minimum_deviation` from its median.
    private func isModelFlag(row: Int, threshold: Double) -> Bool {
        guard row < scores.combined.count, scores.combined[row] >= threshold else { return false }
        if TailScores.score(pValue: scores.tails.tailAlone(row)) >= threshold { return true }
        for column in 0..<scaled.columns where abs(scaled[row, column]) >= definition.threshold.minimumDeviation {
            return true
        }
        return false
    }

    /// The ledger positions of the events a flag of `subject` lists.
    func positions(of subject: FlagSubject, findings: [RuleFinding]) -> [Int] {
        switch subject {
        case .shipment(let position): return links.positions(of: links.shipments[position])
        case .transform(let position): return [links.transforms[position].transform]
        case .production(let position): return [position]
        case .facilityDay: return Array(Set(findings.flatMap(\.evidence))).sorted()
        }
    }

    private func flag(_ subject: FlagSubject, row: Int?, findings: [RuleFinding]) -> Report.Flag {
        let positions = positions(of: subject, findings: findings)
        let drivers = row.map(drivers(row:)) ?? []
        // A driver about the sender's side of a shipment (its dwell, balance or output) involves the lot's arrival
        // there (its produce, transform or receive) too.
        var listed = positions
        if case .shipment(let position) = subject, drivers.contains(where: { Self.senderSide.contains($0.feature) }),
            let arrival = links.arrival(of: links.shipments[position]), !listed.contains(arrival)
        {
            listed.insert(arrival, at: 0)
        }
        var seen = Set(listed)
        // A sender's burst or drop involves every shipment of its window.
        if drivers.contains(where: { $0.feature == "volume_window_ratio" }), let row,
            let window = table.volumeWindow[row]
        {
            for ship in table.windowShips[window.sender][window.first...window.last] where seen.insert(ship).inserted {
                listed.append(ship)
            }
        }
        // Then the events the rules' findings rest on: the earlier lot's events of a cloned serial, the events that
        // brought a lot whose balance fails, a transform's inputs.
        for position in findings.flatMap(\.evidence).sorted() where seen.insert(position).inserted {
            listed.append(position)
        }
        let records = listed.map { links.events[$0] }
        var facilities = Set(records.compactMap(\.facility))
        var parties = Set(records.map(\.signer))
        if case .shipment(let position) = subject, let destination = links.destination(of: links.shipments[position]) {
            facilities.insert(destination.id)
        }
        for facility in facilities { if let party = links.facilities[facility]?.party { parties.insert(party) } }
        let rules = findings.map {
            Report.RuleHit(rule: $0.rule.rawValue, detail: $0.detail, severity: $0.rule.severity.rawValue)
        }
        let first = records.first
        return Report.Flag(
            id: Self.flagID(subject: subject, positions: positions, links: links), subject: subject.name,
            score: row.map { Self.rounded(scores.combined[$0]) } ?? 1,
            forestScore: row.flatMap { scores.forest.indices.contains($0) ? Self.rounded(scores.forest[$0]) : nil },
            clusterScore: row.flatMap { scores.cluster.indices.contains($0) ? Self.rounded(scores.cluster[$0]) : nil },
            cluster: row.flatMap { scores.clusters.indices.contains($0) ? scores.clusters[$0] : nil },
            rules: rules, drivers: drivers,
            reasons: rules.map {
                "\($0.rule.replacingUnderscores)\($0.severity == RuleName.Severity.low.rawValue ? " (low severity)" : ""): \($0.detail)"
            } + drivers.map(\.text),
            product: first?.product, lot: first?.lot, shipmentID: first?.shipmentID, parties: parties.sorted(),
            facilities: facilities.sorted(), records: records.map(\.flagRecord))
    }

    /// The features of a shipment that describe what the sender did with the lot before shipping it.
    static let senderSide: Set<String> = [
        "dwell_deviation", "lot_balance", "output_per_worker", "capacity_utilisation", "certificate_valid",
    ]

    /// "F-" and 16 hex digits of the SHA-256 of the subject kind and its events' IDs: the same
    /// link gets the same ID in every run.
    static func flagID(subject: FlagSubject, positions: [Int], links: LinkSet) -> String {
        let ids = positions.map { links.events[$0].id.hex }.sorted()
        let digest = SHA256.hash(Array((subject.name + ":" + ids.joined(separator: ",")).utf8))
        return "F-" + String(digest.hex.prefix(16))
    }

    /// The features that make a scored link unusual, the rarest first: those beyond their column's body (tail p-value
    /// under 1 %) or at least 2 robust z-units from their median, in order of tail p-value, then distance.
    private func drivers(row: Int) -> [Report.Driver] {
        let names = definition.features
        let pValues = scores.tails.featurePValues
        var candidates = [(column: Int, z: Double, p: Double)]()
        for column in 0..<scaled.columns where !raw[row, column].isNaN {
            let z = scaled[row, column]
            let p = row < pValues.rows ? pValues[row, column] : 1
            if abs(z) >= 2 || p < 0.01 { candidates.append((column, z, p)) }
        }
        let total = candidates.reduce(0) { $0 + abs($1.z) }
        candidates.sort { ($0.p, -abs($0.z), $0.column) < ($1.p, -abs($1.z), $1.column) }
        return candidates.prefix(definition.drivers).map { candidate in
            let name = names[candidate.column]
            let value = raw[row, candidate.column]
            let median = rawMedians[candidate.column]
            return Report.Driver(
                feature: name, value: Self.rounded(value), median: Self.rounded(median), z: Self.rounded(candidate.z),
                contribution: Self.rounded(total > 0 ? abs(candidate.z) / total : 0),
                text: Explanation.text(
                    feature: name, value: value, columnMedian: median, row: row, table: table, links: links))
        }
    }

    // MARK: - Charts and summaries

    private func histogram(threshold: Double, flagged: [Int: String]) -> Report.Histogram {
        let bins = 20
        var counts = [Int](repeating: 0, count: bins)
        var flaggedCounts = [Int](repeating: 0, count: bins)
        for (row, score) in scores.combined.enumerated() {
            let bin = min(bins - 1, max(0, Int(score * Double(bins))))
            counts[bin] += 1
            if flagged[row] != nil { flaggedCounts[bin] += 1 }
        }
        return Report.Histogram(
            binStarts: (0..<bins).map { Double($0) / Double(bins) }, counts: counts, flagged: flaggedCounts)
    }

    private func clusterView(flagged: [Int: String]) -> Report.ClusterView {
        let rows = scaled.rows
        var sizes = [Int](repeating: 0, count: (scores.clusters.max() ?? -1) + 1)
        for cluster in scores.clusters { sizes[cluster] += 1 }
        guard rows >= 2 else {
            return Report.ClusterView(silhouettes: scores.silhouettes, explainedVariance: [], sizes: sizes, points: [])
        }
        let pca = PCA.fit(scaled, components: 2, seed: definition.models.seed)
        let step = max(1, rows / Self.pointBudget)
        let sample = (0..<rows).filter { $0 % step == 0 || flagged[$0] != nil }
        var values = [Double]()
        values.reserveCapacity(sample.count * scaled.columns)
        for row in sample { values += scaled.row(row) }
        let projected = pca.project(Matrix(rows: sample.count, columns: scaled.columns, values: values))
        let points = sample.enumerated().map { offset, row in
            Report.ClusterPoint(
                x: Self.rounded(projected[offset, 0]),
                y: Self.rounded(projected.columns > 1 ? projected[offset, 1] : 0),
                cluster: scores.clusters.indices.contains(row) ? scores.clusters[row] : 0,
                score: Self.rounded(scores.combined[row]), flag: flagged[row])
        }
        return Report.ClusterView(
            silhouettes: scores.silhouettes.mapValues(Self.rounded),
            explainedVariance: pca.explainedVarianceRatio.map(Self.rounded),
            sizes: sizes, points: points)
    }

    /// Links drawn in the cluster chart besides the flagged ones.
    static let pointBudget = 2_000

    private func featureSummaries() -> [Report.FeatureSummary] {
        definition.features.enumerated().map { column, name in
            var missing = 0
            for row in 0..<raw.rows where raw[row, column].isNaN { missing += 1 }
            return Report.FeatureSummary(
                name: name, description: FeatureCatalog.feature(named: name)?.description ?? name,
                median: Self.rounded(rawMedians[column]), scale: Self.rounded(scaler.scales[column]), missing: missing)
        }
    }

    private func parameters() -> [String: Report.ParameterValue] {
        let models = definition.models
        let rules = definition.rules
        var ruleParameters: [String: Report.ParameterValue] = [
            "receive_before_ship_tolerance_minutes": .number(rules.receiveBeforeShipToleranceMinutes),
            "maximum_speed_kmh": .number(rules.maximumSpeedKmh),
            "speed_minimum_distance_km": .number(rules.speedMinimumDistanceKm),
            "shrinkage_tolerance": .number(rules.shrinkageTolerance),
            "mass_balance_tolerance": .number(rules.massBalanceTolerance),
            "yield_tolerance": .number(rules.yieldTolerance),
            "capacity_tolerance": .number(rules.capacityTolerance),
            "exploitative_price_ratio": .number(rules.exploitativePriceRatio),
            "disabled": .list(rules.disabled.sorted().map(Report.ParameterValue.text)),
        ]
        if !rules.maximumYields.isEmpty {
            ruleParameters["maximum_yields"] = .group(rules.maximumYields.mapValues(Report.ParameterValue.number))
        }
        var threshold: [String: Report.ParameterValue] = [
            "false_alarms_per_1000": .number(definition.threshold.falseAlarmsPer1000),
            "minimum_deviation": .number(definition.threshold.minimumDeviation),
        ]
        if let score = definition.threshold.score { threshold["score"] = .number(score) }
        return [
            "features": .list(definition.features.map(Report.ParameterValue.text)),
            "models": .group([
                "trees": .integer(models.trees), "sample_size": .integer(models.sampleSize),
                "extension_level": .integer(models.extensionLevel),
                "cluster_candidates": .list([
                    .integer(models.clusterCandidates.lowerBound), .integer(models.clusterCandidates.upperBound),
                ]),
                "seed": .text(String(models.seed)),
            ]),
            "threshold": .group(threshold),
            "rules": .group(ruleParameters),
            "links": .group([
                "unreceived_after_hours": .number(definition.links.unreceivedAfterHours),
                "minimum_cohort": .integer(definition.links.minimumCohort),
            ]),
            "drivers": .integer(definition.drivers),
            "code_version": .text(PipelineRun.codeVersion),
        ]
    }

    /// Four decimals: what the report carries, so that a decoded report equals the one built.
    static func rounded(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (value * 10_000).rounded() / 10_000
    }
}

extension String {
    fileprivate var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
