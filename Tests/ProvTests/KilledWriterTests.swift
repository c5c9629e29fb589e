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
        func run(_ arguments: String...) throws -> ProvRunner.Result {
            try prov.succeed(arguments, environment: environment)
        }
        try prov.farmLedger(environment: environment)
        try prov.writeHarvests("big.csv", rows: Self.rows, prefix: "K")
        let before = try JSONParser.parse(try run("verify", "--json").stdout)

        let writer = Process()
        writer.executableURL = ProvRunner.executable
        writer.arguments = ["ingest", "big.csv", "--key", "farm.pem", "--progress"]
        writer.currentDirectoryURL = prov.directory
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment.removeValue(forKey: "PROV_LEDGER")
        processEnvironment.merge(environment) { _, new in new }
        writer.environment = processEnvironment
        writer.standardOutput = FileHandle.nullDevice
        let progress = Pipe()
        writer.standardError = progress
        try writer.run()
        // Killed as soon as it says it has read 10,000 records: it is inside its block's transaction.
        var said = ""
        while !said.contains("10000 records") {
            let data = progress.fileHandleForReading.availableData
            if data.isEmpty { break }
            said += String(decoding: data, as: UTF8.self)
        }
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal, "the import ended before it was killed")

        let after = try JSONParser.parse(try run("verify", "--json").stdout)
        #expect(after["valid"] == .bool(true))
        #expect(after["tree_size"] == before["tree_size"] && after["root"] == before["root"])

        _ = try run("ingest", "big.csv", "--key", "farm.pem")
        let completed = try JSONParser.parse(try run("verify", "--json").stdout)
        #expect(completed["valid"] == .bool(true))
        #expect(completed["tree_size"]?.integerValue == (before["tree_size"]?.integerValue ?? 0) + Self.rows)
    }
}
