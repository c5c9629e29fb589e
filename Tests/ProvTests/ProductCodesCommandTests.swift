import Foundation
import LedgerCore
import Testing

/// `prov products import` with `same_as`: a party's internal code for another party's product (docs/identity.md,
/// "Internal codes").
@Suite struct ProductCodesCommandTests {
    @Test func aMillsArticleNumberIsTheFarmsProductInHistory() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        try #require(try prov.run("init").status == 0)
        for (id, role) in [("farm-gh", "producer"), ("mill-nl", "processor")] {
            try #require(try prov.run("keys", "generate", "--out", "\(id).pem").status == 0)
            try #require(
                try prov.run(
                    "participants", "add", "--id", id, "--name", id, "--role", role, "--public-key", "\(id).pem"
                ).status == 0)
            let facilities = demo.appendingPathComponent("\(id)-facilities.csv").path
            try #require(try prov.run("facilities", "import", facilities, "--key", "\(id).pem").status == 0)
        }
        try "product_id,name,gtins\ncocoa-beans,Cocoa beans,4012345000016\n".write(
            toFile: prov.path("farm-products.csv"), atomically: true, encoding: .utf8)
        try #require(try prov.run("products", "import", "farm-products.csv", "--key", "farm-gh.pem").status == 0)
        // The mill's ERP calls the beans M-100; a code that lists GTINs is refused at its row.
        try "product_id,name,gtins,same_as\nM-100,Rohkakao,4012345000016,cocoa-beans\n".write(
            toFile: prov.path("bad-codes.csv"), atomically: true, encoding: .utf8)
        let refused = try prov.run("products", "import", "bad-codes.csv", "--key", "mill-nl.pem")
        #expect(
            refused.status != 0 && refused.stderr.contains("internal code 'M-100' lists GTINs"), "\(refused.stderr)")
        try "product_id,name,gtins,same_as\nM-100,Rohkakao,,cocoa-beans\n".write(
            toFile: prov.path("mill-codes.csv"), atomically: true, encoding: .utf8)
        let imported = try prov.run("products", "import", "mill-codes.csv", "--key", "mill-nl.pem")
        #expect(imported.status == 0, "\(imported.stderr)")

        try """
        record_id,event,occurred_at,product,lot,quantity,unit,facility,shipment_id,destination
        P-1,produce,2026-04-02T07:30:00Z,cocoa-beans,LOT-P-1,900,kg,FARM-GH-01,,
        S-1,ship,2026-04-03T07:30:00Z,cocoa-beans,LOT-P-1,900,kg,FARM-GH-01,SH-1,MILL-NL-01

        """.write(toFile: prov.path("farm.csv"), atomically: true, encoding: .utf8)
        try """
        record_id,event,occurred_at,product,lot,quantity,unit,facility,shipment_id,origin
        R-1,receive,2026-04-09T07:30:00Z,M-100,LOT-P-1,900,kg,MILL-NL-01,SH-1,FARM-GH-01

        """.write(toFile: prov.path("mill.csv"), atomically: true, encoding: .utf8)
        #expect(try prov.run("ingest", "farm.csv", "--key", "farm-gh.pem").status == 0)
        #expect(try prov.run("ingest", "mill.csv", "--key", "mill-nl.pem").status == 0)

        let byCode = try prov.run("history", "cocoa-beans").stdout
        #expect(byCode.contains("product=M-100 (cocoa-beans)"), "\(byCode)")
        let byArticle = try JSONParser.parse(try prov.run("history", "M-100", "--json").stdout)
        let beans = try JSONParser.parse(try prov.run("history", "cocoa-beans", "--json").stdout)
        #expect(byArticle["total"] == .integer(3) && byArticle["events"] == beans["events"])
        #expect(try prov.run("verify").status == 0)
    }
}
