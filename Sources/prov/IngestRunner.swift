import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import LedgerCrypto
import Provenance
import Synchronization

/// The options `prov ingest` and `prov facilities import` share.
struct IngestFlags: ParsableArguments {
    @Option(help: ArgumentHelp("The submitting participant's private key (PEM).", valueName: "PEM")) var key: String
    @Option(
        help: ArgumentHelp(
            "A mapping file (YAML or JSON) that reads another exporter's columns; see Schemas/mapping.schema.json.",
            valueName: "FILE"))
    var mapping: String?
    @Flag(help: "Commit the valid records and write the refused ones to FILE.rejects.csv.") var skipInvalid = false
    @Flag(help: "Check the file against the ledger and report, without writing anything.") var dryRun = false
    @Flag(help: "Print a JSON summary per file.") var json = false
    @Flag(
        help:
            "Print progress to standard error every 10,000 records, a line each, also when it is not a terminal (a log)."
    )
    var progress = false

    func loadMapping() throws(LedgerError) -> CSVMapping? {
        try mapping.map { path throws(LedgerError) in try CSVMapping.load(path: path) }
    }
}

/// Reads one file into the ledger as one block, with progress on a terminal, refused records on
/// standard error (and in `FILE.rejects.csv` with `--skip-invalid`), and a summary.
func runIngest<Source: RecordSource>(
    _ source: Source, flags: IngestFlags, ledger: LedgerOptions, recordIDsNameContent: Bool = false
) async throws(LedgerError) {
    let key = try readPrivateKey(flags.key)
    let opened = flags.dryRun ? try await ledger.openForReading() : try await ledger.openForAppending()
    let showProgress = (standardErrorIsTerminal || flags.progress) && !flags.json
    let asLines = !standardErrorIsTerminal
    let started = Date()
    let rejects = RejectsSink(
        path: source.name + ".rejects.csv", writesFile: flags.skipInvalid && !flags.dryRun, quiet: flags.json)
    var options = IngestOptions(skipInvalid: flags.skipInvalid, dryRun: flags.dryRun)
    options.recordIDsNameContent = recordIDsNameContent
    let summary: IngestSummary
    do throws(LedgerError) {
        summary = try await opened.ingest(
            source, signedWith: key, options: options, onReject: { rejects.add($0) },
            progress: ingestProgress(label: source.name, started: started, shown: showProgress, asLines: asLines))
    } catch {
        if showProgress && !asLines { FileHandle.standardError.write(Data("\n".utf8)) }
        try rejects.finish()
        throw error
    }
    if showProgress && !asLines { FileHandle.standardError.write(Data("\n".utf8)) }
    try rejects.finish()

    let seconds = Date().timeIntervalSince(started)
    if flags.json {
        var object: [String: JSONValue] = [
            "file": .string(source.name), "records": .integer(summary.records), "accepted": .integer(summary.accepted),
            "duplicates": .integer(summary.duplicates), "rejected": .integer(summary.rejected),
            "dry_run": .bool(summary.dryRun),
            "seconds": .number(String(format: "%.3f", seconds)),
        ]
        if let block = summary.block { object["block"] = .integer(block.header.height) }
        if let checkpoint = summary.checkpoint { object["checkpoint"] = .string(checkpoint.serialized) }
        if rejects.wroteFile { object["rejects_file"] = .string(rejects.path) }
        printJSON(.object(object))
        return
    }
    let rate = seconds < 1 ? "" : String(format: " (%.0f records/s)", Double(summary.records) / seconds)
    if summary.dryRun {
        print(
            "Dry run of \(source.name): \(summary.accepted) would be appended, \(summary.duplicates) already in the ledger, \(summary.rejected) rejected; nothing written"
        )
    } else if let block = summary.block {
        print(
            "Ingested \(source.name): \(summary.accepted) accepted in block \(block.header.height), \(summary.duplicates) duplicates skipped, \(summary.rejected) rejected\(rate)"
        )
    } else {
        print(
            "Nothing new in \(source.name): \(summary.duplicates) records already in the ledger, \(summary.rejected) rejected; no block written"
        )
    }
    if rejects.wroteFile { print("Refused records: \(rejects.path)") }
    if let checkpoint = summary.checkpoint, let tree = try? Checkpoint(body: checkpoint.text) {
        print("Checkpoint: size \(tree.size), root \(Base64.encode(tree.root.bytes))")
    }
}

/// Prints ingest progress (records, percent of the file, records/s), when `shown`: rewriting one terminal line, or
/// `asLines`, a line each time.
func ingestProgress(label: String, started: Date, shown: Bool, asLines: Bool = false)
    -> @Sendable (IngestProgress)
    -> Void
{
    { progress in
        guard shown else { return }
        let rate = Double(progress.records) / max(0.001, Date().timeIntervalSince(started))
        let percent = progress.byteCount > 0 ? progress.bytesRead * 100 / progress.byteCount : 0
        let line = String(
            format: "%@%@: %d records, %d%% of the file, %.0f records/s%@", asLines ? "" : "\r", label,
            progress.records, percent, rate, asLines ? "\n" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Reports refused records as they come: the first ones on standard error, all of them in the
/// rejects file when asked. Called from the ledger's writer thread.
final class RejectsSink: Sendable {
    let path: String
    private let writesFile: Bool
    private let quiet: Bool
    private struct State {
        var count = 0
        var handle: FileHandle?
        var failure: LedgerError?
    }
    private let state = Mutex(State())
    private static let shownOnTerminal = 20

    init(path: String, writesFile: Bool, quiet: Bool) {
        self.path = path
        self.writesFile = writesFile
        self.quiet = quiet
        if writesFile { try? FileManager.default.removeItem(atPath: path) }
    }

    var wroteFile: Bool { state.withLock { $0.handle != nil } }

    func add(_ reject: SourceReject) {
        state.withLock { state in
            state.count += 1
            if !quiet, state.count <= Self.shownOnTerminal {
                FileHandle.standardError.write(Data("\rrejected: \(reject.error)\n".utf8))
            }
            guard writesFile, state.failure == nil else { return }
            if state.handle == nil {
                guard
                    FileManager.default.createFile(
                        atPath: path, contents: Data(RejectsCSV.header(columns: reject.columns).utf8)),
                    let handle = FileHandle(forWritingAtPath: path)
                else {
                    state.failure = LedgerError(.io, "cannot write the rejects file \(path)")
                    return
                }
                handle.seekToEndOfFile()
                state.handle = handle
            }
            state.handle?.write(Data(RejectsCSV.line(reject).utf8))
        }
    }

    /// Closes the file and says how many were not shown.
    func finish() throws(LedgerError) {
        let (count, failure) = state.withLock { state in
            try? state.handle?.close()
            return (state.count, state.failure)
        }
        if !quiet, count > Self.shownOnTerminal {
            FileHandle.standardError.write(Data("… and \(count - Self.shownOnTerminal) more rejected\n".utf8))
        }
        if let failure { throw failure }
    }
}
