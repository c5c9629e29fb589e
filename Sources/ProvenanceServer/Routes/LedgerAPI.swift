public import Hummingbird
import LedgerCore
public import Provenance
import Synchronization

/// The JSON API over one ledger (`Schemas/openapi.json`): public reads, participant login, batches,
/// and the compliance officers' flags, reviews and reports.
public struct LedgerAPI: Sendable {
    /// The ledger this API reads: the primary, or a read replica in the copy ``reading(_:)`` passes.
    private(set) var ledger: Ledger
    /// The primary, which every write and every read that needs the newest rows goes to.
    let primary: Ledger
    let replicas: ReadReplicas
    /// Turns among the replicas.
    let replicaTurns = Turns()
    let tokens: TokenAuthority
    let challenges: ChallengeBook
    let productTotals: ProductTotals
    /// Keys of the participants whose raw batches the server signs.
    let signingKeys: SigningKeys
    /// Unix seconds now; tests move it.
    let clock: @Sendable () -> Int64
    /// The EPCIS capture jobs this server ran.
    let captureJobs = CaptureJobs()

    /// The process's metrics, served at `/metrics` when the server has them.
    let metrics: ServerMetrics?

    public init(
        ledger: Ledger, replicas: ReadReplicas = .none, signingKeys: SigningKeys = .none, metrics: ServerMetrics? = nil,
        clock: @escaping @Sendable () -> Int64
    ) throws {
        self.ledger = ledger
        primary = ledger
        self.replicas = replicas
        self.metrics = metrics
        self.signingKeys = signingKeys
        self.tokens = try TokenAuthority(secret: ledger.sharedSecret(for: "login tokens"))
        self.challenges = try ChallengeBook(
            origin: ledger.metadata.origin, secret: ledger.sharedSecret(for: "login challenges"))
        self.productTotals = ProductTotals(ledger: ledger)
        self.clock = clock
    }

    /// Adds the API's middleware and routes to `router`.
    public func register(on router: Router<ProvenanceRequestContext>) {
        let table = RouteTable()
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(table: table))
        router.add(middleware: AuthMiddleware(ledger: ledger, tokens: tokens, clock: clock))
        let router = RecordingRouter(router: router, table: table)
        registerReads(on: router)
        registerAuth(on: router)
        registerBatches(on: router)
        registerCompliance(on: router)
        registerWeb(on: router)
        registerEPCISCapture(on: router)
        registerEPCISQuery(on: router)
    }

    static let sensitiveFields = Set(EventSchema.sensitiveFieldNames)

    /// Runs the public read `body` on a read replica, in turn, when the server has any, and again on the primary when
    /// the replica does not find what it asks for (a row it has not replayed yet, such as the proof of an event
    /// appended a moment ago, or a checkpoint newer than its own) or cannot be reached.
    /// Each ledger's master data is read once for the whole answer (``Ledger/withMasterDataReadOnce(_:)``).
    func reading(_ body: (LedgerAPI) async throws -> Response) async throws -> Response {
        try await Ledger.withMasterDataReadOnce { try await readingOnAnyCopy(body) }
    }

    private func readingOnAnyCopy(_ body: (LedgerAPI) async throws -> Response) async throws -> Response {
        guard !replicas.ledgers.isEmpty else { return try await body(self) }
        let turn = replicaTurns.next()
        var onReplica = self
        onReplica.ledger = replicas.ledgers[turn % replicas.ledgers.count]
        do {
            return try await body(onReplica)
        } catch let error as LedgerError where [.notFound, .invalidState, .storage].contains(error.code) {
            return try await body(self)
        }
    }

    /// The participants whose events flag `id` concerns; none for a flag no anchored report holds.
    private func flagParties(_ id: String) async throws(LedgerError) -> [String] {
        do {
            return try await ledger.flag(id: id).flag.parties
        } catch  where error.code == .notFound {
            return []
        }
    }

    /// `event` as the caller may see it: every field for compliance officers, auditors and the
    /// event's own parties (its signer, and the participant owning the facility it names as
    /// destination or origin; for a review, the parties of the flag it decides); the sensitive fields
    /// withheld for everyone else. `known` is the facility directory when the caller already holds it.
    func visible(
        _ event: SignedEvent, to context: ProvenanceRequestContext,
        facilities known: [String: [String: JSONValue]]? = nil
    ) async throws(LedgerError) -> SignedEvent {
        if context.readsEverything { return event }
        if let caller = context.caller {
            if caller.id == event.header.signer { return event }
            if event.header.kind == .review, let flag = event.disclosures["flag"]?.value.stringValue,
                try await flagParties(flag).contains(caller.id)
            {
                return event
            }
            let counterparties = ["destination", "origin"].compactMap { event.disclosures[$0]?.value.stringValue }
            if !counterparties.isEmpty {
                let directory: [String: [String: JSONValue]]
                if let known { directory = known } else { directory = try await ledger.currentFacilityFields() }
                if counterparties.contains(where: {
                    $0 == caller.id || directory[$0]?["party"]?.stringValue == caller.id
                }) {
                    return event
                }
            }
        }
        return event.withholding(Self.sensitiveFields)
    }
}

/// A counter of turns, shared by the copies of the API that ``LedgerAPI/reading(_:)`` makes.
final class Turns: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int {
        count.add(1, ordering: .relaxed).oldValue
    }
}
