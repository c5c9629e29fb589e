import Foundation
import GRDB
import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import Testing

/// The pages and the server-side check they fall back on; the browser itself is driven by
/// `scripts/browser-test.py`.
@Suite struct WebTests {
    @Test func pagesCarryTheOperatorKeyAndAStrictPolicy() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let page = try await client.call(.get, "/p/LOT-GH-101")
            OpenAPIContract.expect(page, 200, "GET", "/p/{id}")
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(
                html.contains(
                    "data-operator-key=\"\(Base64.encode(demo.ledger.metadata.operatorKey.rawRepresentation))\""))
            #expect(html.contains("<script type=\"module\" src=\"/assets/product.js\">"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)

            let dashboard = try await client.call(.get, "/dashboard")
            OpenAPIContract.expect(dashboard, 200, "GET", "/dashboard")
            #expect(String(decoding: dashboard.body, as: UTF8.self).contains("id=\"key-file\""))

            for asset in ["verify.js", "common.js", "product.js", "world.js", "dashboard.js", "style.css"] {
                OpenAPIContract.expect(try await client.call(.get, "/assets/\(asset)"), 200, "GET", "/assets/{name}")
            }
            // The coastlines the product page's map draws, bundled: the page needs no other network.
            let world = String(decoding: try await client.call(.get, "/assets/world.js").body, as: UTF8.self)
            #expect(world.hasPrefix("export const coastlines = `") && world.count > 20_000)
            OpenAPIContract.expect(
                try await client.call(.get, "/assets/../ledger.sqlite"), 404, "GET", "/assets/{name}")
        }
    }

    @Test func theServerSideCheckFailsOnAnAlteredSignature() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        let history = try await demo.ledger.history(of: "LOT-GH-101", as: .lot)
        let event = try #require(history.entries.first).event
        try await demo.withServer { client in
            let good = try await client.call(.get, "/v1/events/\(event.id.hex)/verification")
            OpenAPIContract.expect(good, 200, "GET", "/v1/events/{id}/verification")
            #expect(try good.json["verified"] == .bool(true))

            let database = try DatabaseQueue(path: demo.folder.appendingPathComponent("ledger.sqlite").path)
            try await database.write { db in
                var signature = event.signature
                signature[0] ^= 1
                try db.execute(
                    sql: "UPDATE events SET signature = ? WHERE id = ?",
                    arguments: [Data(signature), Data(event.id.bytes)])
            }
            let bad = try await client.call(.get, "/v1/events/\(event.id.hex)/verification")
            OpenAPIContract.expect(bad, 200, "GET", "/v1/events/{id}/verification")
            #expect(try bad.json["verified"] == .bool(false))
            #expect(try bad.json["reason"]?.stringValue?.contains("signature") == true)
        }
    }
}
