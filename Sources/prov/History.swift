import ArgumentParser
import Foundation
import LedgerCore
import Provenance

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the timeline of a product or lot, following transformations backward and forward.")

    @OptionGroup var options: LedgerOptions
    @Argument(help: "A product code or a lot ID.") var identifier: String
    @Flag(help: "Print as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let history = try await ledger.history(of: identifier)
            if json {
                printJSON([
                    "query": .string(history.query),
                    "lots": .array(history.subjectLots.map(JSONValue.string)),
                    "upstream_lots": .array(history.upstreamLots.map(JSONValue.string)),
                    "downstream_lots": .array(history.downstreamLots.map(JSONValue.string)),
                    "events": .array(history.entries.map { entry in
                        guard case .object(var members) = entry.event.summaryJSON(index: entry.index, blockHeight: entry.blockHeight) else { return .null }
                        members["relation"] = .string(entry.relation.rawValue)
                        return .object(members)
                    }),
                ])
                return
            }
            print("History of \(identifier): lots \(history.subjectLots.joined(separator: ", "))")
            if !history.upstreamLots.isEmpty { print("  made from: \(history.upstreamLots.joined(separator: ", "))") }
            if !history.downstreamLots.isEmpty { print("  went into: \(history.downstreamLots.joined(separator: ", "))") }
            for entry in history.entries {
                let marker = switch entry.relation {
                case .subject: " "
                case .upstream: "<"
                case .downstream: ">"
                }
                let header = entry.event.header
                print("\(marker) \(header.occurredAt.local)  \(header.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) by \(header.signer)  \(fieldSummary(entry.event))")
                print("    event \(entry.event.id.hex)  (index \(entry.index), block \(entry.blockHeight), record \(header.recordID))")
            }
        }
    }
}
