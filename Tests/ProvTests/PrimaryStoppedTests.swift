import Foundation
import LedgerCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server stopped at once (`pg_ctl -m immediate`, as a crash would) while `prov ingest` is inside its
/// block's transaction: the import ends with an error that says the database went away, the server recovers with the
/// ledger as it was before the import (whole blocks only), `prov verify` passes, and running the import again
/// completes it. The server is one of the test's own, on a port of its own, since it is stopped.
@Suite(.enabled(if: TestPostgres.shouldRun, Comment(rawValue: TestPostgres.absence)))
struct PrimaryStoppedTests {
    static let rows = 30_000

    @Test func anImportWhoseServerStopsWritesNothingAndSaysSo() async throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let server = try Server(directory: prov.path("postgres"))
        defer { server.stop() }
        let environment = ["PROV_OPERATOR_KEY": prov.path("operator.pem"), "PROV_LEDGER": server.url]
        try prov.farmLedger(environment: environment)
        try prov.writeHarvests("big.csv", rows: Self.rows, prefix: "S")
        let before = try JSONParser.parse(try prov.succeed(["verify", "--json"], environment: environment).stdout)

        let writer = try prov.start(["ingest", "big.csv", "--key", "farm.pem", "--progress"], environment: environment)
        // Stopped as soon as the import says it has read 10,000 records: it is inside its block's transaction.
        let said = writer.readErrors(until: "10000 records")
        try server.crash()
        // The import must end by itself; it is killed (and the test fails) if it waits for the server past a minute.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            kill(writer.process.processIdentifier, SIGKILL)
        }
        let result = writer.wait()
        watchdog.cancel()
        let stderr = said + result.stderr
        #expect(writer.process.terminationReason == .exit, "the import did not end by itself: \(stderr)")
        #expect(result.status != 0, "the import succeeded although its server stopped")
        let error = stderr.split(separator: "\n").last { $0.hasPrefix("error:") }.map(String.init) ?? ""
        #expect(!error.isEmpty, "no error line: \(stderr)")
        #expect(error.localizedCaseInsensitiveContains("postgres") || error.contains("connection"), "\(error)")

        try server.restart()
        try prov.expectWholeBlocksThenImportCompletes(
            before: before, file: "big.csv", rows: Self.rows, environment: environment)
    }

    /// A throwaway PostgreSQL server of the test's own (`scripts/postgres-server.sh`).
    struct Server {
        let directory: String
        let port: Int
        let url: String

        init(directory: String) throws {
            self.directory = directory
            port = try Self.freePort()
            // The script prints the server's URL last.
            url = try Self.script("start", directory, String(port)).split(separator: "\n").last.map(String.init) ?? ""
        }

        func crash() throws { _ = try Self.script("crash", directory) }
        func restart() throws { _ = try Self.script("restart", directory, String(port)) }
        func stop() { _ = try? Self.script("stop", directory) }

        /// Runs the script with `arguments` and returns what it printed. (It is spawned and waited for with
        /// `posix_spawn` and `waitpid`: the server it starts lives on, and Foundation's `Process` would wait for that
        /// too, through a descriptor the server inherits.)
        static func script(_ arguments: String...) throws -> String {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("prov-script-\(UUID()).out").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            let command = ["/bin/bash", root.appendingPathComponent("scripts/postgres-server.sh").path] + arguments
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            var pid = pid_t()
            let arguments = command.map { strdup($0) } + [nil]
            defer { for argument in arguments { free(argument) } }
            let spawned = posix_spawn(&pid, command[0], &actions, nil, arguments, environ)
            try #require(spawned == 0, "cannot run postgres-server.sh: error \(spawned)")
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            try #require(status == 0, "postgres-server.sh \(command.dropFirst(2).joined(separator: " ")): \(printed)")
            return printed
        }

        /// A TCP port on 127.0.0.1 that nothing listens on now: the one the system gives a socket bound to port 0.
        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(socket >= 0, "no socket")
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
                }
            }
            try #require(bound, "cannot bind a socket to 127.0.0.1")
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }
}
