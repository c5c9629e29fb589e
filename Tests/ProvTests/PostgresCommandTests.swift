import Foundation
import LedgerCore
import TestSupport
import Testing

/// The `prov` binary on a PostgreSQL ledger: the same commands as on a file, the ledger named by its URL in
/// `$PROV_LEDGER` and the operator key by `--operator-key`.
@Suite(.enabled(if: TestPostgres.shouldRun, Comment(rawValue: TestPostgres.absence)))
struct PostgresCommandTests {
    @Test func theTourWorksOnAPostgreSQLLedger() throws {
        let url = try TestPostgres.newDatabase()
        defer { TestPostgres.dropDatabase(url) }
        let prov = try ProvRunner()
        defer { prov.remove() }
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        let ledger = ["PROV_LEDGER": url]
        func run(_ arguments: String...) throws -> ProvRunner.Result {
            try prov.run(arguments, environment: ledger)
        }

        // A server that does not answer, or a database that is not there, is said at once, with the server's reason.
        let refused = try prov.run("verify", "--ledger", "postgres://prov@127.0.0.1:1/ledger?sslmode=disable")
        #expect(refused.status == 7 && refused.stderr.contains("cannot connect to"), "\(refused.stderr)")
        let missing = try prov.run(
            "verify", "--ledger", url.replacingOccurrences(of: "/prov_test_", with: "/prov_missing_"))
        #expect(missing.status == 7 && missing.stderr.contains("does not exist"), "\(missing.stderr)")

        // A database has no folder for the operator key: init says how to name one, and writes nothing.
        let unnamed = try run("init")
        #expect(unnamed.status != 0 && unnamed.stderr.contains("--operator-key"), "\(unnamed.stderr)")
        let created = try run("init", "--operator-key", "operator.pem")
        try #require(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: prov.path("operator.pub.pem")))
        let again = try run("init", "--operator-key", "operator.pem")
        #expect(again.status == 5 && again.stderr.contains("already holds a ledger"), "\(again.stderr)")

        _ = try run("keys", "generate", "--out", "farm.pem", "--public-out", "farm.pub.pem")
        let added = try run(
            "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key",
            "farm.pub.pem", "--operator-key", "operator.pem")
        #expect(added.status == 0, "\(added.stderr)")
        let withoutKey = try run(
            "participants", "add", "--id", "mill-nl", "--name", "Mill", "--role", "processor", "--public-key",
            "farm.pub.pem")
        #expect(withoutKey.status != 0 && withoutKey.stderr.contains("--operator-key"), "\(withoutKey.stderr)")

        let facilities = try run(
            "facilities", "import", demo.appendingPathComponent("farm-gh-facilities.csv").path, "--key", "farm.pem",
            "--operator-key", "operator.pem")
        #expect(facilities.status == 0, "\(facilities.stderr)")
        let harvest = demo.appendingPathComponent("farm-harvest.json").path
        let appended = try run("append", harvest, "--key", "farm.pem", "--operator-key", "operator.pem")
        #expect(appended.status == 0, "\(appended.stderr)")
        let reimport = try run("append", harvest, "--key", "farm.pem", "--operator-key", "operator.pem")
        #expect(reimport.stdout.contains("already in the ledger"), "\(reimport.stdout)")

        let history = try run("history", "LOT-GH-001", "--json")
        try #require(history.status == 0, "\(history.stderr)")
        let events = try #require(try JSONParser.parse(history.stdout)["events"]?.arrayValue)
        #expect(events.compactMap { $0["record_id"]?.stringValue }.prefix(2) == ["GH-H-0001", "GH-S-0001"])
        let shipID = try #require(events[1]["id"]?.stringValue)
        #expect(try run("proof", shipID, "--out", "ship.proof").status == 0)
        let offline = try prov.run("verify-proof", "ship.proof", "--operator-key", "operator.pub.pem")
        #expect(offline.status == 0 && offline.stdout.contains("VERIFIED"), "\(offline.stderr)")

        let verified = try run("verify", "--json")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(try JSONParser.parse(verified.stdout)["valid"] == .bool(true))

        // The ledger copied to a file gives the same checkpoint, and a copy never lands on a ledger.
        let copied = try run("migrate", "--from", url, "--to", "copy.sqlite", "--json")
        try #require(copied.status == 0, "\(copied.stderr)")
        #expect(try JSONParser.parse(copied.stdout)["verified"] == .bool(true))
        #expect(try prov.run("checkpoint", "--ledger", "copy.sqlite").stdout == run("checkpoint").stdout)
        let onto = try run("migrate", "--from", "copy.sqlite", "--to", url)
        #expect(onto.status == 5 && onto.stderr.contains("already holds a ledger"), "\(onto.stderr)")
    }
}
