import ArgumentParser
import Foundation
import LedgerCore
import LedgerStorage
import Provenance

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a ledger into another store: a SQLite file into PostgreSQL, or back.",
        discussion: """
            Copies every block of --from, byte for byte, into --to, which must hold no ledger (an empty PostgreSQL \
            database, or a file that does not exist yet): events, lot index, Merkle nodes, participants, checkpoints \
            and the anomaly reports stored with their anchors. Each block is written in one transaction, a large \
            block's events streamed in chunks, so memory stays bounded; a copy that stops part way leaves whole blocks \
            only. The copy is then verified as 'prov verify' would, and its latest checkpoint must be the source's: \
            same tree size, same root, same signature. The operator key is not needed, and a ledger file's key is not \
            copied: keep using it with --operator-key on the new ledger.

            A ledger file into a PostgreSQL database:
              prov migrate --from ledger.sqlite --to postgres://prov@db.example:5432/ledger

            A PostgreSQL ledger into a new file, the result as JSON:
              prov migrate --from postgres://prov@db.example/ledger --to backup.sqlite --json
            """)

    @Option(help: ArgumentHelp("The ledger to copy: a file path or a postgres:// URL.", valueName: "ADDRESS"))
    var from: String

    @Option(
        help: ArgumentHelp("The empty store to copy it into: a file path or a postgres:// URL.", valueName: "ADDRESS"))
    var to: String

    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let source = try await Ledger.open(at: try LedgerAddress(from))
            let target = try LedgerAddress(to)
            if case .sqlite(let path) = target, FileManager.default.fileExists(atPath: path) {
                throw LedgerError(.alreadyExists, "\(path) already exists; 'prov migrate' copies only into a new file")
            }
            let showProgress = standardErrorIsTerminal && !json
            let summary = try await source.copy(to: target) { progress in
                guard showProgress, progress.totalEvents > 0 else { return }
                FileHandle.standardError.write(
                    Data("\rcopying: \(progress.events)/\(progress.totalEvents) events".utf8))
            }
            if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
            let verification = summary.verification
            if json {
                printJSON(
                    .object([
                        "from": .string(try LedgerAddress(from).description), "to": .string(target.description),
                        "blocks": .integer(summary.blocks), "events": .integer(summary.events),
                        "reports": .integer(summary.reports), "verified": .bool(verification.isValid),
                        "tree_size": .integer(verification.treeSize), "root": .string(verification.root.hex),
                    ]))
            } else {
                print(
                    "Copied \(summary.blocks) blocks, \(summary.events) events and \(summary.reports) reports to \(target)"
                )
                print("Verified: tree size \(verification.treeSize), root \(verification.root.hex), as the source")
            }
        }
    }
}
