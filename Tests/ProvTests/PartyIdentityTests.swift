import Foundation
import LedgerCore
import Testing

/// Participants' GLNs (docs/identity.md, "Parties"): listed at registration or with `prov participants identify`,
/// refused when another participant lists them, and resolved where an event names a party instead of a facility.
@Suite struct PartyIdentityTests {
    @Test func aPartysGLNNamesTheParticipantInHistory() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        try #require(try prov.run("init").status == 0)
        for name in ["farm", "mill"] {
            try #require(try prov.run("keys", "generate", "--out", "\(name).pem").status == 0)
        }
        // The PGLN is kept as its GLN-13 (check digit 9).
        let farm = try prov.run(
            "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key",
            "farm.pem", "--gln", "urn:epc:id:pgln:4012345.00000")
        #expect(farm.status == 0, "\(farm.stderr)")
        // Another participant cannot claim it, in any of its forms; a GLN whose check digit fails is refused.
        let claimed = try prov.run(
            "participants", "add", "--id", "mill-nl", "--name", "Mill", "--role", "processor", "--public-key",
            "mill.pem", "--gln", "https://id.gs1.org/417/4012345000009")
        #expect(claimed.status != 0)
        #expect(
            claimed.stderr.contains(
                "GLN 4012345000009 already names participant 'farm-gh' (Farm); participant 'mill-nl' cannot claim it too"
            ),
            "\(claimed.stderr)")
        let malformed = try prov.run(
            "participants", "add", "--id", "mill-nl", "--name", "Mill", "--role", "processor", "--public-key",
            "mill.pem", "--gln", "4012345000008")
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("field glns: '4012345000008' is not a party's GLN"), "\(malformed.stderr)")
        try #require(
            try prov.run(
                "participants", "add", "--id", "mill-nl", "--name", "Mill", "--role", "processor", "--public-key",
                "mill.pem"
            ).status == 0)
        let identified = try prov.run("participants", "identify", "mill-nl", "--gln", "urn:epc:id:pgln:4098765.00000")
        #expect(identified.status == 0, "\(identified.stderr)")
        #expect(identified.stdout.contains("mill-nl lists 4098765000003"), "\(identified.stdout)")
        let listed = try JSONParser.parse(try prov.run("participants", "list", "--json").stdout)
        #expect(listed.arrayValue?.first { $0["id"] == "mill-nl" }?["glns"] == .array(["4098765000003"]))

        // The farm ships to the mill's party GLN, as an EPCIS owning_party destination names it.
        let facilities = demo.appendingPathComponent("farm-gh-facilities.csv").path
        try #require(try prov.run("facilities", "import", facilities, "--key", "farm.pem").status == 0)
        try """
        record_id,event,occurred_at,product,lot,quantity,unit,facility,shipment_id,destination
        P-1,produce,2026-04-02T07:30:00Z,cocoa-beans,LOT-P-1,900,kg,FARM-GH-01,,
        S-1,ship,2026-04-03T07:30:00Z,cocoa-beans,LOT-P-1,900,kg,FARM-GH-01,SH-1,urn:epc:id:pgln:4098765.00000

        """.write(toFile: prov.path("ship.csv"), atomically: true, encoding: .utf8)
        let shipped = try prov.run("ingest", "ship.csv", "--key", "farm.pem")
        #expect(shipped.status == 0, "\(shipped.stderr)")
        let history = try prov.run("history", "LOT-P-1").stdout
        #expect(history.contains("destination=urn:epc:id:pgln:4098765.00000 (participant mill-nl)"), "\(history)")

        // Without --gln the mill's GLNs are cleared: the destination is outside the ledger again.
        #expect(try prov.run("participants", "identify", "mill-nl").stdout.contains("mill-nl lists no GLN"))
        #expect(try prov.run("history", "LOT-P-1").stdout.contains("(outside the ledger)"))
        #expect(try prov.run("verify").status == 0)
    }
}
