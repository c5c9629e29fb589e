import ArgumentParser
import Benchmarks
import Foundation
import Ingest
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Pipeline
import Provenance
import SampleNetwork

struct DetectionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detection",
        abstract: "Measure the pipeline's detection quality and speed on generated networks with labelled anomalies.",
        discussion: """
            For each seed: generates a network of --lots lots (prov sample generate), loads it into a new ledger the way \
            participants would (register, import facilities, ingest each party's shipments), runs the pipeline \
            definition with the compliance officer's key, and compares the report with the generator's labels.csv.

            A labelled record counts as found when some flag lists it among its events; recall is per anomaly \
            pattern. Precision is the share of flags that list at least one labelled record. Also reports the \
            pipeline's time per stage.

            With --models-only the same definition runs with every rule disabled, which measures what the models \
            find on their own. The table's note names the patterns only a rule can find, and why.

            With --peers the pipeline also writes its link feature matrix (links.csv beside the network), and \
            scripts/detection-peers.py runs PyOD's IForest, ECOD, COPOD, HBOS and LOF and scikit-learn's \
            IsolationForest on its scaled columns, in the virtualenv of ../shared/bench/setup.sh. The table gives \
            each detector's ROC AUC and average precision per pattern, the pipeline's combined score among them: \
            positives are the links holding a record of the pattern, negatives the links holding none.
            """)

    @Option(help: "Lots per generated network (about 11.5 events each).") var lots = 20_000
    @Option(parsing: .upToNextOption, help: "Seeds; one network per seed.") var seeds: [UInt64] = [1, 2]
    @Option(help: ArgumentHelp("The pipeline definition.", valueName: "PIPELINE")) var pipeline =
        "Pipelines/default.yml"
    @Option(
        help: ArgumentHelp(
            "Keep the networks and ledgers in this folder, each ledger with its operator key beside it (ledger.operator.pem), so that prov commands can append to it.",
            valueName: "DIR"))
    var keep: String?
    @Flag(
        help: ArgumentHelp(
            "Measure the models alone: run the definition with every rule disabled (written as models-only.yml beside the networks with --keep). The table still lists the patterns only a rule catches."
        ))
    var modelsOnly = false
    @Flag(
        help: ArgumentHelp(
            "Also run PyOD's IForest, ECOD, COPOD, HBOS and LOF and scikit-learn's IsolationForest on the pipeline's own link feature matrix, and report ROC AUC and average precision per pattern for each and for the pipeline's combined score."
        ))
    var peers = false
    @Option(help: ArgumentHelp("The peers' Python (with scikit-learn and PyOD).", valueName: "PATH"))
    var peersPython = (ProcessInfo.processInfo.environment["PEERS_VENV"] ?? "/tmp/peers-venv") + "/bin/python"
    @Option(help: ArgumentHelp("The peers' script.", valueName: "PATH"))
    var peersScript = "scripts/detection-peers.py"
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            var definitionBytes = try readBytes(pipeline, what: "pipeline definition")
            if modelsOnly {
                definitionBytes = Array(
                    try PipelineDefinition.modelsOnlyText(
                        String(decoding: definitionBytes, as: UTF8.self), file: pipeline
                    )
                    .utf8)
            }
            let definition = try PipelineDefinition(
                parsing: String(decoding: definitionBytes, as: UTF8.self), file: pipeline)
            let base =
                keep.map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("prov-detection-\(UUID().uuidString)")
            defer { if keep == nil { try? FileManager.default.removeItem(at: base) } }
            if modelsOnly, keep != nil {
                try createDirectory(base.path)
                try writeFile(base.appendingPathComponent("models-only.yml").path, definitionBytes)
            }
            var results = [JSONValue]()
            for seed in seeds {
                let directory = base.appendingPathComponent("seed-\(seed)").path
                try? FileManager.default.removeItem(atPath: directory)
                try createDirectory(directory)
                let result = try await measure(
                    seed: seed, directory: directory, definition: definition, definitionBytes: definitionBytes)
                results.append(result)
            }
            if json { printJSON(.array(results)) }
        }
    }

    private func log(_ line: String) { if !json { print(line) } }

    private func measure(seed: UInt64, directory: String, definition: PipelineDefinition, definitionBytes: [UInt8])
        async throws(LedgerError) -> JSONValue
    {
        let network = directory + "/network"
        let configuration = SampleNetwork.Configuration(lots: lots, seed: seed)
        let generated = Date()
        _ = try SampleNetwork.write(configuration, to: network, replacingExisting: true) { _, _ in }
        log(String(format: "seed %llu: generated %d lots in %.1f s", seed, lots, Date().timeIntervalSince(generated)))

        let loaded = Date()
        let (ledger, officer) = try await Self.load(
            network: network, ledgerPath: directory + "/ledger.sqlite",
            operatorKeyPath: directory + "/ledger.operator.pem")
        log(String(format: "seed %llu: loaded into a ledger in %.1f s", seed, Date().timeIntervalSince(loaded)))

        let started = Date()
        let outcome = try await ledger.runPipeline(
            definition, definitionBytes: definitionBytes, signedWith: officer, featureMatrix: peers)
        let pipelineSeconds = Date().timeIntervalSince(started)
        let labels = try Self.readLabels(network + "/labels.csv")
        let quality = DetectionQuality(report: outcome.report, labels: labels)

        let summary = outcome.report.summary
        log(
            String(
                format: "seed %llu: %d events, %d links, %d flags in %.2f s (%@)", seed, summary.events, summary.links,
                summary.flagged,
                pipelineSeconds,
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
        var peerRows = [JSONValue]()
        if peers, let matrix = outcome.features {
            let path = directory + "/links.csv"
            try writeFile(path, Array(matrix.csv().utf8))
            let output = try PeerScript.run(
                python: peersPython, script: peersScript,
                arguments: ["--features", path, "--labels", network + "/labels.csv"])
            peerRows = DetectionBenchmark.peerTable(output, log: log)
        }
        return .object([
            "peers": .array(peerRows),
            "seed": .string(String(seed)), "lots": .integer(lots), "events": .integer(summary.events),
            "links": .integer(summary.links),
            "flags": .integer(quality.flags), "precision": .string(String(format: "%.4f", quality.precision)),
            "model_only_flags": .integer(quality.modelOnly), "model_only_true": .integer(quality.modelOnlyTrue),
            "pipeline_seconds": .string(String(format: "%.3f", pipelineSeconds)),
            "timings": .object(
                Dictionary(outcome.timings.map { ($0.stage, .string(String(format: "%.3f", $0.seconds))) }) {
                    first, _ in first
                }),
            "recall": .object(
                Dictionary(quality.patterns.map { ($0.pattern, .string(String(format: "%.4f", $0.recall))) }) {
                    first, _ in first
                }),
            "models_only": .bool(modelsOnly),
            "rule_only": .object(
                Dictionary(
                    quality.patterns.compactMap { row in
                        SampleNetwork.AnomalyKind(rawValue: row.pattern)?.onlyARuleFinds.map {
                            (row.pattern, JSONValue.string($0))
                        }
                    }
                ) { first, _ in first }),
        ])
    }

    /// A new ledger holding the generated network, and the compliance officer's key. The ledger's
    /// new operator key is written to `operatorKeyPath`.
    static func load(network: String, ledgerPath: String, operatorKeyPath: String) async throws(LedgerError) -> (
        Ledger, Ed25519.PrivateKey
    ) {
        let clock = LedgerClock.fixed(epochSeconds: 1_830_297_600)
        let store = try SQLiteLedgerStore(path: ledgerPath, create: true)
        let operatorKey = try Bench.key()
        let keyPEM: String
        do {
            keyPEM = try operatorKey.pemRepresentation()
        } catch {
            throw LedgerError(.invalidState, error.reason)
        }
        try writeNewFile(operatorKeyPath, Array(keyPEM.utf8), secret: true)
        let ledger = try await Ledger.create(
            store: store, origin: "detection.local/ledger", operatorKey: operatorKey, clock: clock)
        var keys = [(id: String, key: Ed25519.PrivateKey)]()
        var officer: Ed25519.PrivateKey?
        for row in try readCSVRows(network + "/participants.csv").dropFirst() where row.count >= 4 {
            guard let role = ParticipantRole(rawValue: row[2]) else { continue }
            let key = try readPrivateKey(network + "/" + row[3])
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
        for (id, key) in keys {
            let path = network + "/shipments/\(id).csv"
            if FileManager.default.fileExists(atPath: path) {
                _ = try await ledger.ingest(ShipmentCSV(path: path), signedWith: key)
            }
        }
        return (ledger, officer)
    }

    static func readLabels(_ path: String) throws(LedgerError) -> [DetectionQuality.Label] {
        try readCSVRows(path).dropFirst().compactMap { row in
            row.count >= 3 ? DetectionQuality.Label(recordID: row[0], pattern: row[1], signer: row[2]) : nil
        }
    }

    /// The rows of a small CSV file without quoted commas (the generator's participants and labels).
    static func readCSVRows(_ path: String) throws(LedgerError) -> [[String]] {
        let text = try readText(path, what: "CSV file")
        return text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
