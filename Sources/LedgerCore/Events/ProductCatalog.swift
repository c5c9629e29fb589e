/// The products' master data as their latest `product` events state it: who registered each product, its name, the
/// GTINs that name it, which product each GTIN names, and each party's internal codes for products (docs/identity.md).
public struct ProductCatalog: Sendable, Equatable {
    /// The party that registered each product first; only it registers later versions.
    public private(set) var owners: [String: String] = [:]
    /// Each product's name.
    public private(set) var names: [String: String] = [:]
    /// Each product's GTIN-14s, as its latest version lists them.
    public private(set) var gtins: [String: [String]] = [:]
    /// The product each GTIN-14 names.
    public private(set) var byGTIN: [String: String] = [:]
    /// Each product's Harmonized System code, where its latest version states one.
    public private(set) var hsCodes: [String: String] = [:]
    /// Each party's internal codes (a `product` event with `same_as`), each naming a product, for that party's
    /// events only.
    public private(set) var internalCodes: [String: [String: String]] = [:]

    public init() {}

    /// The catalog of `product` events' public fields and signers, in ledger order.
    public init(_ versions: some Sequence<(fields: [String: JSONValue], party: String)>) {
        for version in versions { register(version.fields, party: version.party) }
    }

    /// Adds a `product` event's version: it supersedes the product's earlier one. A version with `same_as` is the
    /// party's internal code for that product instead, and supersedes only the party's earlier version of the code.
    public mutating func register(_ fields: [String: JSONValue], party: String) {
        guard let product = fields["product"]?.stringValue else { return }
        if let canonical = fields["same_as"]?.stringValue {
            internalCodes[party, default: [:]][product] = canonical
            return
        }
        if owners[product] == nil { owners[product] = party }
        names[product] = fields["name"]?.stringValue
        hsCodes[product] = fields["hs_code"]?.stringValue
        for gtin in gtins[product] ?? [] where byGTIN[gtin] == product { byGTIN[gtin] = nil }
        let listed = fields["gtins"]?.arrayValue?.compactMap(\.stringValue) ?? []
        gtins[product] = listed
        for gtin in listed { byGTIN[gtin] = product }
    }

    /// The product `identifier` names: a registered product code; a GTIN-8, -12, -13 or -14 a product lists; or an
    /// EPC URI or GS1 Digital Link of such a GTIN (SGTIN, LGTIN, SGTIN pattern). `nil` for anything else.
    ///
    /// Without a signer, an internal code names its product when every party that uses the code means the same one.
    public func product(named identifier: String) -> String? {
        if let product = registeredProduct(named: identifier) { return product }
        let meanings = Set(internalCodes.values.compactMap { $0[identifier] })
        return meanings.count == 1 ? meanings.first : nil
    }

    /// The product `identifier` names in an event `signer` signed: the signer's internal code for a product, else a
    /// product's code or GTIN. Another party's internal code names nothing in the signer's events.
    public func product(named identifier: String, signer: String) -> String? {
        internalCodes[signer]?[identifier] ?? registeredProduct(named: identifier)
    }

    /// The product whose code `identifier` is, or whose GTIN it names in any form.
    private func registeredProduct(named identifier: String) -> String? {
        if names[identifier] != nil { return identifier }
        if let gtin = EPCIdentifier.gtin14(identifier) ?? EPCIdentifier(identifier)?.gtin { return byGTIN[gtin] }
        return nil
    }

    /// The registered product `identifier` names (``product(named:)``) as the API shows it: its code, its name and its
    /// GTIN-14s; `nil` for a name no product's master data lists.
    public func description(of identifier: String) -> JSONValue? {
        guard let product = product(named: identifier) else { return nil }
        return .object([
            "code": .string(product), "name": .string(names[product] ?? product),
            "gtins": .array((gtins[product] ?? []).map(JSONValue.string)),
        ])
    }

    /// The names events may give `product` as their product: its code, its GTIN-14s, then the parties' internal codes
    /// for it.
    public func aliases(of product: String) -> [String] {
        let codes = Set(internalCodes.values.flatMap { $0.filter { $0.value == product }.keys })
        return [product] + (gtins[product] ?? []) + codes.sorted()
    }
}
