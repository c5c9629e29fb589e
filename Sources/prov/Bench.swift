import ArgumentParser
import Benchmarks
import LedgerCore
import LedgerStorage

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput against references measured in the same run.",
        subcommands: [LedgerBench.self, IngestBench.self, ModelsBench.self, DetectionBench.self, ReportsBench.self],
        defaultSubcommand: LedgerBench.self)
}

struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Measure append and verify throughput against OpenSSL's raw Ed25519 rates, in the same run.",
        discussion: """
            Measures, on all cores: OpenSSL Ed25519 sign and verify rates on a statement-sized message (the reference); \
            then appending --events generated records in blocks of --batch (signing, admission checks, SQLite writes) \
            and 'verify' over the result. Reports events/s, each as a ratio to the reference, and the process's peak RSS.

            With --ledger postgres://… it then appends the same records to that PostgreSQL database and verifies them \
            too (the database must hold no ledger but a previous run's: its tables are dropped before and after), and \
            reports both rates as ratios to the SQLite ledger's, measured in the same run.
            """)

    @Option(help: "Events to append and verify.") var events = 100_000
    @Option(help: "Events per appended block.") var batch = 10_000
    @Option(help: "Seconds to measure each reference rate.") var referenceSeconds = 3.0
    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database to append and verify the same records in as well.", valueName: "postgres://…"))
    var ledger: String?
    @Flag(help: "Print the results as JSON.") var json = false

    func validate() throws {
        if let ledger, case .sqlite? = try? LedgerAddress(ledger) {
            throw ValidationError("--ledger names a PostgreSQL database (postgres://…), not '\(ledger)'")
        }
    }

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            var configuration = LedgerBenchmark.Configuration(
                events: events, batch: batch, referenceSeconds: referenceSeconds)
            if let ledger, case .postgres(let postgres) = try LedgerAddress(ledger) {
                configuration.postgres = postgres
            }
            let result = try await LedgerBenchmark.run(configuration) { line in if !json { print(line) } }
            if json { printJSON(result) }
        }
    }
}
