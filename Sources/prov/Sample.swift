import ArgumentParser
import Foundation
import LedgerCore
import SampleNetwork

struct Sample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate sample supply-chain data.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic sample network with labelled anomalies to a directory.",
            discussion: """
                Writes participants.csv, keys/<participant>.pem, facilities/<participant>.csv, shipments/<participant>.csv, \
                labels.csv, network.json and a README.md describing them into --out. Each lot is one processed lot and its \
                history (farms or mines → processor → distributor → stores), about 11.5 shipment rows. The same --lots, \
                --seed, --start and --anomaly-rate always give byte-identical files; memory stays bounded at any size. \
                The keys are derived from the seed: GENERATED SAMPLE KEYS, NOT FOR PRODUCTION.

                With --gs1-names the same network names its goods and places as GS1 data does: every product by a \
                GTIN-14 (registered with its code in products/<participant>.csv, to import with prov products \
                import), and every shipment at a dispatch dock that is a location of its site (parent_facility in \
                the facilities files). The ledger resolves both to one identity, so the pipeline flags the same \
                records as on the network named by codes.

                With --plots the farms and ranches of the chains the EU deforestation regulation covers (cocoa, \
                coffee, cattle) get two production plots each, polygons that no other plot overlaps, established \
                years before the regulation's cut-off, in plots/<participant>.geojson (to import with prov facilities \
                import after the facilities), and each harvest names its farm's plots, so that prov report eudr \
                locates any of their lots. Not with --gs1-names.
                """)

        @Option(help: "Number of processed lots (supply chains) to generate.") var lots: Int
        @Option(help: "Seed for every random draw and every key.") var seed: UInt64
        @Option(help: ArgumentHelp("The directory to write; it must be new or empty unless --force.", valueName: "DIR"))
        var out: String
        @Option(help: "Fraction of lots that carry one injected anomaly (0…1).") var anomalyRate = 0.02
        @Option(
            help: ArgumentHelp(
                "The first lot's start date (UTC). A ledger admits no event dated more than a day after its clock, so a network meant for import ends before today.",
                valueName: "YYYY-MM-DD"))
        var start = "2025-01-01"
        @Flag(help: "Name products by GTIN and ship from dispatch docks, as GS1 data does (see above).")
        var gs1Names = false
        @Flag(help: "Give the farms and ranches of cocoa, coffee and cattle production plots (see above).")
        var plots = false
        @Flag(help: "Write into a non-empty directory, replacing files of the same names.") var force = false
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() async throws {
            try await reporting { () async throws(LedgerError) in
                let startTime: Timestamp
                do {
                    startTime = try Timestamp(iso8601: start + "T00:00:00Z")
                } catch {
                    throw LedgerError(.invalidRecord, "--start: '\(start)' is not a date YYYY-MM-DD")
                }
                var configuration = SampleNetwork.Configuration(
                    lots: lots, seed: seed, start: startTime, anomalyRate: anomalyRate, gs1Names: gs1Names)
                configuration.plots = plots
                let showProgress = standardErrorIsTerminal && !json
                let began = Date()
                let summary = try SampleNetwork.write(configuration, to: out, replacingExisting: force) { done, total in
                    guard showProgress else { return }
                    let rate = Double(done) / max(0.001, Date().timeIntervalSince(began))
                    FileHandle.standardError.write(
                        Data(
                            String(
                                format: "\rgenerating: %d of %d lots (%d%%), %.0f lots/s", done, total,
                                done * 100 / max(1, total), rate
                            ).utf8))
                }
                if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
                let seconds = Date().timeIntervalSince(began)
                let writers = summary.participants - 1
                if json {
                    var value = summary.json.objectValue ?? [:]
                    value["directory"] = .string(out)
                    value["seconds"] = .number(String(format: "%.3f", seconds))
                    printJSON(.object(value))
                    return
                }
                print(
                    "Generated \(out) in \(String(format: "%.2f", seconds)) s: \(summary.lots) lots over \(summary.days) days, seed \(summary.seed)"
                )
                print(
                    "  participants.csv      \(summary.participants) participants, keys in keys/ (sample keys, not for production)"
                )
                print("  facilities/           \(writers) files, \(summary.facilities) facilities")
                let events = [EventKind.produce, .ship, .receive, .transform].map {
                    "\($0.rawValue) \(summary.events[$0] ?? 0)"
                }
                print(
                    "  shipments/            \(writers) files, \(summary.rows) rows (\(events.joined(separator: ", ")))"
                )
                if plots {
                    print("  plots/                the plots of the cocoa, coffee and cattle farms and ranches")
                }
                print("  labels.csv            \(summary.labels) labelled records")
                for kind in SampleNetwork.AnomalyKind.allCases {
                    let lotsText = "\(summary.anomalousLots[kind] ?? 0) lots".padding(
                        toLength: 9, withPad: " ", startingAt: 0)
                    print(
                        "    \(kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(lotsText) \(summary.labelledRecords[kind] ?? 0) records"
                    )
                }
                print("  network.json, README.md")
            }
        }
    }
}
