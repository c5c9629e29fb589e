import ArgumentParser
import Foundation
import LedgerCore
import Provenance

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute and check the whole ledger; name the first divergence, or every one.",
        discussion: """
            Checks every event ID, signature, signer registration and role, disclosure and index column; every block \
            hash, operator signature, link and events root; every stored Merkle node; every checkpoint; the participants \
            table. Exits 1 and names the place (block, event, field) at the first mismatch.

            With --all it goes on past every mismatch it can step over (an event, a block's sums, a stored Merkle node, \
            a checkpoint) and lists them all, so that one bad row cannot hide others; it stops early only where nothing \
            after can be checked, such as a missing block.
            """)

    @OptionGroup var options: LedgerOptions
    @Flag(help: "Report every divergence, not only the first.") var all = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        var failed = false
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let showProgress = standardErrorIsTerminal && !json
            let started = Date()
            let report = await ledger.verify(reportingAll: all) { progress in
                guard showProgress, progress.totalEvents > 0 else { return }
                let percent = progress.eventsChecked * 100 / progress.totalEvents
                FileHandle.standardError.write(
                    Data("\rverifying: \(progress.eventsChecked)/\(progress.totalEvents) events (\(percent)%)".utf8))
            }
            if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
            let seconds = Date().timeIntervalSince(started)
            if json {
                var members: [String: JSONValue] = [
                    "valid": .bool(report.isValid), "blocks": .integer(report.blocks),
                    "events": .integer(report.events),
                    "checkpoints": .integer(report.checkpoints), "tree_size": .integer(report.treeSize),
                    "root": .string(report.root.hex),
                    "seconds": .number(String(format: "%.3f", seconds)),
                ]
                let failures: [JSONValue] = report.failures.map { failure in
                    .object([
                        "code": .string(failure.code.description), "reason": .string(failure.reason),
                        "place": .array(failure.context.map(JSONValue.string)),
                    ])
                }
                if let first = failures.first { members["failure"] = first }
                if all { members["failures"] = .array(failures) }
                printJSON(.object(members))
            } else if report.isValid {
                print(
                    "OK: \(report.blocks) blocks, \(report.events) events, \(report.checkpoints) checkpoints, \(report.participants) participants verified in \(String(format: "%.2f", seconds)) s"
                )
                print("    tree size \(report.treeSize), root \(report.root.hex)")
            }
            if let failure = report.failure {
                if !json, all {
                    let lines = report.failures.map { "  \($0)\n" }.joined()
                    FileHandle.standardError.write(
                        Data("FAILED: \(report.failures.count) divergences in \(report.events) events\n\(lines)".utf8))
                } else if !json {
                    FileHandle.standardError.write(Data("FAILED after \(report.events) good events: \(failure)\n".utf8))
                }
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Print the latest signed checkpoint (C2SP signed-note format).")

    @OptionGroup var options: LedgerOptions

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            print(try await ledger.latestCheckpoint().serialized, terminator: "")
        }
    }
}

struct Consistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove that the current ledger extends an older signed checkpoint.",
        discussion:
            "Exits 1 if the ledger's history at the old checkpoint's size differs from what the operator signed.")

    @OptionGroup var options: LedgerOptions
    @Argument(help: "A checkpoint file, as 'prov checkpoint' printed it.") var oldCheckpoint: String
    @Flag(help: "Print as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let note = try SignedNote(parsing: readText(oldCheckpoint, what: "checkpoint"))
            let result = try await ledger.consistency(from: note)
            if json {
                printJSON([
                    "old_size": .integer(result.old.size), "new_size": .integer(result.new.size),
                    "old_root": .string(result.old.root.hex), "new_root": .string(result.new.root.hex),
                    "proof": .array(result.proof.map { .string(Base64.encode($0.bytes)) }),
                    "checkpoint": .string(result.newNote.serialized), "consistent": .bool(true),
                ])
                return
            }
            print("CONSISTENT: size \(result.old.size) → \(result.new.size)")
            for hash in result.proof { print(Base64.encode(hash.bytes)) }
            print("")
            print(result.newNote.serialized, terminator: "")
        }
    }
}
