import LedgerCore
import Testing

@testable import Pipeline

/// Locations inside a site (docks, lines, store rooms) are measured at the site: docs/identity.md.
@Suite struct IdentityTests {
    /// FACTORY makes lot C1 and ships it from DOCK, which `dockParent` names as its site (or no site).
    static func madeAtSiteShippedFromDock(dockParent: String?, dockParty: String = "factory") -> ChainFixture {
        var chain = ChainFixture()
        chain.facility("FACTORY", country: "DE", kind: "factory", capacity: 5_000, unit: "kg", party: "factory")
        chain.facility("DOCK", country: "DE", kind: "warehouse", party: dockParty, parent: dockParent)
        chain.produce("P1", at: "2026-05-01T08:00:00Z", facility: "FACTORY", lot: "C1", quantity: 2_200)
        chain.ship(
            "S1", at: "2026-05-04T07:30:00+02:00", from: "DOCK", to: "SHOP", lot: "C1", quantity: 2_200,
            shipment: "SH-1")
        return chain
    }

    @Test func aLotMadeAtASiteAndShippedFromItsDockBalances() throws {
        let site = Self.madeAtSiteShippedFromDock(dockParent: "FACTORY")
        #expect(site.findings(of: .massBalance).isEmpty)
        let links = site.links()
        #expect(links.events[1].facility == "FACTORY")
        #expect(links.events[1].recordedFacility == "DOCK")
        // A flag lists the event where it was recorded.
        #expect(links.events[1].flagRecord.facility == "DOCK")
        // Without the hierarchy the dock ships a lot that never came in.
        let detached = Self.madeAtSiteShippedFromDock(dockParent: nil).findings(of: .massBalance)
        let finding = try #require(detached.first)
        #expect(finding.detail.hasPrefix("lot C1 was never produced or received at DOCK"))
        // Another party's warehouse is no location of the factory, whatever it names as its parent.
        let foreign = Self.madeAtSiteShippedFromDock(dockParent: "FACTORY", dockParty: "carrier")
        #expect(foreign.findings(of: .massBalance).count == 1)
    }

    @Test func outputOfASitesLocationsCountsAgainstTheSitesCapacity() throws {
        var chain = ChainFixture()
        chain.facility("FACTORY", country: "DE", kind: "factory", capacity: 1_000, unit: "kg", party: "factory")
        for line in ["LINE-1", "LINE-2"] {
            chain.facility(
                line, country: "DE", kind: "factory", capacity: 900, unit: "kg", party: "factory", parent: "FACTORY")
        }
        chain.produce("P1", at: "2026-05-01T08:00:00Z", facility: "LINE-1", lot: "A", quantity: 600)
        chain.produce("P2", at: "2026-05-01T09:00:00Z", facility: "LINE-2", lot: "B", quantity: 600)
        let findings = chain.findings(of: .overCapacity)
        let finding = try #require(findings.first)
        #expect(findings.map(\.subject) == [.facilityDay("FACTORY", ChainFixture.day("2026-05-01"))])
        #expect(finding.detail.hasPrefix("FACTORY put out 1,200 kg on 2026-05-01, 120 % of its capacity"))
    }

    @Test func aSitesChainEndsAtItsTopAndSurvivesACycle() {
        var chain = ChainFixture()
        for (id, parent) in [("SITE", nil), ("HALL", "SITE"), ("BAY", "HALL"), ("A", "B"), ("B", "A")] {
            chain.facility(id, kind: "warehouse", party: "p", parent: parent)
        }
        let identity = Identity(facilities: chain.facilities)
        #expect(identity.site(of: "BAY") == "SITE")
        #expect(identity.site(of: "HALL") == "SITE")
        #expect(identity.site(of: "SITE") == "SITE")
        #expect(identity.site(of: "UNKNOWN") == "UNKNOWN")
        // A cycle (which admission refuses) stops where it would repeat.
        #expect(identity.site(of: "A") == "B")
    }

    @Test func anSGLNWithAnExtensionIsALocationOfItsSiteOfTheSameParty() {
        var chain = ChainFixture()
        for (id, party) in [
            ("urn:epc:id:sgln:4012345.00020.0", "factory"), ("urn:epc:id:sgln:4012345.00020.1", "factory"),
            ("urn:epc:id:sgln:4012345.00020.7", "carrier"), ("urn:epc:id:sgln:4012345.00030.1", "factory"),
        ] {
            chain.facility(id, kind: "warehouse", party: party)
        }
        let identity = Identity(facilities: chain.facilities)
        #expect(identity.site(of: "urn:epc:id:sgln:4012345.00020.1") == "urn:epc:id:sgln:4012345.00020.0")
        // Another party's location, and a location whose site is not registered, stand alone.
        #expect(identity.site(of: "urn:epc:id:sgln:4012345.00020.7") == "urn:epc:id:sgln:4012345.00020.7")
        #expect(identity.site(of: "urn:epc:id:sgln:4012345.00030.1") == "urn:epc:id:sgln:4012345.00030.1")
    }
}

extension IdentityTests {
    @Test func anEventNamingAProductByItsGTINIsMeasuredUnderTheProductsCode() {
        var chain = ChainFixture()
        chain.produce("P1", at: "2026-05-01T08:00:00Z", facility: "FACTORY", lot: "C1", quantity: 2_200)
        chain.ship(
            "S1", at: "2026-05-04T08:00:00Z", from: "FACTORY", to: "SHOP", lot: "C1", quantity: 2_200,
            shipment: "SH-1", product: "04012345123456")
        let beans: [String: JSONValue] = ["product": "cocoa-beans", "name": "Cocoa beans", "gtins": ["04012345123456"]]
        let products = ProductCatalog([(fields: beans, party: "factory")])
        let links = LinkSet(
            events: chain.events, facilities: chain.facilities, products: products, unreceivedAfterHours: 720)
        #expect(links.events[1].product == "cocoa-beans")
        #expect(links.events[1].recordedProduct == "04012345123456")
        #expect(links.events[0].recordedProduct == nil)
    }
}
