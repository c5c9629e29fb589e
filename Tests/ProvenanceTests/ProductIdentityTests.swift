import LedgerCore
import Provenance
import Testing

/// A product named by its code in one partner's records and by its GTIN in another's has one history, and its GTINs
/// are its own: docs/identity.md.
@Suite struct ProductIdentityTests {
    static func product(_ id: String, gtins: String?, version: Int = 1) throws -> EventContent {
        var fields: [String: JSONValue] = ["product": .string(id), "name": .string(id)]
        if let gtins { fields["gtins"] = .string(gtins) }
        return try EventContent(
            kind: .product, recordID: "product/\(id)/\(version)", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
            fields: fields)
    }

    @Test(arguments: AdmissionTests.Door.allCases) func aGTINNamesOneProductOfOneParty(
        door: AdmissionTests.Door
    ) async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(
            [try Self.product("cocoa-mass", gtins: "4012345000016")], signedWith: fixture.millKey)
        // The farm claims the mill's GTIN for its own product, or re-registers the mill's product.
        try await AdmissionTests.expectRefused(
            [try Self.product("cocoa-beans", gtins: "04012345000016")], through: door, fixture: fixture,
            containing: "GTIN 04012345000016 already names product 'cocoa-mass' (cocoa-mass); product 'cocoa-beans'")
        try await AdmissionTests.expectRefused(
            [try Self.product("cocoa-mass", gtins: nil, version: 2)], through: door, fixture: fixture,
            containing: "product 'cocoa-mass' is registered to 'mill'")
        // Two products of one batch may not share a GTIN either.
        try await AdmissionTests.expectRefused(
            [try Self.product("beans-a", gtins: "96385074"), try Self.product("beans-b", gtins: "00000096385074")],
            through: door, fixture: fixture, containing: "GTIN 00000096385074 already names product 'beans-a'")
        #expect(await fixture.ledger.verify().isValid)
    }

    /// A party registers its own code for a product another party registered; what an internal code may not be.
    @Test(arguments: AdmissionTests.Door.allCases) func anInternalCodeNamesARegisteredProductAndNothingElse(
        door: AdmissionTests.Door
    ) async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(
            [try Self.product("cocoa-mass", gtins: "4012345000016")], signedWith: fixture.millKey)
        func code(_ id: String, of product: String, gtins: String? = nil) throws -> EventContent {
            var fields: [String: JSONValue] = [
                "product": .string(id), "name": "Our article", "same_as": .string(product),
            ]
            if let gtins { fields["gtins"] = .string(gtins) }
            return try EventContent(
                kind: .product, recordID: "product/\(id)/code", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
                fields: fields)
        }
        try await AdmissionTests.expectRefused(
            [try code("ART-1", of: "cocoa-nibs")], through: door, fixture: fixture,
            containing: "internal code 'ART-1' names product 'cocoa-nibs', which no products' master data registers")
        try await AdmissionTests.expectRefused(
            [try code("ART-1", of: "cocoa-mass", gtins: "96385074")], through: door, fixture: fixture,
            containing: "internal code 'ART-1' lists GTINs")
        try await AdmissionTests.expectRefused(
            [try code("cocoa-mass", of: "cocoa-mass")], through: door, fixture: fixture,
            containing: "'cocoa-mass' is a registered product's code")
        // The farm's own code for the mill's product is admitted, and names it in the farm's events.
        _ = try await fixture.ledger.append([try code("ART-1", of: "cocoa-mass")], signedWith: fixture.farmKey)
        #expect(try await fixture.ledger.productCatalog().product(named: "ART-1", signer: "farm") == "cocoa-mass")
        try await AdmissionTests.expectRefused(
            [try Self.product("ART-1", gtins: nil)], through: door, fixture: fixture,
            containing: "'ART-1' is your internal code for 'cocoa-mass'")
        #expect(await fixture.ledger.verify().isValid)
    }

    @Test func aProductHasOneHistoryUnderItsCodeAndItsGTIN() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(
            [try Self.product("cocoa-beans", gtins: "4012345000016")], signedWith: fixture.farmKey)
        let time = Timestamp(epochSeconds: 1_767_225_600)
        // The farm's ERP names the beans by code; its warehouse system by GTIN-14.
        _ = try await fixture.ledger.append(
            [
                try AdmissionTests.produce("P-1", lot: "LOT-A"),
                try EventContent(
                    kind: .ship, recordID: "S-1", occurredAt: time,
                    fields: [
                        "product": "04012345000016", "lot": "LOT-A", "facility": "FARM-1", "unit": "kg",
                        "quantity": "10", "shipment_id": "SH-1", "destination": "MILL-1",
                    ]),
            ], signedWith: fixture.farmKey)
        let byCode = try await fixture.ledger.history(of: "cocoa-beans")
        let byGTIN = try await fixture.ledger.history(of: "4012345000016")
        #expect(byCode.entries.map(\.index) == byGTIN.entries.map(\.index))
        #expect(byCode.entries.count == 2)
        let page = try await fixture.ledger.productHistory(of: "urn:epc:class:lgtin:4012345.000001.LOT-A")
        #expect(page.entries.map(\.index) == byCode.entries.map(\.index))
        #expect(try await fixture.ledger.eventCount(ofProduct: "04012345000016") == 2)
    }

    @Test func aLotsHistoryShowsAMoveBetweenTwoSitesOfItsPartyThatNothingRecords() async throws {
        let fixture = try await LedgerFixture()
        defer { fixture.remove() }
        let time = Timestamp(epochSeconds: 1_767_225_600)
        let store = try EventContent(
            kind: .facility, recordID: "facility/STORE-1/1", occurredAt: time,
            fields: [
                "facility": "STORE-1", "party": "farm", "name": "STORE-1", "kind": "warehouse", "country": "GH",
                "latitude": "6.8", "longitude": "-1.5",
            ])
        _ = try await fixture.ledger.append([store], signedWith: fixture.farmKey)
        // Made at the farm, shipped from the farm's store: the move between them is not recorded.
        _ = try await fixture.ledger.append(
            [
                try AdmissionTests.produce("P-1", lot: "LOT-A", at: "2026-03-01T08:00:00Z"),
                try AdmissionTests.produce("P-2", lot: "LOT-B", at: "2026-03-01T09:00:00Z"),
                try EventContent(
                    kind: .ship, recordID: "S-1", occurredAt: try Timestamp(iso8601: "2026-03-03T08:00:00Z"),
                    fields: [
                        "product": "cocoa-beans", "lot": "LOT-A", "facility": "STORE-1", "unit": "kg",
                        "quantity": "10", "shipment_id": "SH-1", "destination": "MILL-1",
                    ]),
            ], signedWith: fixture.farmKey)
        let history = try await fixture.ledger.history(of: "LOT-A")
        let move = try #require(history.transfers.first)
        #expect(history.transfers.count == 1)
        #expect((move.lot, move.from, move.to, move.party) == ("LOT-A", "FARM-1", "STORE-1", "farm"))
        #expect(history.entries.map(\.index).firstIndex(of: move.after) == 0)
        #expect(history.entries.map(\.index).firstIndex(of: move.before) == 1)
        // A lot that stayed where it was made moved nowhere.
        #expect(try await fixture.ledger.history(of: "LOT-B").transfers.isEmpty)
    }
}
