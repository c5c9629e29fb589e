import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Pipeline
import Provenance

struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run the anomaly pipeline over the chain.",
        subcommands: [PipelineRunCommand.self])
}

struct PipelineRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Link, measure, score and check the chain; write the report and anchor its digest on the chain.",
        discussion: """
            PIPELINE is a definition file (YAML or JSON, see Schemas/pipeline.schema.json), e.g. Pipelines/default.yml. \
            The run reads the ledger range the definition names (all of it by default), joins each ship to its receive and \
            each transform to its inputs, computes features, scores every link with an isolation forest and a clustering, \
            applies the rules, and explains every flag.

            The report is written to DIR as report-<digest>.json (canonical JSON: its SHA-256 is the digest) and \
            report-<digest>.html (a self-contained page with charts), and everything the run fitted (scaling, tails, \
            forest, clusters, calibration, threshold) as model-<digest>.json. An `anchor` event carrying the report's \
            digest, the definition's, the model's and the range is signed with --key, which must be a compliance \
            participant's key; the ledger keeps the definition and the model with the report. Check a report later \
            with 'prov reports verify', re-run it with 'prov reports reproduce'; review its flags with 'prov anomalies'.

            --features-out FILE.csv also writes the link feature matrix, one row per scored link: link_id (the ID \
            of its flag when it is flagged), subject, event_ids and record_ids (separated by ';'), each feature raw \
            and scaled (NAME_scaled, as the models see it), combined_score, forest_score, cluster_score, cluster and \
            flagged (1 or 0). Another detector can be run on the same rows.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: ArgumentHelp("The pipeline definition.", valueName: "PIPELINE")) var definitionPath: String
    @Option(
        help: ArgumentHelp("The compliance officer's private key (PEM); it signs the anchor.", valueName: "OFFICER.pem")
    )
    var key: String
    @Option(help: ArgumentHelp("Where to write the report files.", valueName: "DIR")) var out = "reports"
    @Option(help: ArgumentHelp("Also write the link feature matrix as CSV.", valueName: "FILE.csv"))
    var featuresOut: String?
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let bytes = try readBytes(definitionPath, what: "pipeline definition")
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw LedgerError(
                    .invalidRecord, "the pipeline definition is not valid UTF-8", context: [definitionPath])
            }
            let definition = try PipelineDefinition(parsing: text, file: definitionPath)
            let officerKey = try readPrivateKey(key, what: "officer key")
            let ledger = try await options.openForAppending()
            let progress = StageProgress(enabled: standardErrorIsTerminal && !json)
            let outcome = try await ledger.runPipeline(
                definition, definitionBytes: bytes, signedWith: officerKey, featureMatrix: featuresOut != nil
            ) {
                step in
                progress.show(step)
            }
            progress.finish()
            let (jsonPath, htmlPath) = try writeReportFiles(
                outcome.report, canonical: outcome.canonicalReport, digest: outcome.digest, folder: out)
            let modelPath = try writeModelFile(outcome.model, folder: out)
            if let featuresOut, let features = outcome.features {
                try writeFile(featuresOut, Array(features.csv().utf8))
            }
            let summary = outcome.report.summary
            if json {
                printJSON(
                    .object([
                        "report": .string(jsonPath), "html": .string(htmlPath), "digest": .string(outcome.digest.hex),
                        "model": .string(modelPath), "model_digest": .string(outcome.modelDigest.hex),
                        "code_version": .string(PipelineRun.codeVersion),
                        "features": featuresOut.map(JSONValue.string) ?? .null,
                        "anchor_index": outcome.anchor.firstIndex.map(JSONValue.integer) ?? .null,
                        "events": .integer(summary.events), "links": .integer(summary.links),
                        "flagged": .integer(summary.flagged),
                        "model_only": .integer(summary.modelOnly), "unreceived": .integer(summary.unreceived),
                        "rules": .object(summary.rules.mapValues(JSONValue.integer)),
                        "timings": .object(
                            Dictionary(outcome.timings.map { ($0.stage, .string(String(format: "%.3f", $0.seconds))) })
                            { first, _ in first }),
                    ]))
                return
            }
            let total = outcome.timings.reduce(0) { $0 + $1.seconds }
            print(
                "\(summary.events) events, \(summary.links) links scored, \(summary.unreceived) unreceived; \(summary.flagged) flagged (\(summary.modelOnly) by the models alone)"
            )
            let hits = summary.rules.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            if !hits.isEmpty { print("rules: " + hits.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
            for flag in outcome.report.flags.prefix(5) {
                print("  \(flag.id)  \(String(format: "%.3f", flag.score))  \(flag.reasons.first ?? "")")
            }
            if outcome.report.flags.count > 5 {
                print("  … \(outcome.report.flags.count - 5) more: prov anomalies list")
            }
            print("report \(jsonPath)\n       \(htmlPath)\nmodel  \(modelPath)")
            if let featuresOut, let features = outcome.features {
                print("features \(featuresOut) (\(features.rows.count) links)")
            }
            print(
                "digest \(outcome.digest.hex), anchored at index \(outcome.anchor.firstIndex.map(String.init) ?? "(already anchored)")"
            )
            print(
                "timings: "
                    + outcome.timings.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }.joined(
                        separator: ", ")
                    + String(format: "; total %.2f s", total))
        }
    }
}

/// One progress line per stage on standard error, with the time the previous stage took.
final class StageProgress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var current: String?
    private var started = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ step: PipelineProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let name: String
        switch step {
        case .reading(let done, let total):
            let percent = total > 0 ? done * 100 / total : 100
            FileHandle.standardError.write(Data("\rreading the chain: \(done)/\(total) events (\(percent)%)".utf8))
            name = "read"
            if current == nil { current = name; started = Date() }
            return
        case .stage(let stage): name = stage.rawValue
        case .anchoring: name = "anchor"
        }
        closeStage()
        current = name
        started = Date()
        FileHandle.standardError.write(Data("\(name)…".utf8))
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        closeStage()
    }

    private func closeStage() {
        guard current != nil else { return }
        FileHandle.standardError.write(Data(String(format: " %.2f s\n", Date().timeIntervalSince(started)).utf8))
        self.current = nil
    }
}

/// Writes a report as `report-<digest prefix>.json` (its canonical bytes) and `.html` in `folder`,
/// creating the folder; returns both paths.
func writeReportFiles(_ report: Report, canonical: [UInt8], digest: Digest, folder: String) throws(LedgerError) -> (
    json: String, html: String
) {
    let stem = (folder as NSString).appendingPathComponent("report-" + String(digest.hex.prefix(16)))
    try createDirectory(folder)
    try writeFile(stem + ".json", canonical)
    try writeFile(stem + ".html", Array(report.html().utf8))
    return (stem + ".json", stem + ".html")
}

/// Writes the definition stored with report `digest` as report-<digest>.definition.yml (or .json when it is JSON).
func writeDefinitionFile(_ definition: [UInt8], digest: Digest, folder: String) throws(LedgerError) -> String {
    let isJSON = definition.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
    let path = (folder as NSString).appendingPathComponent(
        "report-\(digest.hex.prefix(16)).definition.\(isJSON ? "json" : "yml")")
    try writeFile(path, definition)
    return path
}

/// Writes a fitted model's document as model-<its digest>.json.
func writeModelFile(_ model: [UInt8], folder: String) throws(LedgerError) -> String {
    let path = (folder as NSString).appendingPathComponent("model-\(SHA256.hash(model).hex.prefix(16)).json")
    try createDirectory(folder)
    try writeFile(path, model)
    return path
}

func createDirectory(_ path: String) throws(LedgerError) {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw LedgerError(.io, "cannot create the folder \(path): \(error.localizedDescription)")
    }
}
