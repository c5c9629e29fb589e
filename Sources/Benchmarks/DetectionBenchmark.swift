import Foundation
import Ingest
public import LedgerCore
import LedgerCrypto
import LedgerStorage
import LedgerSQLite
public import Pipeline
import Provenance
import SampleNetwork

/// How well the pipeline finds the labelled anomalies of generated networks (`prov bench detection`).
public enum DetectionBenchmark {
    public struct Configuration: Sendable {
        /// Lots per generated network.
        public var lots: Int
        /// One network per seed.
        public var seeds: [UInt64]
        /// The pipeline definition as read, and its bytes (anchored with the report).
        public var definition: PipelineDefinition
        public var definitionBytes: [UInt8]
        /// Whether the definition had every rule disabled (reported, and written beside kept networks).
        public var modelsOnly: Bool
        /// The folder that keeps the networks and ledgers; nil for a temporary one, removed after the run.
        public var keep: String?
        /// The peers' Python and script (scripts/detection-peers.py), when they run on the feature matrix.
        public var peers: (python: String, script: String)?
        /// Whether each seed's network is also generated with GS1 names (products by GTIN, shipments from docks
        /// that are locations of their sites; ``SampleNetwork/GS1Names``), to measure what resolving them to one
        /// identity costs the pipeline and to check that it finds the same records.
        public var gs1Names = false
        /// Whether the networks give their cocoa, coffee and cattle farms production plots that the harvests name
        /// (``SampleNetwork/Configuration/plots``), so that the pipeline's plot rules run on them.
        public var plots = false
        /// Whether each report is reproduced from the ledger after its run (``Ledger/reproduceReport(_:)``): its time
        /// against the run's, and whether it gave the same report and model.
        public var reproduce = false

        public init(
            lots: Int, seeds: [UInt64], definition: PipelineDefinition, definitionBytes: [UInt8], modelsOnly: Bool,
            keep: String?, peers: (python: String, script: String)?
        ) {
            self.lots = lots
            self.seeds = seeds
            self.definition = definition
            self.definitionBytes = definitionBytes
            self.modelsOnly = modelsOnly
            self.keep = keep
            self.peers = peers
        }
    }

    /// For each seed: generates a network, loads it into a new ledger, runs the pipeline and compares its report with
    /// the labels; logs the tables and returns one JSON object per seed.
    public static func run(_ configuration: Configuration, log: (String) -> Void) async throws(LedgerError)
        -> [JSONValue]
    {
        let folder = BenchFiles.RunFolder(kept: configuration.keep, prefix: "prov-detection")
        defer { folder.removeUnlessKept() }
        if configuration.modelsOnly, folder.kept {
            try BenchFiles.createDirectory(folder.url.path)
            try BenchFiles.write(folder.path("models-only.yml"), configuration.definitionBytes)
        }
        var results = [JSONValue]()
        for seed in configuration.seeds {
            let directory = folder.path("seed-\(seed)")
            try? FileManager.default.removeItem(atPath: directory)
            try BenchFiles.createDirectory(directory)
            var result = try await measure(seed: seed, directory: directory, configuration, log: log)
            if configuration.gs1Names {
                let named = folder.path("seed-\(seed)-gs1")
                try? FileManager.default.removeItem(atPath: named)
                try BenchFiles.createDirectory(named)
                var gs1 = try await measure(seed: seed, directory: named, configuration, gs1Names: true, log: log)
                // The machine's speed drifts by more than the difference measured: each ledger's pipeline runs
                // again, alternating, and the fastest run of each counts.
                for _ in 1..<timingRounds {
                    result.pipelineSeconds = min(result.pipelineSeconds, try await result.timePipeline(configuration))
                    gs1.pipelineSeconds = min(gs1.pipelineSeconds, try await gs1.timePipeline(configuration))
                }
                result.json = .object(
                    (result.json.objectValue ?? [:]).merging(
                        ["gs1_names": gs1.json, "gs1_names_comparison": compare(result, gs1, seed: seed, log: log)]
                    ) { _, new in new })
            }
            results.append(result.json)
        }
        return results
    }

    /// How many times each ledger's pipeline runs when the two names are compared (the fastest run counts).
    static let timingRounds = 3

    /// One network's figures, and what a second network needs to compare with them.
    private struct Measured {
        var json: JSONValue
        /// The fastest pipeline run so far, in seconds.
        var pipelineSeconds: Double
        /// The (signer, record ID) of every record some flag lists.
        let flaggedRecords: Set<String>
        let flags: Int
        let ledger: Ledger
        let officer: Ed25519.PrivateKey

        /// Runs the pipeline again (anchoring one more report) and returns its seconds.
        func timePipeline(_ configuration: Configuration) async throws(LedgerError) -> Double {
            let started = Date()
            _ = try await ledger.runPipeline(
                configuration.definition, definitionBytes: configuration.definitionBytes, signedWith: officer)
            return Date().timeIntervalSince(started)
        }
    }

    /// The GS1-named network against the same network named by codes: the pipeline's time and whether the flags
    /// list the same records.
    private static func compare(_ codes: Measured, _ gs1: Measured, seed: UInt64, log: (String) -> Void) -> JSONValue {
        let extra = gs1.pipelineSeconds / codes.pipelineSeconds - 1
        let same = codes.flaggedRecords == gs1.flaggedRecords && codes.flags == gs1.flags
        log(
            String(
                format:
                    "seed %llu: GS1 names: pipeline %.2f s against %.2f s with codes (fastest of %d runs each, alternating: %+.1f %%); %@ (%d flags listing %d records, against %d listing %d)",
                seed, gs1.pipelineSeconds, codes.pipelineSeconds, timingRounds, extra * 100,
                same ? "the same flagged records" : "DIFFERENT flagged records", gs1.flags, gs1.flaggedRecords.count,
                codes.flags, codes.flaggedRecords.count))
        return .object([
            "pipeline_seconds_ratio": .string(String(format: "%.4f", gs1.pipelineSeconds / codes.pipelineSeconds)),
            "codes_pipeline_seconds": .string(String(format: "%.3f", codes.pipelineSeconds)),
            "gs1_names_pipeline_seconds": .string(String(format: "%.3f", gs1.pipelineSeconds)),
            "same_flagged_records": .bool(same),
        ])
    }

    private static func measure(
        seed: UInt64, directory: String, _ configuration: Configuration, gs1Names: Bool = false,
        log: (String) -> Void
    ) async throws(LedgerError) -> Measured {
        let lots = configuration.lots
        let network = directory + "/network"
        let generated = Date()
        var generation = SampleNetwork.Configuration(lots: lots, seed: seed, gs1Names: gs1Names)
        generation.plots = configuration.plots && !gs1Names
        _ = try SampleNetwork.write(generation, to: network, replacingExisting: true) { _, _ in }
        let named = gs1Names ? " with GS1 names" : ""
        log(
            String(
                format: "seed %llu: generated %d lots%@ in %.1f s", seed, lots, named,
                Date().timeIntervalSince(generated)))

        let loaded = Date()
        let (ledger, officer) = try await load(
            network: network, ledgerPath: directory + "/ledger.sqlite",
            operatorKeyPath: directory + "/ledger.operator.pem")
        log(String(format: "seed %llu: loaded into a ledger in %.1f s", seed, Date().timeIntervalSince(loaded)))

        let started = Date()
        let outcome = try await ledger.runPipeline(
            configuration.definition, definitionBytes: configuration.definitionBytes, signedWith: officer,
            featureMatrix: configuration.peers != nil)
        let pipelineSeconds = Date().timeIntervalSince(started)
        let labels = try readLabels(network + "/labels.csv")
        let quality = DetectionQuality(report: outcome.report, labels: labels)

        let summary = outcome.report.summary
        log(
            String(
                format: "seed %llu: %d events, %d links, %d flags in %.2f s (%@)", seed, summary.events, summary.links,
                summary.flagged, pipelineSeconds,
                outcome.timings.map { String(format: "%@ %.2f", $0.stage, $0.seconds) }.joined(separator: ", ")))
        log("| pattern | labelled records | found | recall | note |")
        log("|---|---:|---:|---:|---|")
        for row in quality.patterns {
            let note = SampleNetwork.AnomalyKind(rawValue: row.pattern)?.onlyARuleFinds.map { "rule only: " + $0 } ?? ""
            log(String(format: "| %@ | %d | %d | %.3f | %@ |", row.pattern, row.labelled, row.found, row.recall, note))
        }
        log(
            String(
                format: "precision %.3f (%d of %d flags hold a labelled record); model-only flags %d, of which true %d",
                quality.precision, quality.trueFlags, quality.flags, quality.modelOnly, quality.modelOnlyTrue))
        log(
            String(
                format: "seed %llu: model %d bytes (%.1f MB), digest %@", seed, outcome.model.count,
                Double(outcome.model.count) / 1_000_000, outcome.modelDigest.hex))
        var reproduction = JSONValue.null
        if configuration.reproduce && !gs1Names {
            let again = Date()
            let reproduced = try await ledger.reproduceReport(outcome.canonicalReport)
            let seconds = Date().timeIntervalSince(again)
            guard reproduced.reproduced else {
                throw LedgerError(
                    .invalidState,
                    "seed \(seed): the report was not reproduced: the \(reproduced.difference?.document ?? "?") differs at \(reproduced.difference?.pointer ?? "?"): \(reproduced.difference?.reason ?? "")"
                )
            }
            log(
                String(
                    format: "seed %llu: reproduced the report and the model in %.2f s, %.3f × the run's %.2f s", seed,
                    seconds, seconds / pipelineSeconds, pipelineSeconds))
            reproduction = [
                "seconds": .string(String(format: "%.3f", seconds)),
                "ratio_to_run": .string(String(format: "%.4f", seconds / pipelineSeconds)), "reproduced": .bool(true),
            ]
        }
        var peerRows = [JSONValue]()
        if let peers = configuration.peers, let matrix = outcome.features {
            let path = directory + "/links.csv"
            try BenchFiles.write(path, Array(matrix.csv().utf8))
            let output = try PeerScript.run(
                python: peers.python, script: peers.script,
                arguments: ["--features", path, "--labels", network + "/labels.csv"])
            peerRows = peerTable(output, log: log)
        }
        let flagged = Set(outcome.report.flags.flatMap { $0.records.map { $0.signer + "\u{0}" + $0.recordID } })
        func byPattern(_ value: (DetectionQuality.PatternRow) -> JSONValue?) -> JSONValue {
            .object(
                Dictionary(quality.patterns.compactMap { row in value(row).map { (row.pattern, $0) } }) { first, _ in
                    first
                })
        }
        let json: JSONValue = .object([
            "peers": .array(peerRows),
            "seed": .string(String(seed)), "lots": .integer(lots), "events": .integer(summary.events),
            "links": .integer(summary.links),
            "flags": .integer(quality.flags), "precision": .string(String(format: "%.4f", quality.precision)),
            "model_only_flags": .integer(quality.modelOnly), "model_only_true": .integer(quality.modelOnlyTrue),
            "pipeline_seconds": .string(String(format: "%.3f", pipelineSeconds)),
            "model_bytes": .integer(outcome.model.count), "reproduce": reproduction,
            "timings": .object(
                Dictionary(outcome.timings.map { ($0.stage, .string(String(format: "%.3f", $0.seconds))) }) {
                    first, _ in first
                }),
            "recall": byPattern { .string(String(format: "%.4f", $0.recall)) },
            "models_only": .bool(configuration.modelsOnly),
            "rule_only": byPattern { row in
                SampleNetwork.AnomalyKind(rawValue: row.pattern)?.onlyARuleFinds.map { JSONValue.string($0) }
            },
        ])
        return Measured(
            json: json, pipelineSeconds: pipelineSeconds, flaggedRecords: flagged, flags: outcome.report.flags.count,
            ledger: ledger, officer: officer)
    }

    /// A new ledger holding the generated network, and the compliance officer's key. The ledger's new operator key is
    /// written to `operatorKeyPath`, so that prov commands can append to a kept ledger.
    static func load(network: String, ledgerPath: String, operatorKeyPath: String) async throws(LedgerError) -> (
        Ledger, Ed25519.PrivateKey
    ) {
        let clock = LedgerClock.fixed(epochSeconds: 1_830_297_600)
        let store = try SQLiteLedgerStore(path: ledgerPath, create: true)
        let operatorKey = try Throughput.newKey()
        let keyPEM: String
        do {
            keyPEM = try operatorKey.pemRepresentation()
        } catch {
            throw LedgerError(.invalidState, error.reason)
        }
        try BenchFiles.write(operatorKeyPath, Array(keyPEM.utf8), secret: true)
        let ledger = try await Ledger.create(
            store: store, origin: "detection.local/ledger", operatorKey: operatorKey, clock: clock)
        var keys = [(id: String, key: Ed25519.PrivateKey)]()
        var officer: Ed25519.PrivateKey?
        for row in try BenchFiles.readCSVRows(network + "/participants.csv").dropFirst() where row.count >= 4 {
            guard let role = ParticipantRole(rawValue: row[2]) else { continue }
            let key = try BenchFiles.readPrivateKey(network + "/" + row[3])
            _ = try await ledger.registerParticipant(id: row[0], name: row[1], role: role, publicKey: key.publicKey)
            if role == .compliance { officer = key } else { keys.append((row[0], key)) }
        }
        guard let officer else {
            throw LedgerError(.invalidState, "the generated network has no compliance participant")
        }
        for (id, key) in keys {
            let path = network + "/facilities/\(id).csv"
            if FileManager.default.fileExists(atPath: path) {
                _ = try await ledger.ingest(FacilitiesCSV(path: path, recordedAt: clock()), signedWith: key)
            }
        }
        // The plots of networks generated with them, which the harvests name.
        for (id, key) in keys {
            let path = network + "/plots/\(id).geojson"
            if FileManager.default.fileExists(atPath: path) {
                _ = try await ledger.ingest(
                    PlotsGeoJSON(path: path, party: id, recordedAt: clock()), signedWith: key,
                    options: IngestOptions(recordIDsNameContent: true))
            }
        }
        for (id, key) in keys {
            let path = network + "/products/\(id).csv"
            if FileManager.default.fileExists(atPath: path) {
                _ = try await ledger.ingest(ProductsCSV(path: path, recordedAt: clock()), signedWith: key)
            }
        }
        for (id, key) in keys {
            let path = network + "/shipments/\(id).csv"
            if FileManager.default.fileExists(atPath: path) {
                _ = try await ledger.ingest(ShipmentCSV(path: path), signedWith: key)
            }
        }
        return (ledger, officer)
    }

    static func readLabels(_ path: String) throws(LedgerError) -> [DetectionQuality.Label] {
        try BenchFiles.readCSVRows(path).dropFirst().compactMap { row in
            row.count >= 3 ? DetectionQuality.Label(recordID: row[0], pattern: row[1], signer: row[2]) : nil
        }
    }

    /// The peers' JSON lines as a table of ROC AUC (and average precision) per pattern and detector; the rows as JSON.
    public static func peerTable(_ output: String, log: (String) -> Void) -> [JSONValue] {
        var cells = [String: [String: (auc: Double, ap: Double)]]()
        var detectors = [String]()
        var rows = [JSONValue]()
        for object in PeerScript.objects(in: output) {
            guard let detector = object["detector"] as? String, let pattern = object["pattern"] as? String,
                let auc = object["auc"] as? Double, let ap = object["ap"] as? Double
            else { continue }
            if !detectors.contains(detector) { detectors.append(detector) }
            cells[pattern, default: [:]][detector] = (auc, ap)
            rows.append(
                .object([
                    "detector": .string(detector), "pattern": .string(pattern),
                    "auc": .string(String(format: "%.4f", auc)), "ap": .string(String(format: "%.4f", ap)),
                ]))
        }
        log("| pattern, ROC AUC (AP) | " + detectors.joined(separator: " | ") + " |")
        log("|---|" + detectors.map { _ in "---:" }.joined(separator: "|") + "|")
        for pattern in cells.keys.sorted() {
            let values = detectors.map { detector in
                cells[pattern]?[detector].map { String(format: "%.3f (%.3f)", $0.auc, $0.ap) } ?? ""
            }
            log("| \(pattern) | " + values.joined(separator: " | ") + " |")
        }
        return rows
    }
}

/// Recall per pattern and precision of a report against a network's labels.
public struct DetectionQuality: Sendable {
    /// One labelled record of a generated network (its labels.csv).
    public struct Label: Hashable, Sendable {
        public let recordID: String
        public let pattern: String
        public let signer: String

        public init(recordID: String, pattern: String, signer: String) {
            self.recordID = recordID
            self.pattern = pattern
            self.signer = signer
        }
    }

    /// How many of a pattern's labelled records the flags list.
    public struct PatternRow: Sendable {
        public let pattern: String
        public let labelled: Int
        public let found: Int
        public var recall: Double { labelled == 0 ? 1 : Double(found) / Double(labelled) }
    }

    public let patterns: [PatternRow]
    public let flags: Int
    /// The flags that list at least one labelled record.
    public let trueFlags: Int
    /// The flags no rule raised, and those of them that list a labelled record.
    public let modelOnly: Int
    public let modelOnlyTrue: Int
    public var precision: Double { flags == 0 ? 1 : Double(trueFlags) / Double(flags) }

    public init(report: Report, labels: [Label]) {
        var labelled = Set<String>()
        for label in labels { labelled.insert(label.signer + "\u{0}" + label.recordID) }
        var flagged = Set<String>()
        var trueFlags = 0
        var modelOnly = 0
        var modelOnlyTrue = 0
        for flag in report.flags {
            let keys = flag.records.map { $0.signer + "\u{0}" + $0.recordID }
            flagged.formUnion(keys)
            let isTrue = keys.contains(where: labelled.contains)
            if isTrue { trueFlags += 1 }
            if flag.rules.isEmpty {
                modelOnly += 1
                if isTrue { modelOnlyTrue += 1 }
            }
        }
        var byPattern = [String: (labelled: Int, found: Int)]()
        for label in labels {
            byPattern[label.pattern, default: (0, 0)].labelled += 1
            if flagged.contains(label.signer + "\u{0}" + label.recordID) {
                byPattern[label.pattern, default: (0, 0)].found += 1
            }
        }
        patterns = byPattern.keys.sorted().map {
            PatternRow(pattern: $0, labelled: byPattern[$0]?.labelled ?? 0, found: byPattern[$0]?.found ?? 0)
        }
        flags = report.flags.count
        self.trueFlags = trueFlags
        self.modelOnly = modelOnly
        self.modelOnlyTrue = modelOnlyTrue
    }
}
