import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Provenance

struct Append: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign records given as JSON with a participant's key and append them as one block.",
        discussion: """
            FILE holds a JSON array of records (or {"events": [...]}), each a flat object like a row of the shipment \
            CSV: record_id, event (produce|ship|receive|transform|facility), occurred_at (ISO 8601 with offset) and the \
            kind's fields; see Schemas/records.schema.json. Decimals may be JSON numbers or strings; they are kept \
            exactly. The whole file is one block: if any record is refused, nothing is written. Records already in the \
            ledger with identical content are skipped.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The JSON file of records.") var file: String
    @Option(help: ArgumentHelp("The submitting participant's private key (PEM).", valueName: "PEM")) var key: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let contents = try Self.readRecords(file)
            let signingKey = try readPrivateKey(key)
            let ledger = try await options.openForAppending()
            let receipt = try await ledger.append(contents, signedWith: signingKey)
            if json {
                var members: [String: JSONValue] = [
                    "appended": .integer(receipt.appended.count), "duplicates": .integer(receipt.duplicates.count),
                    "events": .array(receipt.appended.map { .string($0.id.hex) }),
                ]
                if let block = receipt.block { members["block"] = .integer(block.header.height) }
                if let checkpoint = receipt.checkpoint { members["checkpoint"] = .string(checkpoint.serialized) }
                printJSON(.object(members))
                return
            }
            if let block = receipt.block {
                print(
                    "Appended \(receipt.appended.count) events in block \(block.header.height) (ledger size \(block.header.treeSize)); \(receipt.duplicates.count) duplicates skipped"
                )
            } else {
                print("Nothing new: all \(receipt.duplicates.count) records are already in the ledger")
            }
        }
    }

    /// Reads and validates every record; the first invalid one is reported with its position.
    static func readRecords(_ path: String) throws(LedgerError) -> [EventContent] {
        let bytes = try readBytes(path, what: "records")
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw LedgerError(.invalidRecord, "\(path): invalid JSON at \(error)")
        }
        guard let items = document.arrayValue ?? document["events"]?.arrayValue else {
            throw LedgerError(.invalidRecord, "\(path): expected a JSON array of records or {\"events\": [...]}")
        }
        var contents = [EventContent]()
        for (position, item) in items.enumerated() {
            do {
                contents.append(try EventContent(record: item))
            } catch {
                throw error.at("\(path): record \(position + 1)")
            }
        }
        return contents
    }
}
