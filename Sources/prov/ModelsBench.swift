import Benchmarks
import ArgumentParser
import Foundation
import LedgerCore

struct ModelsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract:
            "Measure the anomaly models against scikit-learn, isotree and PyOD on the same rows, in the same run.",
        discussion: """
            Generates the peers' data sets when missing (synthetic rows with global and local anomalies, and \
            scikit-learn's breast-cancer set), runs the peers' script on each (scikit-learn IsolationForest, isotree \
            with ndim 1 and 2, k-means distance, and PyOD's IForest, ECOD, COPOD, HBOS and LOF), then fits and scores Provenance's isolation forest (standard and \
            extended) and combined detector on the same rows. Prints one markdown table per data set: fit and score \
            seconds (medians over --repeats), ROC AUC overall and on global-only and local-only anomalies, how many \
            times faster ours is than each peer (peer fit+score / ours), and the AUC difference.

            --peer-models chooses the peers. LOF is left out of data sets above 200,000 rows, where its neighbour \
            search would hold the run up for the better part of an hour; the table says so.
            """)

    @Option(help: ArgumentHelp("Folder of the data sets (generated there when missing).", valueName: "DIR"))
    var data = ".build/bench-data"
    @Option(help: ArgumentHelp("The peers' Python (with scikit-learn, isotree and PyOD).", valueName: "PATH"))
    var peersPython = (ProcessInfo.processInfo.environment["PEERS_VENV"] ?? "/tmp/peers-venv") + "/bin/python"
    @Option(help: ArgumentHelp("The peers' benchmark script.", valueName: "PATH"))
    var peersScript = "../shared/bench/peers_iforest.py"
    @Option(help: "Synthetic data set sizes, comma-separated (10k, 100k, 1m or plain numbers).")
    var sizes = "10k,100k,1m"
    @Option(help: "Timed fits and scorings per model (the median is reported).") var repeats = 3
    @Option(help: "Threads for every model, ours and the peers' (default: all cores).") var threads: Int?
    @Flag(help: "Run only Provenance's models.") var skipPeers = false
    @Option(
        help: ArgumentHelp(
            "The peers' models to run, comma-separated (default: all of them; pyod_lof only up to 200,000 rows).",
            valueName: "LIST"))
    var peerModels = ModelsBenchmark.peerModels.joined(separator: ",")
    @Flag(help: "Print the results as one JSON object.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let models = peerModels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if let unknown = models.first(where: { !ModelsBenchmark.peerModels.contains($0) }) {
                throw LedgerError(
                    .invalidRecord,
                    "--peer-models: '\(unknown)' is not a peer; choose from \(ModelsBenchmark.peerModels.joined(separator: ", "))"
                )
            }
            let configuration = ModelsBenchmark.Configuration(
                dataDirectory: data, python: peersPython, script: peersScript, sizes: try Self.parseSizes(sizes),
                peerModels: skipPeers ? [] : models, repeats: repeats,
                threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let report = try ModelsBenchmark.run(configuration) { line in if !json { print(line) } }
            if json { printJSON(report) }
        }
    }

    static func parseSizes(_ text: String) throws(LedgerError) -> [Int] {
        var sizes = [Int]()
        for part in text.split(separator: ",") {
            let word = part.trimmingCharacters(in: .whitespaces).lowercased()
            let multiplier = word.hasSuffix("k") ? 1_000 : (word.hasSuffix("m") ? 1_000_000 : 1)
            guard let value = Int(multiplier == 1 ? word : String(word.dropLast())), value > 0 else {
                throw LedgerError(.invalidRecord, "--sizes: '\(part)' is not a size; use numbers such as 10k,100k,1m")
            }
            sizes.append(value * multiplier)
        }
        return sizes
    }
}
