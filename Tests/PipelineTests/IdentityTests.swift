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
        #expect(site.findings(of: .unrecordedTransfer).isEmpty)
        // Another party's warehouse is no location of the factory, whatever it names as its parent.
        let foreign = Self.madeAtSiteShippedFromDock(dockParent: "FACTORY", dockParty: "carrier")
        let finding = try #require(foreign.findings(of: .massBalance).first)
        #expect(finding.detail.hasPrefix("lot C1 was never produced or received at DOCK"))
        #expect(foreign.findings(of: .unrecordedTransfer).isEmpty)
    }

    @Test func aLotThatTurnsUpAtAnotherSiteOfItsPartyMovedUnrecorded() throws {
        // The dock names no site: it is a second site of the factory's party, and the lot moved there unrecorded.
        let chain = Self.madeAtSiteShippedFromDock(dockParent: nil)
        #expect(chain.findings(of: .massBalance).isEmpty)
        let findings = chain.findings(of: .unrecordedTransfer)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.subject == .shipment(0))
        #expect(
            finding.detail.hasPrefix(
                "lot C1 moved from FACTORY to DOCK, both sites of factory, with no ship or receive recorded: 2,200 kg"))
        // The finding rests on the production at the first site too.
        #expect(finding.evidence == [0])
        #expect(RuleName.unrecordedTransfer.severity == .low)
        let balances = chain.links().lotBalances
        #expect(balances[FacilityLot(facility: "DOCK", lot: "C1")]?.inflow == 2_200)
        #expect(balances[FacilityLot(facility: "FACTORY", lot: "C1")]?.outflow == 2_200)
    }

    @Test func anUnrecordedMoveCarriesNoMoreThanTheFirstSiteHad() throws {
        var chain = Self.madeAtSiteShippedFromDock(dockParent: nil)
        chain.ship(
            "S2", at: "2026-05-05T07:30:00+02:00", from: "DOCK", to: "SHOP", lot: "C1", quantity: 900,
            shipment: "SH-2")
        // 3,100 kg shipped from the dock, 2,200 kg made at the factory: the move explains 2,200 kg, not the rest.
        #expect(chain.findings(of: .unrecordedTransfer).count == 1)
        let failing = try #require(chain.findings(of: .massBalance).first)
        #expect(
            failing.detail.hasPrefix("lot C1 at DOCK: 3,100 kg shipped out, but only 2,200 kg produced or received"))
    }

    @Test func aLotShippedBeforeItWasMadeElsewhereDidNotMove() throws {
        var chain = ChainFixture()
        chain.facility("FACTORY", country: "DE", kind: "factory", capacity: 5_000, unit: "kg", party: "factory")
        chain.facility("DEPOT", country: "DE", kind: "warehouse", party: "factory")
        chain.ship(
            "S1", at: "2026-04-20T07:30:00Z", from: "DEPOT", to: "SHOP", lot: "C1", quantity: 500, shipment: "SH-1")
        chain.produce("P1", at: "2026-05-01T08:00:00Z", facility: "FACTORY", lot: "C1", quantity: 2_200)
        #expect(chain.findings(of: .unrecordedTransfer).isEmpty)
        #expect(chain.findings(of: .massBalance).count == 1)
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
        // A flag names the product by its code, and each record by the name it was recorded under.
        #expect(links.events[1].flagRecord.recordedProduct == "04012345123456")
        #expect(links.events[0].flagRecord.recordedProduct == nil)
        let record = links.events[1].flagRecord
        #expect(record.jsonValue["recorded_product"] == "04012345123456")
        #expect(links.events[0].flagRecord.jsonValue["recorded_product"] == nil)
    }

    /// A party's internal code names the product in that party's events only: another party's `ART-7` is its own.
    @Test func aPartysInternalCodeIsMeasuredUnderTheProductsCodeInItsOwnEvents() {
        var chain = ChainFixture()
        chain.ship(
            "S1", at: "2026-05-04T08:00:00Z", from: "FACTORY", to: "SHOP", lot: "C1", quantity: 2_200,
            shipment: "SH-1", product: "ART-7")
        chain.ship(
            "S2", at: "2026-05-05T08:00:00Z", from: "MILL", to: "SHOP", lot: "C2", quantity: 1_000, shipment: "SH-2",
            product: "ART-7")
        let beans: [String: JSONValue] = ["product": "cocoa-beans", "name": "Cocoa beans"]
        let code: [String: JSONValue] = ["product": "ART-7", "name": "Article 7", "same_as": "cocoa-beans"]
        let products = ProductCatalog([(fields: beans, party: "farm"), (fields: code, party: "factory")])
        let links = LinkSet(
            events: chain.events, facilities: chain.facilities, products: products, unreceivedAfterHours: 720)
        #expect(links.events[0].product == "cocoa-beans" && links.events[0].recordedProduct == "ART-7")
        #expect(links.events[1].product == "ART-7" && links.events[1].recordedProduct == nil)
    }
}
