import ArgumentParser
import Foundation
import Hummingbird
import LedgerCore
import LedgerStorage
import Logging
import Provenance
import ProvenanceServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the ledger over HTTP: the JSON API for producers, consumers and compliance officers.",
        discussion: """
            The API is described by Schemas/openapi.json. Reads are public, with unit prices, quantities and \
            counterparties withheld unless the caller is a party to the event, a compliance officer or an auditor.

            Participants log in with their Ed25519 key:
              1. POST /v1/auth/challenge {"participant": ID}
              2. sign the challenge text with the participant's key
              3. POST /v1/auth/token {"participant", "challenge", "signature"}
              4. send "Authorization: Bearer TOKEN" (valid 15 minutes)

            Writes (POST /v1/batches of events the producer signed, \
            reviews signed by an officer) need the operator key (beside a ledger file, or --operator-key), which seals \
            each block; without it the server serves reads only. GET /healthz answers while it runs; GET /readyz \
            answers 200 while the ledger's database answers and every read replica is within --max-replica-lag \
            events of it, 503 otherwise. GET /metrics gives Prometheus's text format: requests by route, method and \
            status with latency histograms, the ledger's events and blocks, and each replica's lag. SIGINT or \
            SIGTERM stops the server after the requests in flight.

            On a PostgreSQL ledger any number of servers may run at once, on one machine or many, and a write may \
            reach any of them: each block locks the ledger's head row, and a block planned on a head another server \
            moved is planned again on the new one. --read-replica sends the public reads (checkpoint, consistency, \
            events, proofs, product and lot histories) to streaming replicas of the database, in turn, with a \
            connection pool apart from the writes'; a read the replica cannot answer yet (an event it has not \
            replayed, such as the proof asked for right after an append) goes to the primary. EPCIS queries read \
            the primary, whose query index they bring up to date.

            --signing-keys DIR lets producers post a CSV, shipment XML or EPCIS file (text/csv, application/xml) \
            instead of signed events: the server reads it as 'prov ingest' does and signs it with the key in DIR of \
            the participant the token names. Each *.pem in DIR must be a registered participant's private key. This \
            makes the server able to sign as those participants: use it only for those who chose to leave their key \
            with the operator.

            The GS1 EPCIS 2.0 REST interface is under /epcis/ (docs/epcis.md, "REST interface"). POST \
            /epcis/capture takes an EPCIS document (JSON-LD or XML) from a participant whose key the server holds, \
            answers 202 at once and appends it as 'prov ingest' would; GET /epcis/capture/ID follows the job. GET \
            /epcis/events answers the simple event query's parameters (eventType, GE_eventTime, LT_eventTime, \
            EQ_bizStep, EQ_bizLocation, MATCH_epc, MATCH_epcClass and more) a page at a time, for any reader, with \
            the same fields withheld as on /v1. Queries read the ledger's query index, which the server brings up \
            to date as it starts and before each query; on a large ledger that was never served, the first catch-up \
            reads every event once.
            """)

    @OptionGroup var options: LedgerOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The TCP port to listen on.") var port = 8080
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(
        help: ArgumentHelp(
            "Sign raw batches (CSV, XML, EPCIS) with the participants' private keys in this folder (*.pem).",
            valueName: "DIR"))
    var signingKeys: String?
    @Option(
        name: .customLong("read-replica"),
        help: ArgumentHelp(
            "A streaming replica of the PostgreSQL ledger (postgres://…) to serve public reads from; repeat for several.",
            valueName: "ADDRESS"))
    var readReplicas: [String] = []
    @Option(help: "Events a read replica may lag behind before /readyz reports the server not ready.")
    var maxReplicaLag = 10_000

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        var logger = Logger(label: "prov.serve")
        logger.logLevel = level
        let ledger = try await openLedger()
        var keys = SigningKeys.none
        if let signingKeys {
            try await reporting { () async throws(LedgerError) in
                keys = try await SigningKeys.load(directory: signingKeys, ledger: ledger)
            }
            let names = keys.isEmpty ? "nobody (no *.pem in \(signingKeys))" : keys.participants.joined(separator: ", ")
            FileHandle.standardError.write(Data("note: raw batches are signed for \(names)\n".utf8))
        }
        var replicas = [Ledger]()
        try await reporting { () async throws(LedgerError) in
            for address in readReplicas {
                let replica = try await Ledger.open(at: try LedgerAddress(address))
                guard replica.metadata == ledger.metadata else {
                    throw LedgerError(
                        .invalidState, "the read replica \(address) holds another ledger than \(options.ledger)")
                }
                replicas.append(replica)
            }
        }
        let application = try ProvenanceServer.makeApplication(
            ledger: ledger, replicas: ReadReplicas(replicas, maximumLag: maxReplicaLag), signingKeys: keys,
            metrics: ServerMetrics.bootstrap(), configuration: ServerConfiguration(host: host, port: port),
            logger: logger)
        let indexing = Task { await ProvenanceServer.prepareQueries(ledger: ledger, logger: logger) }
        defer { indexing.cancel() }
        try await application.runService()
    }

    /// Bytes of the ledger file the server's readers map into memory (SQLite's mmap_size).
    static let mappedReads = 1 << 40

    /// Opens the ledger for appending when the operator key is beside it, for reading otherwise.
    private func openLedger() async throws -> Ledger {
        var opened: Ledger?
        try await reporting { () async throws(LedgerError) in
            if let path = options.operatorKeyPath, FileManager.default.fileExists(atPath: path) {
                opened = try await options.openForAppending(mappedReads: Self.mappedReads)
            } else {
                let missing = options.operatorKeyPath.map { "no operator key at \($0)" } ?? "no operator key named"
                FileHandle.standardError.write(Data("note: \(missing); serving reads only\n".utf8))
                opened = try await options.openForReading(mappedReads: Self.mappedReads)
            }
        }
        guard let opened else { throw ExitCode(1) }
        return opened
    }
}
