import Foundation
import LedgerCore
import TestSupport
import Testing

/// `kill -9` of `prov ingest` in the middle of its block (once it reports 10,000 of its 30,000 records read, inside
/// the block's transaction), on a ledger file and on PostgreSQL: the ledger is as it was (whole blocks only),
/// `prov verify` passes, and running the import again completes it.
@Suite struct KilledWriterTests {
    static let rows = 30_000

    @Test(arguments: StoreBackend.tested) func aWriterKilledMidBlockLeavesWholeBlocks(backend: StoreBackend)
        async throws
    {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let databaseURL = backend == .postgres ? try TestPostgres.newDatabase() : nil
        defer { if let databaseURL { TestPostgres.dropDatabase(databaseURL) } }
        var environment = ["PROV_OPERATOR_KEY": prov.path("operator.pem")]
        if let databaseURL { environment["PROV_LEDGER"] = databaseURL }
        try prov.farmLedger(environment: environment)
        try prov.writeHarvests("big.csv", rows: Self.rows, prefix: "K")
        let before = try JSONParser.parse(try prov.succeed(["verify", "--json"], environment: environment).stdout)

        let writer = try prov.start(["ingest", "big.csv", "--key", "farm.pem", "--progress"], environment: environment)
        // Killed as soon as it says it has read 10,000 records: it is inside its block's transaction.
        _ = writer.readErrors(until: "10000 records")
        kill(writer.process.processIdentifier, SIGKILL)
        writer.process.waitUntilExit()
        #expect(writer.process.terminationReason == .uncaughtSignal, "the import ended before it was killed")

        try prov.expectWholeBlocksThenImportCompletes(
            before: before, file: "big.csv", rows: Self.rows, environment: environment)
    }
}
