import Foundation
public import Hummingbird
public import LedgerCore

/// What a request carries through the middleware to the routes: Hummingbird's core storage and
/// the participant the request authenticated as, if any.
public struct ProvenanceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The participant whose token the request carried; `nil` for a public request.
    public var caller: Participant?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.caller = nil
    }

    /// Batches may be large: 64 MiB.
    public var maxUploadSize: Int { 64 << 20 }

    /// The path parameter `name`, percent-decoded (`/v1/lots/LOT%2031` names the lot `LOT 31`); `bad_request` when it
    /// holds what no stored ID can (``AdmissibleText``).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("the path parameter \(name) is not valid percent-encoded UTF-8")
        }
        // A NUL or another control character would cut or alter the ID in a lookup: refuse, never trim.
        if let problem = AdmissibleText.problem(in: decoded, maximumBytes: AdmissibleText.maximumIDBytes) {
            throw APIError.badRequest("the path parameter \(name) \(problem)")
        }
        return decoded
    }

    /// The caller, or `unauthenticated`.
    func requireCaller() throws(APIError) -> Participant {
        guard let caller else {
            throw APIError(
                .unauthorized, code: "unauthenticated",
                "this needs a participant's token: POST /v1/auth/challenge, sign it, POST /v1/auth/token")
        }
        return caller
    }

    /// The caller, if it has one of `roles`; `forbidden` otherwise.
    func requireRole(_ roles: Set<ParticipantRole>, for action: String) throws(APIError) -> Participant {
        let caller = try requireCaller()
        guard roles.contains(caller.role) else {
            let names = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw APIError(
                .forbidden, code: "forbidden",
                "\(action) needs the \(names) role; participant \(caller.id) is \(caller.role.rawValue)")
        }
        return caller
    }

    /// Whether the caller may read every field of every event: compliance officers and auditors.
    var readsEverything: Bool {
        caller.map { [.compliance, .auditor].contains($0.role) } ?? false
    }
}
