import Foundation

/// The stores the library tests run against.
///
/// SQLite always. PostgreSQL on the server `$PROV_TEST_POSTGRES` names (a URL whose user may create databases;
/// the test command, `scripts/test.sh`, starts one and sets it); without the variable PostgreSQL is left out, except
/// under CI (`CI=true`), where its tests run and fail with ``TestPostgres/absence``.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// The backends this run tests.
    public static let tested: [StoreBackend] = TestPostgres.shouldRun ? allCases : [.sqlite]

    public var description: String { rawValue }
}

/// A PostgreSQL server for tests: each test gets a database of its own, made with `psql` and dropped after.
public enum TestPostgres {
    /// The environment variable naming the server.
    public static let variable = "PROV_TEST_POSTGRES"

    /// The server's URL, if one is named.
    public static let server = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether PostgreSQL tests run: a server is named, or this is CI.
    public static let shouldRun = server != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    /// Why PostgreSQL tests cannot run.
    public static let absence =
        "\(variable) names no PostgreSQL server; scripts/test.sh starts one (scripts/postgres-server.sh) and sets it"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The environment variable naming a streaming replica of the server.
    public static let replicaVariable = "PROV_TEST_POSTGRES_REPLICA"

    /// The replica's URL, if one is named.
    public static let replica = ProcessInfo.processInfo.environment[replicaVariable].flatMap { $0.isEmpty ? nil : $0 }

    /// Why replica tests cannot run.
    public static let replicaAbsence =
        "\(replicaVariable) names no replica of the PostgreSQL test server; scripts/test.sh starts one and sets it"

    /// The URL of the database `url` names (on the server) on the replica.
    public static func onReplica(_ url: String) throws -> String {
        guard let replica, let replicaComponents = URLComponents(string: replica) else {
            throw Failure(description: replicaAbsence)
        }
        guard var components = URLComponents(string: url) else { throw Failure(description: "\(url) is not a URL") }
        components.host = replicaComponents.host
        components.port = replicaComponents.port
        guard let result = components.string else { throw Failure(description: "\(url) is not a URL") }
        return result
    }

    /// Creates an empty database on the server and returns its URL.
    public static func newDatabase() throws -> String {
        guard let server else { throw Failure(description: absence) }
        let name = "prov_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(server, "CREATE DATABASE \(name)")
        guard var components = URLComponents(string: server) else {
            throw Failure(description: "\(variable) is not a URL")
        }
        components.path = "/" + name
        guard let url = components.string else { throw Failure(description: "\(variable) is not a URL") }
        return url
    }

    /// Drops the database `url` names, closing its connections.
    public static func dropDatabase(_ url: String) {
        guard let server, let name = URLComponents(string: url)?.path.dropFirst(), !name.isEmpty else { return }
        try? psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement with `psql`.
    public static func psql(_ url: String, _ statement: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", statement]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "psql \(statement): \(String(decoding: message, as: UTF8.self))")
        }
    }
}
