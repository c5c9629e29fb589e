import Foundation
import LedgerCore
import Testing

/// Runs the built `prov` executable in a scratch folder, as a user would.
struct ProvRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prov-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The `prov` binary beside the test bundle in the build folder.
    static var executable: URL {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleFolder, bundleFolder.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("prov")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/prov")
    }

    /// Path of the repository's SampleData folder.
    static var sampleData: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("SampleData")
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func run(_ arguments: String...) throws -> Result {
        try run(arguments)
    }

    /// Runs `prov` with `arguments`; `environment` adds to (or overrides) the test's own variables.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        try start(arguments, environment: extra).wait()
    }

    /// A `prov` process started and not yet waited for.
    struct Running {
        let process: Process
        let out: Pipe
        let err: Pipe

        /// Waits for the process to exit and returns what it wrote. (Its output must fit the pipes' buffers until
        /// then, as a summary does.)
        func wait() -> Result {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }

        /// Reads what the process writes to standard error until it has written `text` (or closed it), and returns
        /// what it read: to act at a point a `--progress` line marks.
        func readErrors(until text: String) -> String {
            var said = ""
            while !said.contains(text) {
                let data = err.fileHandleForReading.availableData
                if data.isEmpty { break }
                said += String(decoding: data, as: UTF8.self)
            }
            return said
        }
    }

    /// Starts `prov` with `arguments` as ``run(_:environment:)`` runs it, without waiting for it.
    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["SOURCE_DATE_EPOCH"] = "1830297600"
        environment.removeValue(forKey: "PROV_LEDGER")
        environment.removeValue(forKey: "PROV_OPERATOR_KEY")
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let running = Running(process: process, out: Pipe(), err: Pipe())
        process.standardOutput = running.out
        process.standardError = running.err
        try process.run()
        return running
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs `prov` with `arguments` and `environment` and requires it to succeed.
    @discardableResult
    func succeed(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let result = try run(arguments, environment: environment)
        try #require(result.status == 0, "prov \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// A new ledger (at the address and operator key of `environment`) with one producer, `farm-gh`, whose key is
    /// `farm.pem` in the scratch folder, and the demo farm's facilities.
    func farmLedger(environment: [String: String] = [:]) throws {
        let demo = Self.sampleData.appendingPathComponent("demo")
        try succeed(["init"], environment: environment)
        try succeed(
            ["keys", "generate", "--out", "farm.pem", "--public-out", "farm.pub.pem"], environment: environment)
        try succeed(
            [
                "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key",
                "farm.pub.pem",
            ], environment: environment)
        try succeed(
            ["facilities", "import", demo.appendingPathComponent("farm-gh-facilities.csv").path, "--key", "farm.pem"],
            environment: environment)
    }

    /// Checks that the ledger is still as `before` (`prov verify --json` then: valid, the same tree size and root),
    /// then that importing `file` with `farm.pem` again completes it, `rows` events more: what a writer stopped in the
    /// middle of its block must leave.
    func expectWholeBlocksThenImportCompletes(
        before: JSONValue, file: String, rows: Int, environment: [String: String] = [:]
    ) throws {
        let after = try JSONParser.parse(try succeed(["verify", "--json"], environment: environment).stdout)
        #expect(after["valid"] == .bool(true))
        #expect(after["tree_size"] == before["tree_size"] && after["root"] == before["root"])

        try succeed(["ingest", file, "--key", "farm.pem"], environment: environment)
        let completed = try JSONParser.parse(try succeed(["verify", "--json"], environment: environment).stdout)
        #expect(completed["valid"] == .bool(true))
        #expect(completed["tree_size"]?.integerValue == (before["tree_size"]?.integerValue ?? 0) + rows)
    }

    /// Writes `name`: a shipment CSV of `rows` produce records at the demo farm, record IDs and lots named by
    /// `prefix`.
    func writeHarvests(_ name: String, rows: Int, prefix: String) throws {
        var csv = "record_id,event,occurred_at,product,lot,quantity,unit,facility\n"
        for row in 0..<rows {
            csv +=
                "\(prefix)-\(row),produce,2026-04-02T07:30:00Z,cocoa-beans,LOT-\(prefix)-\(row),\(100 + row % 50),kg,"
            csv += "FARM-GH-01\n"
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path(name)))
    }
}
