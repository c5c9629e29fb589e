/// The products' master data as their latest `product` events state it: who registered each product, its name, the
/// GTINs that name it, and which product each GTIN names (docs/identity.md).
public struct ProductCatalog: Sendable, Equatable {
    /// The party that registered each product first; only it registers later versions.
    public private(set) var owners: [String: String] = [:]
    /// Each product's name.
    public private(set) var names: [String: String] = [:]
    /// Each product's GTIN-14s, as its latest version lists them.
    public private(set) var gtins: [String: [String]] = [:]
    /// The product each GTIN-14 names.
    public private(set) var byGTIN: [String: String] = [:]

    public init() {}

    /// The catalog of `product` events' public fields and signers, in ledger order.
    public init(_ versions: some Sequence<(fields: [String: JSONValue], party: String)>) {
        for version in versions { register(version.fields, party: version.party) }
    }

    /// Adds a `product` event's version: it supersedes the product's earlier one.
    public mutating func register(_ fields: [String: JSONValue], party: String) {
        guard let product = fields["product"]?.stringValue else { return }
        if owners[product] == nil { owners[product] = party }
        names[product] = fields["name"]?.stringValue
        for gtin in gtins[product] ?? [] where byGTIN[gtin] == product { byGTIN[gtin] = nil }
        let listed = fields["gtins"]?.arrayValue?.compactMap(\.stringValue) ?? []
        gtins[product] = listed
        for gtin in listed { byGTIN[gtin] = product }
    }

    /// The product `identifier` names: a registered product code; a GTIN-8, -12, -13 or -14 a product lists; or an
    /// EPC URI or GS1 Digital Link of such a GTIN (SGTIN, LGTIN, SGTIN pattern). `nil` for anything else.
    public func product(named identifier: String) -> String? {
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

    /// The names events may give `product` as their product: its code, then its GTIN-14s.
    public func aliases(of product: String) -> [String] {
        [product] + (gtins[product] ?? [])
    }
}
