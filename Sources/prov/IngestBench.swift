import ArgumentParser
import Benchmarks
import Foundation
import LedgerCore
import LedgerStorage

struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure CSV ingest throughput against OpenSSL's Ed25519 sign rate on all cores, in the same run.",
        discussion: """
            Writes a generated shipment CSV of --records rows (one producer, produce/ship/receive events over ten \
            facilities, prices, carriers, serials on some rows), measures OpenSSL's Ed25519 sign rate on all cores (the \
            reference), then imports the file into a new ledger as one block: parsing, validation, record-ID and \
            facility checks, signing, SQLite writes, Merkle tree, block seal and checkpoint. Reports records/s as a \
            ratio to the sign rate and the process's peak RSS, which stays bounded whatever the file size.

            It imports the file --rounds times each way, alternating, into new ledgers: with the admission checks \
            against the ledger (facility ownership and master data, lot makers, certificates, the time window; \
            docs/security.md) and without them, and reports what those checks cost as the share of records/s they \
            take, from the fastest import of each kind. The figures above are the fastest import with the checks. \
            Each round also imports the same rows named as GS1 data names them (the product by its GTIN, each ship at \
            a dispatch dock that is a location of its farm) and reports what those names cost, and imports those rows once \
            more against master data that resolves neither the GTIN nor the docks: the ratio of the two, taken round \
            by round and reported as the median and range over the rounds, is what resolving identities adds to \
            ingest.

            With --format epcis-json each round also imports the same rows written as one EPCIS 2.0 JSON-LD document \
            (an ObjectEvent per row; prices, carriers and serials, which EPCIS has no field for, left out) right after \
            the CSV import it is compared with, and reports its records/s as a ratio to the CSV import's and to the \
            sign rate; the peak RSS covers it too. On Linux it also reports the peak RSS of the JSON-LD import on its \
            own: the high-water mark is reset before it, once the heap has returned its free pages to the system.

            With --ledger postgres://… each round also imports the CSV into that PostgreSQL database (which must hold \
            no ledger but a previous run's: its tables are dropped before each import and after the run), and \
            reports its records/s as a ratio to the SQLite import's and to the sign rate, measured in the same run. \
            It comes right before the SQLite import it is compared with, and without --format epcis-json its own peak \
            RSS is reported too (on Linux).

            Then measures SQLite alone writing the same rows into a new file with the same schema (one \
            transaction, the same page cache), and reports the bound that signing (in process, on all \
            cores) and those writes (on one core, as the ingest's writer) set together: an ingest that \
            stores these rows in SQLite cannot be faster than that on this machine.
            """)

    @Option(help: "Rows in the generated CSV.") var records = 1_000_000
    @Option(help: "Seconds to measure the reference rate.") var referenceSeconds = 3.0
    @Option(help: "Imports with and without the admission checks, alternating, to measure what the checks cost.")
    var rounds = 2
    @Option(
        help: ArgumentHelp(
            "Keep the generated CSV and ledger in this folder instead of a temporary one.", valueName: "DIR"))
    var keep: String?
    @Option(
        help: ArgumentHelp(
            "csv, or epcis-json to also import the rows as an EPCIS 2.0 JSON-LD document.", valueName: "FORMAT"))
    var format = "csv"
    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database to import the rows into as well, emptied before each import.",
            valueName: "postgres://…"))
    var ledger: String?
    @Flag(help: "Print the results as JSON.") var json = false

    func validate() throws {
        guard ["csv", "epcis-json"].contains(format) else {
            throw ValidationError("--format is csv or epcis-json, not '\(format)'")
        }
        if let ledger, case .sqlite? = try? LedgerAddress(ledger) {
            throw ValidationError("--ledger names a PostgreSQL database (postgres://…), not '\(ledger)'")
        }
    }

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let shown = standardErrorIsTerminal && !json
            var configuration = IngestBenchmark.Configuration(
                records: records, referenceSeconds: referenceSeconds, rounds: rounds, keep: keep,
                progress: { label, started in ingestProgress(label: label, started: started, shown: shown) },
                importEnded: { if shown { FileHandle.standardError.write(Data("\n".utf8)) } })
            configuration.epcisJSON = format == "epcis-json"
            if let ledger, case .postgres(let postgres) = try LedgerAddress(ledger) {
                configuration.postgres = postgres
            }
            let result = try await IngestBenchmark.run(configuration) { line in if !json { print(line) } }
            if json { printJSON(result) }
        }
    }
}
