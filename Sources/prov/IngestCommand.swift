import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import Provenance

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import a shipment CSV as events signed with a producer's key, as one block.",
        discussion: """
            The CSV has a header row (names case-insensitive, any order) with the columns record_id, event,
            occurred_at, product, lot, quantity, unit, facility and, as the event needs, shipment_id, destination,
            origin, inputs (LOT-A:120.5;LOT-B:30), unit_price, currency, carrier, certificate, serials.
            Every refused record is reported with file:line and column. Without --skip-invalid a file with any invalid
            record writes nothing; with it, the valid records are committed and the refused ones written to
            FILE.rejects.csv with a reason column. Re-importing the same file is a no-op.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The shipment CSV file.") var file: String
    @Option(help: ArgumentHelp("The submitting participant's private key (PEM).", valueName: "PEM")) var key: String
    @Option(help: "Input format; only csv is supported so far.") var format = "csv"
    @Flag(help: "Commit the valid records and write the refused ones to FILE.rejects.csv.") var skipInvalid = false
    @Flag(help: "Check the file and report, without writing anything.") var dryRun = false
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            guard format == "csv" else {
                throw LedgerError(.invalidRecord, "format '\(format)' is not supported yet; use csv")
            }
            let showProgress = standardErrorIsTerminal && !json
            let reader = CSVReader(path: file)
            let total = max(1, reader.byteCount)
            let started = Date()
            let batch = try ShipmentCSV.read(reader) { rows, bytes in
                guard showProgress else { return }
                let rate = Double(rows) / max(0.001, Date().timeIntervalSince(started))
                FileHandle.standardError.write(Data(String(format: "\rreading: %d records, %d%% of the file, %.0f records/s", rows, bytes * 100 / total, rate).utf8))
            }
            if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }

            let rejectsPath = file + ".rejects.csv"
            for reject in batch.rejects.prefix(20) where !json {
                FileHandle.standardError.write(Data("rejected: \(reject.error)\n".utf8))
            }
            if batch.rejects.count > 20, !json {
                FileHandle.standardError.write(Data("… and \(batch.rejects.count - 20) more\n".utf8))
            }
            if !batch.rejects.isEmpty, !skipInvalid {
                throw LedgerError(
                    .invalidRecord,
                    "\(batch.rejects.count) of \(batch.records.count + batch.rejects.count) records are invalid; nothing was written (fix them, or pass --skip-invalid to commit the rest)")
            }

            var summary: [String: JSONValue] = [
                "file": .string(file), "records": .integer(batch.records.count + batch.rejects.count),
                "rejected": .integer(batch.rejects.count), "dry_run": .bool(dryRun),
            ]
            var block: Int?
            var appended = 0
            var duplicates = 0
            if !dryRun {
                if !batch.rejects.isEmpty { try writeFile(rejectsPath, Array(ShipmentCSV.rejectsCSV(batch).utf8)) }
                if !batch.records.isEmpty {
                    let signingKey = try readPrivateKey(key)
                    let ledger = try await options.openForAppending()
                    let receipt = try await ledger.append(batch.records.map(\.content), signedWith: signingKey)
                    block = receipt.block?.header.height
                    appended = receipt.appended.count
                    duplicates = receipt.duplicates.count
                    if let checkpoint = receipt.checkpoint { summary["checkpoint"] = .string(checkpoint.serialized) }
                }
            }
            summary["accepted"] = .integer(appended)
            summary["duplicates"] = .integer(duplicates)
            if let block { summary["block"] = .integer(block) }
            if !batch.rejects.isEmpty, !dryRun { summary["rejects_file"] = .string(rejectsPath) }
            summary["seconds"] = .number(String(format: "%.3f", Date().timeIntervalSince(started)))
            if json {
                printJSON(.object(summary))
            } else if dryRun {
                print("Dry run: \(batch.records.count) valid records, \(batch.rejects.count) rejected; nothing written")
            } else {
                let where_ = block.map { " in block \($0)" } ?? ""
                print("Ingested \(file): \(appended) accepted\(where_), \(duplicates) duplicates skipped, \(batch.rejects.count) rejected\(batch.rejects.isEmpty ? "" : " (see \(rejectsPath))")")
            }
        }
    }
}
