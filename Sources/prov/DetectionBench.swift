import ArgumentParser
import Benchmarks
import Foundation
import LedgerCore
import Pipeline

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
    @Flag(
        help: ArgumentHelp(
            "Also generate each network with GS1 names (products by GTIN, shipments from dispatch docks that are locations of their sites) and run the pipeline on it: reports its time against the same network named by codes, and whether the flags list the same records."
        ))
    var gs1Names = false
    @Flag(
        help: ArgumentHelp(
            "Give each network's cocoa, coffee and cattle farms production plots that their harvests name (prov sample generate --plots), so that the pipeline's plot rules run on them (the GS1-named network of --gs1-names gets none)."
        ))
    var plots = false
    @Flag(
        help: ArgumentHelp(
            "Reproduce each report from the ledger after its run (prov reports reproduce): its time as a ratio to the run's, and a failure if the report or the model differs."
        ))
    var reproduce = false
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
            var configuration = DetectionBenchmark.Configuration(
                lots: lots, seeds: seeds, definition: definition, definitionBytes: definitionBytes,
                modelsOnly: modelsOnly, keep: keep, peers: peers ? (peersPython, peersScript) : nil)
            configuration.gs1Names = gs1Names
            configuration.plots = plots
            configuration.reproduce = reproduce
            let results = try await DetectionBenchmark.run(configuration) { line in if !json { print(line) } }
            if json { printJSON(.array(results)) }
        }
    }
}
