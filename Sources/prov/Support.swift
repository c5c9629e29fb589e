import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance

/// The `--ledger` and `--operator-key` options every command shares.
struct LedgerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The ledger: a SQLite file's path, or a PostgreSQL database as postgres://USER[:PASSWORD]@HOST:PORT/DB (with ?sslmode= and a socket folder as ?host=); $PROV_LEDGER if set.",
            valueName: "ADDRESS"))
    var ledger: String = ProcessInfo.processInfo.environment["PROV_LEDGER"] ?? "ledger.sqlite"

    @Option(
        name: .customLong("operator-key"),
        help: ArgumentHelp(
            "The operator's private key (PEM), which appending needs. Default: $PROV_OPERATOR_KEY, else LEDGER.operator.pem beside a ledger file; a PostgreSQL ledger needs it named.",
            valueName: "PEM"))
    var operatorKeyOption: String?

    /// The parsed ledger address.
    var address: LedgerAddress {
        get throws(LedgerError) { try LedgerAddress(ledger) }
    }

    /// The operator key's file: `--operator-key`, `$PROV_OPERATOR_KEY`, or the one beside a ledger file; nil for a
    /// database address without either.
    var operatorKeyPath: String? {
        operatorKeyOption ?? ProcessInfo.processInfo.environment["PROV_OPERATOR_KEY"] ?? besideLedgerKeyPath
    }

    /// The operator key's place beside a ledger file (`ledger.sqlite` → `ledger.operator.pem`); nil for a database.
    var besideLedgerKeyPath: String? {
        guard case .sqlite(let path)? = try? address else { return nil }
        let nameStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        if let dot = path[nameStart...].lastIndex(of: "."), dot > nameStart {
            return String(path[..<dot]) + ".operator.pem"
        }
        return path + ".operator.pem"
    }

    /// The operator key's file, or an error that says how to name it.
    func requireOperatorKeyPath() throws(LedgerError) -> String {
        guard let operatorKeyPath else {
            throw LedgerError(
                .invalidState,
                "a ledger in a database has no folder to keep its operator key in: name the key with --operator-key PEM or $PROV_OPERATOR_KEY"
            )
        }
        return operatorKeyPath
    }

    /// Opens the ledger for reading; `mappedReads` as ``StoreOptions/mappedReads`` says.
    func openForReading(mappedReads: Int = 0) async throws(LedgerError) -> Ledger {
        let address = try address
        return try await Self.hinting {
            () async throws(LedgerError) in
            try await Ledger.open(at: address, options: StoreOptions(mappedReads: mappedReads))
        }
    }

    /// Opens the ledger with the operator key, for appending.
    func openForAppending(mappedReads: Int = 0) async throws(LedgerError) -> Ledger {
        let address = try address
        let key = try readPrivateKey(try requireOperatorKeyPath(), what: "operator key")
        return try await Self.hinting { () async throws(LedgerError) in
            try await Ledger.open(
                at: address, options: StoreOptions(mappedReads: mappedReads), operatorKey: key,
                clock: .fromEnvironment(ProcessInfo.processInfo.environment))
        }
    }

    /// Runs `body`, adding to a missing ledger's error how to make one or name another.
    private static func hinting(_ body: () async throws(LedgerError) -> Ledger) async throws(LedgerError) -> Ledger {
        do {
            return try await body()
        } catch  where error.code == .notFound {
            throw LedgerError(
                error.code, error.reason + "; create one with 'prov init' or name another with --ledger",
                context: error.context)
        }
    }
}

/// Reads a PEM private key file.
func readPrivateKey(_ path: String, what: String = "key") throws(LedgerError) -> Ed25519.PrivateKey {
    let text = try readText(path, what: what)
    do {
        return try Ed25519.PrivateKey(pem: text)
    } catch {
        throw LedgerError(.invalidRecord, "\(path): not an Ed25519 private key in PEM (\(error.reason))")
    }
}

/// Reads a PEM public key file, or the public half of a private key file.
func readPublicKey(_ path: String) throws(LedgerError) -> Ed25519.PublicKey {
    let text = try readText(path, what: "public key")
    do {
        return try Ed25519.publicKey(fromPEM: text)
    } catch {
        throw LedgerError(.invalidRecord, "\(path): not an Ed25519 key in PEM (\(error.reason))")
    }
}

func readText(_ path: String, what: String) throws(LedgerError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw LedgerError(.io, "cannot read the \(what) file \(path)")
    }
    return String(decoding: data, as: UTF8.self)
}

func readBytes(_ path: String, what: String) throws(LedgerError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw LedgerError(.io, "cannot read the \(what) file \(path)")
    }
    return Array(data)
}

/// Writes `bytes` to a new file, refusing to overwrite; `secret` files get mode 0600.
func writeNewFile(_ path: String, _ bytes: [UInt8], secret: Bool = false) throws(LedgerError) {
    guard !FileManager.default.fileExists(atPath: path) else {
        throw LedgerError(.alreadyExists, "\(path) already exists; refusing to overwrite it")
    }
    let attributes: [FileAttributeKey: Any]? = secret ? [.posixPermissions: 0o600] : nil
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: attributes) else {
        throw LedgerError(.io, "cannot write \(path)")
    }
}

/// Writes `bytes` to `path`, replacing it atomically.
func writeFile(_ path: String, _ bytes: [UInt8]) throws(LedgerError) {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw LedgerError(.io, "cannot write \(path): \(error.localizedDescription)")
    }
}

/// Runs a command body, printing a ledger error as `error: …` and exiting with its status.
func reporting(_ body: () async throws(LedgerError) -> Void) async throws {
    do throws(LedgerError) {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(exitStatus(for: error.code))
    }
}

func exitStatus(for code: LedgerError.Code) -> Int32 {
    switch code {
    case .tampered, .invalidProof: 1
    case .notFound: 3
    case .invalidRecord: 4
    case .conflict, .alreadyExists, .headMoved: 5
    case .unknownSigner, .revokedSigner, .badSignature, .notAuthorized: 6
    case .io, .storage: 7
    default: 1
    }
}

func printJSON(_ value: JSONValue) {
    print(value.prettyPrinted())
}

/// Whether standard error is a terminal (progress lines go there only then).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

/// A one-line human summary of an event's fields.
/// The event's visible fields as `name=value` pairs in a fixed order, each value followed by what `note` says of it
/// (in parentheses), then the withheld fields' names.
func fieldSummary(_ event: SignedEvent, note: (_ field: String, _ value: String) -> String? = { _, _ in nil }) -> String
{
    let fields = event.visibleFields
    let order = [
        "product", "lot", "quantity", "unit", "facility", "destination", "origin", "shipment_id", "input_lots",
        "input_quantities", "unit_price", "currency", "carrier", "certificate", "plots", "dds_reference",
        "dds_verification", "participant", "role", "action", "name",
    ]
    var parts = [String]()
    for name in order {
        guard let value = fields[name] else { continue }
        switch value {
        case .string(let text): parts.append("\(name)=\(text)" + (note(name, text).map { " (\($0))" } ?? ""))
        case .array(let items): parts.append("\(name)=\(items.compactMap(\.stringValue).joined(separator: ";"))")
        default: parts.append("\(name)=\(value.prettyPrinted())")
        }
    }
    for name in event.withheldFields { parts.append("\(name)=<withheld>") }
    return parts.joined(separator: " ")
}

/// Refuses a `--from` or `--to` that is no ISO 8601 time with its offset.
func validateTimeRange(from: String?, to: String?) throws {
    for (name, text) in [("--from", from), ("--to", to)] {
        guard let text else { continue }
        do {
            _ = try Timestamp(iso8601: text)
        } catch {
            throw ValidationError("\(name) is an ISO 8601 time with its offset (2026-05-01T00:00:00Z), not '\(text)'")
        }
    }
}
