import ArgumentParser
import Foundation
import LedgerCore
import Provenance

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the timeline of a lot or a product code, following transformations backward and forward.",
        discussion: """
            A lot: every event of the lot, of the lots it was made from and of the lots made from it. A product code \
            (which may have thousands of lots): its own events in time order, a page at a time (--limit), with the lots \
            the page names and the lots they came from and went into; the last line says how to ask for the next page \
            (--after, the ledger index of the page's last event).

            A lot's timeline also marks, with a line starting "~", each move between two sites of one party that no \
            ship or receive records: the lot's next event after it was held at one site is at another site of the same \
            party. Lines starting "<" are lots it was made from, ">" lots made from it.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "A product code or a lot ID.") var identifier: String
    @Option(help: "For a product code: events per page.") var limit = 100
    @Option(
        help: ArgumentHelp(
            "For a product code: start after the event at this ledger index (the previous page's last).",
            valueName: "INDEX"))
    var after: Int?
    @Flag(help: "Print as JSON.") var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit is from 1 to 10000") }
    }

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let facilities = try await ledger.currentFacilityFields()
            let catalog = try await ledger.productCatalog()
            let parties = try await ledger.partyDirectory()
            // Both names of a product where an event named it otherwise; for a place no facility record names, the
            // participant whose GLN it is, else that it lies outside the ledger.
            let note: @Sendable (String, String, String) -> String? = { field, value, signer in
                switch field {
                case "product": catalog.product(named: value, signer: signer).flatMap { $0 == value ? nil : $0 }
                case "destination", "origin":
                    facilities[value] != nil
                        ? nil : parties.participant(named: value).map { "participant \($0)" } ?? "outside the ledger"
                default: nil
                }
            }
            let total = try await ledger.eventCount(ofProduct: identifier)
            if total > 0 {
                try printProductPage(
                    try await ledger.productHistory(of: identifier, after: after, limit: limit), total: total,
                    note: note)
            } else {
                if after != nil {
                    throw LedgerError(
                        .invalidRecord, "--after pages a product code's history; '\(identifier)' is not a product code")
                }
                let history = try await ledger.history(of: identifier)
                printTimeline(
                    kind: "lot", lots: history.subjectLots, upstream: history.upstreamLots,
                    downstream: history.downstreamLots,
                    entries: history.entries, transfers: history.transfers, note: note,
                    extra: ["unrecorded_transfers": .array(history.transfers.map(\.json))])
            }
        }
    }

    private func printProductPage(
        _ page: ProductHistoryPage, total: Int, note: (_ field: String, _ value: String, _ signer: String) -> String?
    ) throws(LedgerError) {
        let next = page.hasMore ? page.entries.last?.index : nil
        printTimeline(
            kind: "product", lots: page.lots, upstream: page.upstreamLots, downstream: page.downstreamLots,
            entries: page.entries, transfers: [], note: note,
            extra: ["total": .integer(total), "next_after": next.map(JSONValue.integer) ?? .null])
        if !json {
            if let next {
                print(
                    "\(page.entries.count) of \(total) events shown; next page: prov history \(identifier) --after \(next)"
                )
            } else {
                print("\(page.entries.count) events on this page, \(total) in all; no more")
            }
        }
    }

    private func printTimeline(
        kind: String, lots: [String], upstream: [String], downstream: [String], entries: [HistoryEntry],
        transfers: [UnrecordedMove], note: (_ field: String, _ value: String, _ signer: String) -> String?,
        extra: [String: JSONValue]
    ) {
        if json {
            var object: [String: JSONValue] = [
                "query": .string(identifier), "kind": .string(kind),
                "lots": .array(lots.map(JSONValue.string)),
                "upstream_lots": .array(upstream.map(JSONValue.string)),
                "downstream_lots": .array(downstream.map(JSONValue.string)),
                "events": .array(
                    entries.map { entry in
                        guard
                            case .object(var members) = entry.event.summaryJSON(
                                index: entry.index, blockHeight: entry.blockHeight)
                        else { return .null }
                        members["relation"] = .string(entry.relation.rawValue)
                        return .object(members)
                    }),
            ]
            object.merge(extra) { _, new in new }
            printJSON(.object(object))
            return
        }
        print("History of \(kind) \(identifier): lots \(lots.joined(separator: ", "))")
        if !upstream.isEmpty { print("  made from: \(upstream.joined(separator: ", "))") }
        if !downstream.isEmpty { print("  went into: \(downstream.joined(separator: ", "))") }
        let movesBefore = Dictionary(grouping: transfers, by: \.before)
        for entry in entries {
            for move in movesBefore[entry.index] ?? [] {
                print(
                    "~ unrecorded transfer: lot \(move.lot) moved from \(move.from) to \(move.to), both sites of \(move.party), with no ship or receive recorded"
                )
            }
            let marker =
                switch entry.relation {
                case .subject: " "
                case .upstream: "<"
                case .downstream: ">"
                }
            let header = entry.event.header
            print(
                "\(marker) \(header.occurredAt.local)  \(header.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) by \(header.signer)  \(fieldSummary(entry.event) { note($0, $1, header.signer) })"
            )
            print(
                "    event \(entry.event.id.hex)  (index \(entry.index), block \(entry.blockHeight), record \(header.recordID))"
            )
        }
    }
}
