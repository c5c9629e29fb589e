import Anomaly
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
    @Flag(help: "Print the results as one JSON object.") var json = false

    static let peerModels = [
        "sklearn_iforest", "isotree_ndim1", "isotree_ndim2", "sklearn_kmeans8_dist", "pyod_iforest", "pyod_ecod",
        "pyod_copod", "pyod_hbos", "pyod_lof",
    ]

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
            let log: (String) -> Void = { line in if !json { print(line) } }
            let rowCounts = try Self.parseSizes(sizes)
            try? FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            var files = [String]()
            for rows in rowCounts {
                let path = "\(data)/synth_\(rows).csv"
                if !FileManager.default.fileExists(atPath: path) {
                    log("generating \(path)")
                    _ = try runPython(["--rows", String(rows), "--seed", "42", "--out", path])
                }
                files.append(path)
            }
            let breast = "\(data)/breast_cancer.csv"
            let breastSmall = "\(data)/breast_cancer_malignant10pct.csv"
            if !FileManager.default.fileExists(atPath: breast) || !FileManager.default.fileExists(atPath: breastSmall) {
                log("generating \(breast)")
                _ = try runPython(["--export-breast", breast])
            }
            files += [breast, breastSmall]

            log("Provenance anomaly models vs peers: \(cores) threads, median of \(repeats) repeats")
            var reports = [JSONValue]()
            for file in files {
                let set = try BenchDataSet(path: file)
                var results = [ModelResult]()
                if !skipPeers {
                    let output = try runPython(
                        ["--csv", file, "--models"] + Self.peerModels + [
                            "--n-jobs", String(cores), "--repeats", String(repeats),
                        ])
                    results += ModelsBenchmark.parsePeers(output)
                }
                results += ModelsBenchmark.runOurs(set, threads: cores, repeats: repeats)
                log("")
                log(
                    "### \(set.name): \(set.x.rows) rows × \(set.x.columns) columns, \(set.labels.filter { $0 }.count) anomalies"
                )
                log("")
                for line in ModelsBenchmark.table(results) { log(line) }
                reports.append(
                    .object([
                        "dataset": .string(set.name), "rows": .integer(set.x.rows), "columns": .integer(set.x.columns),
                        "results": .array(results.map(\.json)),
                    ]))
            }
            if json {
                printJSON(
                    .object(["threads": .integer(cores), "repeats": .integer(repeats), "datasets": .array(reports)]))
            }
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

    /// Runs the peers' script with `arguments` and returns its standard output.
    func runPython(_ arguments: [String]) throws(LedgerError) -> String {
        try PeerScript.run(python: peersPython, script: peersScript, arguments: arguments)
    }
}
