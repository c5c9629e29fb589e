public import LedgerCore
internal import Anomaly
internal import LedgerCrypto
internal import Foundation

/// One run of a pipeline definition over events read from the chain: links, features, models,
/// rules, explanations, and the report. Pure: the caller reads the chain and anchors the result.
public struct PipelineRun: Sendable {
    /// A stage of the run, for progress and timings.
    public enum Stage: String, Sendable, CaseIterable {
        case links, features, models, tails, rules, report
    }

    /// The version of the code that links, measures, fits and scores, which the report and the model name: a
    /// different version may give a different report from the same chain and definition, and says why it does.
    /// Raised with every change to what a run computes.
    public static let codeVersion = "2026.12.1"

    public struct Result: Sendable {
        public let report: Report
        /// Everything the run fitted.
        public let model: FittedModel
        /// The scored links' features and scores, and whether each is flagged, when the run was asked for them.
        public let features: FeatureMatrix?
        /// Seconds spent per stage, in stage order.
        public let timings: [(stage: Stage, seconds: Double)]
    }

    public let definition: PipelineDefinition
    /// SHA-256 of the definition file, lower-case hex.
    public let definitionDigest: String

    public init(definition: PipelineDefinition, definitionDigest: String) {
        self.definition = definition
        self.definitionDigest = definitionDigest
    }

    /// Runs the pipeline.
    ///
    /// - Parameters:
    ///   - events: the events in the range, in ledger order; each is measured at its facility's site (``Identity``).
    ///   - facilities: master data by facility ID.
    ///   - products: the products' master data, which names the GTINs of each.
    ///   - range: the ledger range read, for the report.
    ///   - featureMatrix: whether to build the link feature matrix as well (``Result/features``).
    ///   - progress: called as each stage starts.
    public func run(
        events: [ChainEvent], facilities: [String: FacilityProfile], products: ProductCatalog = ProductCatalog(),
        range: Report.LedgerRange,
        featureMatrix: Bool = false, progress: @Sendable (Stage) -> Void = { _ in }
    ) -> Result {
        var timings = [(stage: Stage, seconds: Double)]()
        let clock = ContinuousClock()
        func timed<T>(_ stage: Stage, _ work: () -> T) -> T {
            progress(stage)
            let start = clock.now
            let result = work()
            timings.append((stage, start.duration(to: clock.now).seconds))
            return result
        }

        let links = timed(.links) {
            LinkSet(
                events: windowed(events), facilities: facilities, products: products,
                unreceivedAfterHours: definition.links.unreceivedAfterHours)
        }
        let (table, matrix, scaler, uncapped) = timed(.features) {
            () -> (FeatureTable, Matrix, RobustScaler, Matrix) in
            let table = FeatureTable(links: links, minimumCohort: definition.links.minimumCohort)
            let raw = rawMatrix(table)
            let model = modelMatrix(raw)
            let resolutions = definition.features.map { FeatureCatalog.feature(named: $0)?.resolution ?? 1 }
            let scaler = RobustScaler.fit(model, rowLimit: .max, fallbackScales: resolutions)
            return (table, raw, scaler, scaler.transform(model))
        }
        // The forest and the clusters see capped values; the tails the values themselves, since values capped alike
        // would tie, and a value many links share counts as common (TailModel).
        let unimputed = Self.capped(uncapped)
        let scaled = Self.imputed(unimputed)
        let detected = timed(.models) { () -> (detector: CombinedDetector, scores: CombinedScores)? in
            guard scaled.rows >= 2 else { return nil }
            let parameters = CombinedDetector.Parameters(
                forest: IsolationForest.Parameters(
                    trees: definition.models.trees, sampleSize: definition.models.sampleSize,
                    extensionLevel: min(definition.models.extensionLevel, max(0, scaled.columns - 1)),
                    seed: definition.models.seed),
                clusterCandidates: definition.models.clusterCandidates, seed: definition.models.seed)
            let detector = CombinedDetector.fit(scaled, parameters: parameters)
            return (detector, detector.scores(scaled))
        }
        let scores = timed(.tails) { () -> ModelScores in
            let tails = TailScores(
                scaled: uncapped, features: definition.features, forest: detected?.scores.forestPercentile ?? [],
                cluster: detected?.scores.cluster ?? [])
            return ModelScores(
                pValues: tails.combined, tails: tails, combined: tails.combined.map(TailScores.score(pValue:)),
                forest: detected?.scores.forest ?? [],
                cluster: detected?.scores.cluster ?? [], clusters: detected?.scores.clusters ?? [],
                silhouettes: detected?.detector.silhouettes ?? [:])
        }
        let findings = timed(.rules) {
            RuleEngine(links: links, rules: definition.rules, features: table).findings()
        }
        let (report, features) = timed(.report) { () -> (Report, FeatureMatrix?) in
            let builder = ReportBuilder(
                run: self, links: links, table: table, raw: matrix, scaled: scaled, scaler: scaler,
                rawMedians: (0..<matrix.columns).map { column in median((0..<matrix.rows).map { matrix[$0, column] }) },
                scores: scores,
                findings: findings, range: range)
            let report = builder.build()
            return (report, featureMatrix ? builder.featureMatrix(flagged: Set(report.flags.map(\.id))) : nil)
        }
        let model = FittedModel(
            pipeline: definition.name, definitionDigest: definitionDigest, features: definition.features,
            scaler: scaler, tails: scores.tails.models, peerGroups: table.peerTables, detector: detected?.detector,
            threshold: definition.threshold)
        return Result(report: report, model: model, features: features, timings: timings)
    }

    /// The events inside the definition's time window.
    private func windowed(_ events: [ChainEvent]) -> [ChainEvent] {
        let from = definition.range.from.flatMap { try? Timestamp(iso8601: $0) }
        let to = definition.range.to.flatMap { try? Timestamp(iso8601: $0) }
        guard from != nil || to != nil else { return events }
        return events.filter { event in
            (from.map { event.occurredAt >= $0 } ?? true) && (to.map { event.occurredAt < $0 } ?? true)
        }
    }

    /// The definition's features as matrix columns, NaN where missing.
    private func rawMatrix(_ table: FeatureTable) -> Matrix {
        let names = definition.features
        var values = [Double](repeating: .nan, count: table.subjects.count * names.count)
        for (column, name) in names.enumerated() {
            guard let feature = table.columns[name] else { continue }
            for row in feature.indices { values[row * names.count + column] = feature[row] }
        }
        return Matrix(rows: table.subjects.count, columns: names.count, values: values)
    }

    /// The values the models see: heavy-tailed features on a log scale (ratios as log(x), times and
    /// distances as sign(x)·log(1 + |x|)), so that the spread of legitimate routes and prices does
    /// not dwarf a departure from a cohort.
    private func modelMatrix(_ raw: Matrix) -> Matrix {
        var model = raw
        for (column, name) in definition.features.enumerated() {
            guard let scale = FeatureCatalog.feature(named: name)?.scale, scale != .linear else { continue }
            for row in 0..<model.rows {
                let value = model[row, column]
                guard !value.isNaN else { continue }
                switch scale {
                case .logRatio: model[row, column] = value > 0 ? log(value) : -Self.cap
                case .signedLog: model[row, column] = value < 0 ? -log1p(-value) : log1p(value)
                case .linear: break
                }
            }
        }
        return model
    }

    /// Extremes capped, so that one absurd value cannot stretch the clustering or a tail; missing values stay NaN.
    static func capped(_ scaled: Matrix) -> Matrix {
        var copy = scaled
        for row in 0..<copy.rows {
            for column in 0..<copy.columns where !copy[row, column].isNaN {
                copy[row, column] = max(-Self.cap, min(Self.cap, copy[row, column]))
            }
        }
        return copy
    }

    /// Missing values set to the median (0 after robust scaling), for the models that need every value.
    static func imputed(_ scaled: Matrix) -> Matrix {
        var copy = scaled
        for row in 0..<copy.rows {
            for column in 0..<copy.columns where copy[row, column].isNaN { copy[row, column] = 0 }
        }
        return copy
    }

    /// Robust z-units beyond which scaled values are capped.
    static let cap = 50.0
}

extension Duration {
    /// The duration in seconds, for timings.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

/// The models' output for every scored link.
struct ModelScores {
    /// The combined p-value (``TailScores/combined``).
    let pValues: [Double]
    let tails: TailScores
    /// The report's score of each link: ``TailScores/score(pValue:)`` of its combined p-value.
    let combined: [Double]
    /// The raw isolation-forest scores.
    let forest: [Double]
    let cluster: [Double]
    let clusters: [Int]
    let silhouettes: [Int: Double]
}
