public import Hummingbird
import LedgerCore
public import Logging
public import Provenance

/// Where and how `prov serve` listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Read replicas of the ledger (streaming replicas of a PostgreSQL primary) that serve its public reads.
public struct ReadReplicas: Sendable {
    public let ledgers: [Ledger]
    /// How many events a replica may lag behind the primary before `/readyz` reports the server not ready.
    public let maximumLag: Int

    public init(_ ledgers: [Ledger], maximumLag: Int = 10_000) {
        self.ledgers = ledgers
        self.maximumLag = maximumLag
    }

    public static let none = ReadReplicas([])
}

/// The HTTP service over a ledger: the JSON API (`Schemas/openapi.json`) with request logs.
public enum ProvenanceServer {
    /// The router with every route; tests drive it in-process.
    public static func makeRouter(
        ledger: Ledger, replicas: ReadReplicas = .none, signingKeys: SigningKeys = .none, metrics: ServerMetrics? = nil,
        clock: @escaping @Sendable () -> Int64 = unixNow
    ) throws -> Router<ProvenanceRequestContext> {
        // HEAD answers as GET without the body (RFC 9110 §9.3.2), for health checks and link checkers.
        let router = Router(context: ProvenanceRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: LogRequestsMiddleware(.info))
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        try LedgerAPI(ledger: ledger, replicas: replicas, signingKeys: signingKeys, metrics: metrics, clock: clock)
            .register(on: router)
        return router
    }

    /// The application: run it with `runService()`, which stops gracefully on SIGINT and SIGTERM.
    public static func makeApplication(
        ledger: Ledger, replicas: ReadReplicas = .none, signingKeys: SigningKeys = .none, metrics: ServerMetrics? = nil,
        configuration: ServerConfiguration, logger: Logger
    ) throws -> some ApplicationProtocol {
        Application(
            router: try makeRouter(ledger: ledger, replicas: replicas, signingKeys: signingKeys, metrics: metrics),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "prov"),
            logger: logger)
    }

    /// Brings the ledger's query index up to date for the EPCIS query interface, logging a failure: what a server
    /// does as it starts, so that its first queries do not wait for the events appended before it ran.
    public static func prepareQueries(ledger: Ledger, logger: Logger) async {
        do {
            try await ledger.updateQueryIndex(view: LedgerAPI.epcisView)
        } catch {
            logger.warning("the query index could not be brought up to date", metadata: ["error": "\(error)"])
        }
    }

    /// Seconds since 1970, now.
    @Sendable public static func unixNow() -> Int64 {
        LedgerClock.system().epochSeconds
    }
}
