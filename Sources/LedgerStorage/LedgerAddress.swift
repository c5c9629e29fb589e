public import LedgerCore
internal import Foundation

/// Where a ledger is kept: a SQLite database file, or a PostgreSQL database named by a URL.
///
/// Text that starts with `postgres://` or `postgresql://` is a PostgreSQL address; anything else is the path of a
/// SQLite file.
public enum LedgerAddress: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    public init(_ text: String) throws(LedgerError) {
        if let postgres = try PostgresAddress(url: text) {
            self = .postgres(postgres)
        } else if text.isEmpty {
            throw LedgerError(.invalidRecord, "the ledger address is empty: give a file path or a postgres:// URL")
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The address as a user wrote it, with any password left out, for messages and logs.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let address): address.description
        }
    }
}

/// A PostgreSQL database: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE&host=SOCKET-DIRECTORY]`,
/// with libpq's meanings.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode` says.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS if the server offers it, without checking its certificate (libpq's `allow` and `prefer`, the default).
        case prefer
        /// TLS always, without checking the server's certificate.
        case require
        /// TLS always, with the server's certificate checked against the system's roots and its host name
        /// (libpq's `verify-ca` and `verify-full`).
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tlsMode: TLSMode
    /// The folder of the server's unix-domain socket (the `host=` query parameter), used instead of TCP.
    public var socketDirectory: String?

    public init(
        user: String, password: String? = nil, host: String = "localhost", port: Int = 5432, database: String,
        tlsMode: TLSMode = .prefer, socketDirectory: String? = nil
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tlsMode = tlsMode
        self.socketDirectory = socketDirectory
    }

    /// The unix-domain socket's path, libpq's `DIRECTORY/.s.PGSQL.PORT`, when the address names a socket folder.
    public var socketPath: String? {
        socketDirectory.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/.s.PGSQL.\(port)" }
    }

    /// Parses a `postgres://` or `postgresql://` URL; nil for text with neither scheme.
    public init?(url text: String) throws(LedgerError) {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") else { return nil }
        func invalid(_ reason: String) -> LedgerError {
            LedgerError(.invalidRecord, "the PostgreSQL address \(Self.redacted(text)) \(reason)")
        }
        guard let components = URLComponents(string: text) else { throw invalid("is not a URL") }
        guard let user = components.user, !user.isEmpty else {
            throw invalid("names no user: write postgres://USER[:PASSWORD]@HOST:PORT/DATABASE")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else {
            throw invalid("names no database: write postgres://USER[:PASSWORD]@HOST:PORT/DATABASE")
        }
        var tlsMode = TLSMode.prefer
        var socketDirectory: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": tlsMode = .disable
                case "allow", "prefer": tlsMode = .prefer
                case "require": tlsMode = .require
                case "verify-ca", "verify-full": tlsMode = .verifyFull
                default:
                    throw invalid(
                        "has sslmode '\(item.value ?? "")': use disable, allow, prefer, require, verify-ca or verify-full"
                    )
                }
            case "host":
                guard let value = item.value, value.hasPrefix("/") else {
                    throw invalid("has a host parameter that is not the absolute path of a socket folder")
                }
                socketDirectory = value
            default:
                throw invalid("has the parameter '\(item.name)', which is not supported: use sslmode or host")
            }
        }
        let host = components.host.map { $0.hasPrefix("[") ? String($0.dropFirst().dropLast()) : $0 } ?? ""
        guard !host.isEmpty || socketDirectory != nil else {
            throw invalid("names no host: write postgres://USER@HOST:PORT/DATABASE or ?host=/SOCKET/FOLDER")
        }
        self.init(
            user: user, password: components.password, host: host.isEmpty ? "localhost" : host,
            port: components.port ?? 5432, database: database, tlsMode: tlsMode, socketDirectory: socketDirectory)
    }

    public var description: String {
        var text = "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        var parameters = [String]()
        if tlsMode != .prefer { parameters.append("sslmode=\(tlsMode.rawValue)") }
        if let socketDirectory { parameters.append("host=\(socketDirectory)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// `text` with the password of a URL's user replaced by `***`, for messages about an address that did not parse.
    private static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].lastIndex(of: "@"),
            let colon = text[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return "'\(text)'" }
        return "'" + text[..<text.index(after: colon)] + "***" + text[at...] + "'"
    }
}
