import Hummingbird
import Synchronization

/// The methods each route path answers, filled as routes are registered, so that a request to a known path with a
/// method it does not take is answered 405 Method Not Allowed with an `Allow` header (RFC 9110 §15.5.6), not 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(path: RouterPath, methods: Set<HTTPRequest.Method>)]>([])

    func add(_ path: RouterPath, _ method: HTTPRequest.Method) {
        routes.withLock { routes in
            if let known = routes.firstIndex(where: { $0.path == path }) {
                routes[known].methods.insert(method)
            } else {
                routes.append((path, [method]))
            }
        }
    }

    /// The methods the routes matching `path` take (with HEAD wherever GET is, as the router answers it), or `nil`
    /// when no route has this path.
    func methods(for path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = routes.withLock { routes in
            routes.filter { route in
                route.path.components.count == segments.count
                    && zip(route.path.components, segments).allSatisfy { component, segment in component ~= segment }
            }
        }
        guard !matching.isEmpty else { return nil }
        var methods = matching.reduce(into: Set<HTTPRequest.Method>()) { $0.formUnion($1.methods) }
        if methods.contains(.get) { methods.insert(.head) }
        return methods
    }
}

/// A router that records every route it adds in a ``RouteTable``.
struct RecordingRouter<Context: RequestContext>: RouterMethods {
    let router: Router<Context>
    let table: RouteTable

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        table.add(path, method)
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}

/// Answers 405 with the `Allow` header for a request whose path a route has but whose method none of them takes.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let methods = table.methods(for: request.uri.path), !methods.contains(request.method) {
            let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
            throw APIError(
                .methodNotAllowed, code: "method_not_allowed",
                "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allow)",
                headers: [.allow: allow])
        }
        return try await next(request, context)
    }
}
