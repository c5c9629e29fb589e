import Foundation
public import Anomaly
public import LedgerCore

/// Provenance's anomaly models against the peers' on the peers' data sets: fit and score times, ROC AUC overall and
/// per kind of anomaly, and each peer's time as a multiple of ours (`prov bench models`).
public enum ModelsBenchmark {
    /// What to measure, and where the data sets and the peers are.
    public struct Configuration: Sendable {
        /// The folder of the data sets; missing ones are generated there by the peers' script.
        public var dataDirectory: String
        /// The peers' Python and script (../shared/bench/peers_iforest.py).
        public var python: String
        public var script: String
        /// The row counts of the synthetic data sets (the breast-cancer sets always follow).
        public var sizes: [Int]
        /// The peers' models to run (none: only Provenance's).
        public var peerModels: [String]
        public var repeats: Int
        public var threads: Int

        public init(
            dataDirectory: String, python: String, script: String, sizes: [Int],
            peerModels: [String] = ModelsBenchmark.peerModels, repeats: Int = 3, threads: Int
        ) {
            self.dataDirectory = dataDirectory
            self.python = python
            self.script = script
            self.sizes = sizes
            self.peerModels = peerModels
            self.repeats = repeats
            self.threads = threads
        }
    }

    /// Every model of the peers' script that the benchmark runs by default.
    public static let peerModels = [
        "sklearn_iforest", "isotree_ndim1", "isotree_ndim2", "sklearn_kmeans8_dist", "pyod_iforest", "pyod_ecod",
        "pyod_copod", "pyod_hbos", "pyod_lof",
    ]

    /// The most rows a peer is run on. LOF's neighbour search grows faster than the rows (about 30 s to fit and score
    /// 100,000 rows on two cores, against a second for the others): on a million rows it would hold the run up for
    /// the better part of an hour.
    public static let peerRowLimits = ["pyod_lof": 200_000]

    /// Generates the missing data sets, runs the peers and Provenance's models on each, logs one markdown table per
    /// data set and returns every measurement as JSON.
    public static func run(_ configuration: Configuration, log: (String) -> Void) throws(LedgerError) -> JSONValue {
        let peers = { (arguments: [String]) throws(LedgerError) -> String in
            try PeerScript.run(python: configuration.python, script: configuration.script, arguments: arguments)
        }
        let data = configuration.dataDirectory
        try? FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var files = [String]()
        for rows in configuration.sizes {
            let path = "\(data)/synth_\(rows).csv"
            if !FileManager.default.fileExists(atPath: path) {
                log("generating \(path)")
                _ = try peers(["--rows", String(rows), "--seed", "42", "--out", path])
            }
            files.append(path)
        }
        let breast = "\(data)/breast_cancer.csv"
        let breastSmall = "\(data)/breast_cancer_malignant10pct.csv"
        if !FileManager.default.fileExists(atPath: breast) || !FileManager.default.fileExists(atPath: breastSmall) {
            log("generating \(breast)")
            _ = try peers(["--export-breast", breast])
        }
        files += [breast, breastSmall]

        log(
            "Provenance anomaly models vs peers: \(configuration.threads) threads, median of \(configuration.repeats) repeats"
        )
        var reports = [JSONValue]()
        for file in files {
            let set = try BenchDataSet(path: file)
            var results = [ModelResult]()
            let models = configuration.peerModels.filter { set.x.rows <= peerRowLimits[$0] ?? .max }
            let left = configuration.peerModels.filter { !models.contains($0) }
            if !models.isEmpty {
                let output = try peers(
                    ["--csv", file, "--models"] + models + [
                        "--n-jobs", String(configuration.threads), "--repeats", String(configuration.repeats),
                    ])
                results += parsePeers(output)
            }
            results += runOurs(set, threads: configuration.threads, repeats: configuration.repeats)
            log("")
            log(
                "### \(set.name): \(set.x.rows) rows × \(set.x.columns) columns, \(set.labels.filter { $0 }.count) anomalies"
            )
            log("")
            for line in table(results) { log(line) }
            for model in left {
                log("")
                log("\(model) is not run on more than \(peerRowLimits[model] ?? 0) rows.")
            }
            reports.append(
                .object([
                    "dataset": .string(set.name), "rows": .integer(set.x.rows), "columns": .integer(set.x.columns),
                    "results": .array(results.map(\.json)), "peers_left_out": .array(left.map(JSONValue.string)),
                ]))
        }
        return .object([
            "threads": .integer(configuration.threads), "repeats": .integer(configuration.repeats),
            "datasets": .array(reports),
        ])
    }

    /// The peers' JSON lines that carry measurements.
    public static func parsePeers(_ output: String) -> [ModelResult] {
        PeerScript.objects(in: output).compactMap { object in
            guard let model = object["model"] as? String, let fit = object["fit_s"] as? Double,
                let score = object["score_s"] as? Double, let auc = object["roc_auc"] as? Double
            else { return nil }
            return ModelResult(
                model: model, ours: false, fitSeconds: fit, scoreSeconds: score, auc: auc,
                averagePrecision: object["avg_precision"] as? Double,
                aucGlobal: object["roc_auc_global"] as? Double,
                aucLocal: object["roc_auc_local"] as? Double)
        }
    }

    /// Fits and scores each of Provenance's models `repeats` times (after one untimed run on a slice).
    public static func runOurs(_ set: BenchDataSet, threads: Int, repeats: Int) -> [ModelResult] {
        let columns = set.x.columns
        var timedModels: [(name: String, fit: (Matrix) -> any Sendable, score: (any Sendable, Matrix) -> [Double])] = []
        timedModels.append(
            (
                "ours_iforest",
                { IsolationForest.fit($0, parameters: .init(), threads: threads) },
                { model, x in (model as? IsolationForest)?.scores(x, threads: threads) ?? [] }
            ))
        for level in Array(Set([1, columns - 1])).sorted() where level >= 1 {
            timedModels.append(
                (
                    "ours_iforest_ext\(level)",
                    { IsolationForest.fit($0, parameters: .init(extensionLevel: level), threads: threads) },
                    { model, x in (model as? IsolationForest)?.scores(x, threads: threads) ?? [] }
                ))
        }
        timedModels.append(
            (
                "ours_combined",
                { CombinedDetector.fit($0, parameters: .init(), threads: threads) },
                { model, x in (model as? CombinedDetector)?.scores(x, threads: threads).combined ?? [] }
            ))

        var results = [ModelResult]()
        let warmRows = min(set.x.rows, 2000)
        let warm = set.x.rows(Array(0..<warmRows))
        for model in timedModels {
            _ = model.score(model.fit(warm), warm)
            var fits = [Double]()
            var scorings = [Double]()
            var scores = [Double]()
            for _ in 0..<max(1, repeats) {
                let start = ContinuousClock.now
                let fitted = model.fit(set.x)
                let middle = ContinuousClock.now
                scores = model.score(fitted, set.x)
                let end = ContinuousClock.now
                fits.append(Self.seconds(middle - start))
                scorings.append(Self.seconds(end - middle))
            }
            results.append(
                ModelResult(
                    model: model.name, ours: true, fitSeconds: median(fits), scoreSeconds: median(scorings),
                    auc: Metrics.rocAUC(scores: scores, labels: set.labels),
                    averagePrecision: Metrics.averagePrecision(scores: scores, labels: set.labels),
                    aucGlobal: set.auc(scores, kind: 1), aucLocal: set.auc(scores, kind: 2)))
        }
        return results
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The markdown table: one row per model, and for ours, per peer "peer time / our time × (our AUC − peer AUC)".
    public static func table(_ results: [ModelResult]) -> [String] {
        let peers = results.filter { !$0.ours }
        var header = "| model | fit s | score s | AUC | AUC global | AUC local |"
        var rule = "|---|--:|--:|--:|--:|--:|"
        for peer in peers {
            header += " \(peer.model)/ours, ΔAUC |"
            rule += "--:|"
        }
        var lines = [header, rule]
        for result in results {
            var line =
                "| \(result.model) | \(format(result.fitSeconds, 4)) | \(format(result.scoreSeconds, 4)) | "
                + "\(format(result.auc, 4)) | \(format(result.aucGlobal, 4)) | \(format(result.aucLocal, 4)) |"
            for peer in peers {
                if result.ours {
                    let ratio = (peer.fitSeconds + peer.scoreSeconds) / (result.fitSeconds + result.scoreSeconds)
                    line += " \(format(ratio, 2))×, \(String(format: "%+.4f", result.auc - peer.auc)) |"
                } else {
                    line += " |"
                }
            }
            lines.append(line)
        }
        return lines
    }

    public static func format(_ value: Double?, _ digits: Int) -> String {
        guard let value, !value.isNaN else { return "–" }
        return String(format: "%.\(digits)f", value)
    }
}

/// One model's measurements on one data set.
public struct ModelResult: Sendable {
    public var model: String
    public var ours: Bool
    public var fitSeconds: Double
    public var scoreSeconds: Double
    public var auc: Double
    public var averagePrecision: Double?
    public var aucGlobal: Double?
    public var aucLocal: Double?

    public init(
        model: String, ours: Bool, fitSeconds: Double, scoreSeconds: Double, auc: Double,
        averagePrecision: Double? = nil, aucGlobal: Double? = nil, aucLocal: Double? = nil
    ) {
        self.model = model
        self.ours = ours
        self.fitSeconds = fitSeconds
        self.scoreSeconds = scoreSeconds
        self.auc = auc
        self.averagePrecision = averagePrecision
        self.aucGlobal = aucGlobal
        self.aucLocal = aucLocal
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "model": .string(model), "implementation": .string(ours ? "provenance" : "peer"),
            "fit_s": .number(String(format: "%.6f", fitSeconds)),
            "score_s": .number(String(format: "%.6f", scoreSeconds)),
            "roc_auc": .number(String(format: "%.6f", auc)),
        ]
        if let averagePrecision, !averagePrecision.isNaN {
            members["avg_precision"] = .number(String(format: "%.6f", averagePrecision))
        }
        if let aucGlobal, !aucGlobal.isNaN { members["roc_auc_global"] = .number(String(format: "%.6f", aucGlobal)) }
        if let aucLocal, !aucLocal.isNaN { members["roc_auc_local"] = .number(String(format: "%.6f", aucLocal)) }
        return .object(members)
    }
}

/// A peers' CSV data set: every column but the last is a feature, the last is `label` (0/1); a `_kind.csv` sidecar,
/// when present, gives each row's kind (0 inlier, 1 global, 2 local anomaly).
public struct BenchDataSet: Sendable {
    public let name: String
    public let x: Matrix
    public let labels: [Bool]
    public let kinds: [Int]?

    public init(path: String) throws(LedgerError) {
        let url = URL(fileURLWithPath: path)
        name = url.deletingPathExtension().lastPathComponent
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw LedgerError(.io, "cannot read \(path)")
        }
        let text = String(decoding: contents, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first, header.contains(",") else {
            throw LedgerError(.invalidRecord, "\(path): expected a header of column names with the label last")
        }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).count - 1
        var values = [Double]()
        var labels = [Bool]()
        values.reserveCapacity((lines.count - 1) * columns)
        labels.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == columns + 1 else {
                throw LedgerError(
                    .invalidRecord, "\(path):\(offset + 2): \(fields.count) fields, but the header names \(columns + 1)"
                )
            }
            for (column, field) in fields.enumerated() {
                let number: Double
                if field.isEmpty && column < columns {
                    number = .nan
                } else if let parsed = Double(field) {
                    number = parsed
                } else {
                    throw LedgerError(
                        .invalidRecord, "\(path):\(offset + 2), column \(column + 1): '\(field)' is not a number")
                }
                if column < columns { values.append(number) } else { labels.append(number != 0) }
            }
        }
        x = Matrix(rows: labels.count, columns: columns, values: values)
        self.labels = labels
        let kindPath = url.deletingLastPathComponent().appendingPathComponent(name + "_kind.csv").path
        if let text = FileManager.default.contents(atPath: kindPath) {
            let kinds = String(decoding: text, as: UTF8.self).split(separator: "\n").dropFirst().compactMap { Int($0) }
            guard kinds.count == labels.count else {
                throw LedgerError(.invalidRecord, "\(kindPath): \(kinds.count) rows, but \(path) has \(labels.count)")
            }
            self.kinds = kinds
        } else {
            kinds = nil
        }
    }

    /// The AUC on the inliers and the anomalies of one kind only (nil without a sidecar).
    public func auc(_ scores: [Double], kind: Int) -> Double? {
        guard let kinds else { return nil }
        let rows = kinds.indices.filter { kinds[$0] == 0 || kinds[$0] == kind }
        return Metrics.rocAUC(scores: rows.map { scores[$0] }, labels: rows.map { kinds[$0] == kind })
    }
}
