import Foundation
import LedgerCore
import TestSupport
import Testing

/// Four `prov ingest` processes started at once on one ledger, a file and PostgreSQL: every file lands whole in a
/// block of its own, the heights follow one another, no event is lost or repeated, and `prov verify` passes.
@Suite struct ConcurrentProcessesTests {
    static let writers = 4
    static let rows = 1_500

    @Test(arguments: StoreBackend.tested) func fourProcessesIngestAtOnce(backend: StoreBackend) async throws {
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
        for writer in 0..<Self.writers {
            try prov.writeHarvests("writer-\(writer).csv", rows: Self.rows, prefix: "W\(writer)")
        }
        let before = try JSONParser.parse(try run("verify", "--json").stdout)
        let blocksBefore = try #require(before["blocks"]?.integerValue)

        // All started before any is waited for.
        let processes = try (0..<Self.writers).map { writer in
            try prov.start(
                ["ingest", "writer-\(writer).csv", "--key", "farm.pem", "--json"], environment: environment)
        }
        var heights = [Int]()
        for (writer, process) in processes.enumerated() {
            let result = process.wait()
            try #require(result.status == 0, "writer \(writer): \(result.stderr)")
            let summary = try JSONParser.parse(result.stdout)
            #expect(summary["accepted"]?.integerValue == Self.rows, "writer \(writer): \(result.stdout)")
            heights.append(try #require(summary["block"]?.integerValue, "writer \(writer): \(result.stdout)"))
        }
        // Each file is one block; the four are the next four heights, in whatever order the writers got the head.
        #expect(heights.sorted() == Array(blocksBefore..<blocksBefore + Self.writers))

        let after = try JSONParser.parse(try run("verify", "--json").stdout)
        #expect(after["valid"] == .bool(true))
        #expect(after["blocks"]?.integerValue == blocksBefore + Self.writers)
        #expect(
            after["tree_size"]?.integerValue
                == (before["tree_size"]?.integerValue ?? 0) + Self.writers * Self.rows)
    }
}
