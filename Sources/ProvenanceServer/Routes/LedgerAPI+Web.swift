import Hummingbird
import LedgerCore
import Provenance

/// The web pages and their assets.
extension LedgerAPI {
    private static let assets: [String: (contentType: String, body: String)] = [
        "verify.js": ("text/javascript; charset=utf-8", VerifyScript.source),
        "common.js": ("text/javascript; charset=utf-8", CommonScript.source),
        "product.js": ("text/javascript; charset=utf-8", ProductScript.source),
        "world.js": ("text/javascript; charset=utf-8", WorldOutline.source),
        "dashboard.js": ("text/javascript; charset=utf-8", DashboardScript.source),
        "style.css": ("text/css; charset=utf-8", Pages.stylesheet),
    ]

    func registerWeb(on router: RecordingRouter<ProvenanceRequestContext>) {
        let operatorKey = Base64.encode(ledger.metadata.operatorKey.rawRepresentation)
        let product = Array(Pages.product(origin: ledger.metadata.origin, operatorKey: operatorKey).utf8)
        let dashboard = Array(Pages.dashboard(origin: ledger.metadata.origin, operatorKey: operatorKey).utf8)
        router.get("/p/:id") { _, _ in Self.page(product) }
        router.get("/dashboard") { _, _ in Self.page(dashboard) }
        router.get("/assets/:name") { _, context in
            guard let asset = Self.assets[try context.pathParameter("name")] else {
                throw APIError(.notFound, code: "not_found", "no such asset")
            }
            var response = Response.bytesResponse(Array(asset.body.utf8), contentType: asset.contentType)
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
    }

    private static func page(_ bytes: [UInt8]) -> Response {
        var response = Response.bytesResponse(bytes, contentType: "text/html; charset=utf-8")
        response.headers[.contentSecurityPolicy] = Pages.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
