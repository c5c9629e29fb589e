public import Hummingbird
public import LedgerCore

/// An error the API returns: an HTTP status, a stable machine-readable code and a message for
/// people, as `{"error": {"code": …, "message": …}}`.
///
/// Ledger errors keep their own codes (`not_found`, `conflict`, `invalid_record`, …); the API adds
/// `bad_request`, `unauthenticated`, `forbidden`, `method_not_allowed`, `unsupported_media_type`, `payload_too_large`
/// and `internal`. Codes are listed in `Schemas/openapi.json`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Headers the answer carries besides the body's (`Allow` on a 405).
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// A ledger error, with the status its code implies and its place in the message.
    public init(_ error: LedgerError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .invalidRecord, .invalidProof: .badRequest
            case .conflict, .alreadyExists, .invalidState, .headMoved: .conflict
            case .unknownSigner, .revokedSigner, .badSignature, .notAuthorized: .forbidden
            default: .internalServerError
            }
        self.init(status, code: error.code.description, error.description)
    }

    /// The answer under `/epcis/`, as GS1's EPCIS REST binding gives errors: an RFC 7807 problem
    /// (`application/problem+json`) whose type is the EPCIS exception, with the message as `detail` and the API's
    /// code beside it.
    func problemResponse(method: HTTPRequest.Method) -> Response {
        let exception =
            switch status.code {
            case 400: method == .get ? "QueryParameterException" : "ValidationException"
            case 401, 403: "SecurityException"
            case 404: "NoSuchResourceException"
            case 413: "CaptureLimitExceededException"
            case 500...: "ImplementationException"
            default: "ValidationException"
            }
        let problem: JSONValue = [
            "type": .string("epcisException:" + exception), "title": .string(status.reasonPhrase),
            "status": .integer(Int(status.code)), "detail": .string(message), "code": .string(code),
        ]
        var response = Response.json(problem, status: status)
        response.headers[.contentType] = "application/problem+json"
        return response
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "bad_request", message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response =
            request.uri.path.hasPrefix("/epcis/")
            ? problemResponse(method: request.method)
            : Response.json(["error": ["code": .string(code), "message": .string(message)]], status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// Turns every error a route throws into an ``APIError`` response, logging the unexpected ones.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as LedgerError {
            let mapped = APIError(error)
            if mapped.status == .internalServerError {
                context.logger.error("ledger error", metadata: ["error": "\(error)"])
            }
            return try mapped.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .contentTooLarge: "payload_too_large"
                case .methodNotAllowed: "method_not_allowed"
                default: "bad_request"
                }
            let message = error.status == .notFound ? "no such resource: \(request.uri.path)" : "\(error.status)"
            return try APIError(error.status, code: code, message).response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return try APIError(.internalServerError, code: "internal", "the server failed; its log has the details")
                .response(from: request, context: context)
        }
    }
}
