import ArgumentParser
import Benchmarks
import LedgerCore

struct ReportsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract:
            "Measure the regulatory reports on a large generated ledger: the EUDR statement and the FSMA 204 spreadsheet.",
        discussion: """
            Generates a network of --lots lots (as prov sample generate does, but with up to 320 lots starting a \
            day over at least 300 days: 100,000 make about 1.15 million events, over 100,000 of them in any 30 \
            days) and loads it into a new ledger the way participants would. Then the network's first producer registers --plots \
            point plots at its first farm and imports --harvests harvests of one lot, EUDR-BENCH, each from one of \
            the plots in turn, and the query index is brought up to date over the whole ledger (its time is \
            reported apart: a server keeps it up to date as blocks land).

            It then makes each report as its command does, without the writing of its files: the EUDR statement of \
            EUDR-BENCH (prov report eudr: the lot's history, its harvests and plots and their shares, the \
            geolocation file, the summary and a proof bundle of each event it rests on), and the FSMA 204 \
            spreadsheet of the --days days from the middle of the network's span (prov report fsma204 --from … \
            --to …). For each it reports the seconds and, on Linux, its own peak resident memory, measured from \
            what the process holds before it once the heap has returned its free pages. The goals: the statement \
            of a lot of 10,000 harvests from 1,000 plots on a million-event ledger in under 2 s, and the \
            spreadsheet of 30 days of 100,000 events in under 10 s.
            """)

    @Option(help: "Lots of the generated network (about 11.5 events each).") var lots = 100_000
    @Option(help: "Harvests of the statement's lot.") var harvests = 10_000
    @Option(help: "Point plots the harvests come from.") var plots = 1_000
    @Option(help: "Days of the spreadsheet's range.") var days = 30
    @Option(
        help: ArgumentHelp(
            "Keep the network, the ledger (its operator key beside it) and the reports in this folder.",
            valueName: "DIR"))
    var keep: String?
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let configuration = ReportsBenchmark.Configuration(
                lots: lots, harvests: harvests, plots: plots, days: days, keep: keep)
            let results = try await ReportsBenchmark.run(configuration) { line in if !json { print(line) } }
            if json { printJSON(results) }
        }
    }
}
