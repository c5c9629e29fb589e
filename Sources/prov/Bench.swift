import ArgumentParser
import Benchmarks
import LedgerCore

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput against references measured in the same run.",
        subcommands: [LedgerBench.self, IngestBench.self, ModelsBench.self, DetectionBench.self],
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
            """)

    @Option(help: "Events to append and verify.") var events = 100_000
    @Option(help: "Events per appended block.") var batch = 10_000
    @Option(help: "Seconds to measure each reference rate.") var referenceSeconds = 3.0
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let result = try await LedgerBenchmark.run(
                .init(events: events, batch: batch, referenceSeconds: referenceSeconds)
            ) { line in if !json { print(line) } }
            if json { printJSON(result) }
        }
    }
}
