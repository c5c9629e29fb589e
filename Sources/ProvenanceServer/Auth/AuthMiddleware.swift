import Hummingbird
import LedgerCore
import Provenance

/// Reads `Authorization: Bearer <token>` and puts the participant it names in the context, after
/// checking that the participant is still registered and not revoked. A request without the header
/// goes on as public; one with a bad, expired or revoked token is refused with 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ProvenanceRequestContext

    let ledger: Ledger
    let tokens: TokenAuthority
    let clock: @Sendable () -> Int64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.hasPrefix("Bearer "),
            let id = tokens.participant(in: String(header.dropFirst("Bearer ".count)), now: clock())
        else {
            throw APIError(.unauthorized, code: "unauthenticated", "the token is malformed or expired; log in again")
        }
        guard let participant = try await ledger.participants().first(where: { $0.id == id }), participant.isActive
        else {
            throw APIError(.unauthorized, code: "unauthenticated", "participant \(id) is no longer registered")
        }
        var context = context
        context.caller = participant
        return try await next(request, context)
    }
}
