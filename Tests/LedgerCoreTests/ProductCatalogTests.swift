import LedgerCore
import Testing

/// Product codes, GTINs in their four lengths, SGTINs, LGTINs, SGTIN patterns and Digital Links name one product.
@Suite struct ProductCatalogTests {
    static func catalog() -> ProductCatalog {
        let chocolate: [String: JSONValue] = [
            "product": "dark-chocolate-70", "name": "Dark chocolate 70 %", "gtins": ["04012345123456"],
        ]
        let beans: [String: JSONValue] = ["product": "cocoa-beans", "name": "Cocoa beans"]
        return ProductCatalog([(fields: chocolate, party: "factory"), (fields: beans, party: "farm")])
    }

    @Test func everyFormOfAGTINResolvesToItsProduct() {
        let catalog = Self.catalog()
        for identifier in [
            "dark-chocolate-70", "04012345123456", "4012345123456",
            "urn:epc:id:sgtin:4012345.012345.7001", "urn:epc:class:lgtin:4012345.012345.LOT-DE-CHOC-31",
            "urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456/10/LOT-DE-CHOC-31",
        ] {
            #expect(catalog.product(named: identifier) == "dark-chocolate-70", "\(identifier)")
        }
        #expect(catalog.aliases(of: "dark-chocolate-70") == ["dark-chocolate-70", "04012345123456"])
        // A wrong check digit, an unregistered GTIN and an unknown code name no product.
        #expect(catalog.product(named: "04012345123457") == nil)
        #expect(catalog.product(named: "00614141000012") == nil)
        #expect(catalog.product(named: "milk-chocolate") == nil)
        #expect(catalog.product(named: "cocoa-beans") == "cocoa-beans")
    }

    @Test func gtinsOfEveryLengthAreKeptAsGTIN14() throws {
        #expect(EPCIdentifier.gtin14("96385074") == "00000096385074")
        #expect(EPCIdentifier.gtin14("614141000012") == "00614141000012")
        #expect(EPCIdentifier.gtin14("4012345123456") == "04012345123456")
        #expect(EPCIdentifier.gtin14("40123451234567") == nil)
        #expect(EPCIdentifier.gtin14("4012345A23456") == nil)
        let content = try EventContent(
            kind: .product, recordID: "product/x", occurredAt: Timestamp(epochSeconds: 0),
            fields: ["product": "x", "name": "X", "gtins": "4012345123456;04012345123456;96385074"])
        #expect(content.publicFields["gtins"] == ["04012345123456", "00000096385074"])
        #expect(throws: LedgerError.self) {
            try EventContent(
                kind: .product, recordID: "product/y", occurredAt: Timestamp(epochSeconds: 0),
                fields: ["product": "y", "name": "Y", "gtins": "4012345123457"])
        }
    }

    /// A product's HS code: a heading, a subheading or a national subdivision, written with or without dots; the
    /// catalog keeps its latest version's.
    @Test func anHSCodeIsKeptAsItsDigits() throws {
        func product(_ code: String) throws -> EventContent {
            try EventContent(
                kind: .product, recordID: "product/x", occurredAt: Timestamp(epochSeconds: 0),
                fields: ["product": "x", "name": "X", "hs_code": .string(code)])
        }
        for (written, kept) in [
            ("1806", "1806"), ("1806.32", "180632"), ("1806 32 10", "18063210"), ("1801000000", "1801000000"),
        ] {
            #expect(try product(written).publicFields["hs_code"] == .string(kept), "\(written)")
        }
        for wrong in ["180", "18063", "1806.3", "18O6", "180632101010", ""] {
            #expect(throws: LedgerError.self, "\(wrong)") { try product(wrong) }
        }
        var catalog = ProductCatalog()
        catalog.register(try product("1806.32").publicFields, party: "factory")
        #expect(catalog.hsCodes["x"] == "180632")
        catalog.register(["product": "x", "name": "X"], party: "factory")
        #expect(catalog.hsCodes["x"] == nil)
    }

    @Test func aLaterVersionSupersedesTheGTINsOfTheEarlier() {
        var catalog = Self.catalog()
        catalog.register(
            ["product": "dark-chocolate-70", "name": "Dark chocolate 70 %", "gtins": ["00000096385074"]],
            party: "factory")
        #expect(catalog.product(named: "04012345123456") == nil)
        #expect(catalog.product(named: "96385074") == "dark-chocolate-70")
        #expect(catalog.owners["dark-chocolate-70"] == "factory")
    }

    /// Internal codes: each party's own, replaced by its later version, and named without a signer only when every
    /// party means one product by it.
    @Test func anInternalCodeNamesItsProductForItsParty() {
        var catalog = ProductCatalog()
        catalog.register(["product": "cocoa-mass", "name": "Cocoa mass", "gtins": ["04012345000016"]], party: "mill")
        catalog.register(["product": "cocoa-beans", "name": "Cocoa beans"], party: "farm")
        catalog.register(["product": "4711", "name": "Our mass", "same_as": "cocoa-mass"], party: "factory")
        #expect(catalog.product(named: "4711", signer: "factory") == "cocoa-mass")
        #expect(catalog.product(named: "4711", signer: "farm") == nil)
        #expect(catalog.product(named: "4711") == "cocoa-mass")
        #expect(catalog.owners["4711"] == nil && catalog.names["4711"] == nil)
        #expect(catalog.aliases(of: "cocoa-mass") == ["cocoa-mass", "04012345000016", "4711"])
        // The farm means the beans by the same code: without a signer the code names nothing.
        catalog.register(["product": "4711", "name": "Beans", "same_as": "cocoa-beans"], party: "farm")
        #expect(catalog.product(named: "4711", signer: "farm") == "cocoa-beans")
        #expect(catalog.product(named: "4711", signer: "factory") == "cocoa-mass")
        #expect(catalog.product(named: "4711") == nil)
        // The factory's later version moves its code to the beans.
        catalog.register(["product": "4711", "name": "Our beans", "same_as": "cocoa-beans"], party: "factory")
        #expect(catalog.product(named: "4711") == "cocoa-beans")
        #expect(catalog.aliases(of: "cocoa-mass") == ["cocoa-mass", "04012345000016"])
    }
}
