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
            let result = try prov.run(arguments, environment: environment)
            try #require(result.status == 0, "prov \(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        _ = try run("init")
        _ = try run("keys", "generate", "--out", "farm.pem", "--public-out", "farm.pub.pem")
        _ = try run(
            "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key",
            "farm.pub.pem")
        _ = try run(
            "facilities", "import", demo.appendingPathComponent("farm-gh-facilities.csv").path, "--key", "farm.pem")
        for writer in 0..<Self.writers {
            var csv = "record_id,event,occurred_at,product,lot,quantity,unit,facility\n"
            for row in 0..<Self.rows {
                csv += "W\(writer)-\(row),produce,2026-04-02T07:30:00Z,cocoa-beans,LOT-W\(writer)-\(row),"
                csv += "\(100 + row % 50),kg,FARM-GH-01\n"
            }
            try Data(csv.utf8).write(to: URL(fileURLWithPath: prov.path("writer-\(writer).csv")))
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
