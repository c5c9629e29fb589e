internal import LedgerCore
internal import LedgerStorage

/// The checks every event passes against the ledger before it is appended, whichever door brought it: a file
/// (`prov ingest`, `prov facilities import`, a raw batch), records (`prov append`), or events signed elsewhere (a
/// JSON batch, a review). The event's own schema is checked before, when its ``EventContent`` is built (for a signed
/// event, by ``SignedEvent/admissibleContent()``); what is checked here needs the ledger:
///
/// - `occurred_at` lies within ``Admission/window``: not before 1900, nor more than a day after the ledger's clock;
/// - a `facility` event's party is its signer, and a facility another party registered stays that party's;
/// - a facility's `parent_facility` is another facility of the same party, and the hierarchy stays a tree of at most
///   ``Admission/maximumHierarchyDepth`` levels;
/// - an event at a facility comes from the facility's owner, and the facility has master data;
/// - the `plots` a `produce` event names are the signer's plots, inside the facility where the lot was produced;
/// - a `produce` or `transform` event adds to no lot that another party made;
/// - a certificate claimed is the one the facility's master data holds;
/// - a `product` event's product stays the party's that registered it, and no GTIN names two products;
/// - no GLN names two participants;
/// - a `review` names a flag of an anchored report.
///
/// The state learns from each admitted event, so that later events of the same batch see the facilities and lots
/// it declares. docs/security.md lists these checks with the threat each answers.
struct Admission: Sendable {
    /// A facility's owner, kind, certificate and parent site, from its latest master data.
    struct FacilityMaster: Sendable, Hashable {
        let party: String
        let kind: String?
        let certificate: String?
        let parent: String?

        init(party: String, kind: String? = nil, certificate: String?, parent: String?) {
            self.party = party
            self.kind = kind
            self.certificate = certificate
            self.parent = parent
        }

        init(party: String, fields: [String: JSONValue]) {
            self.init(
                party: party, kind: fields["kind"]?.stringValue, certificate: fields["certificate"]?.stringValue,
                parent: fields["parent_facility"]?.stringValue)
        }
    }

    /// Why an event is refused, and the field at fault.
    struct Refusal: Sendable {
        let reason: String
        let field: String

        /// The refusal as the error an append throws, with the event's place.
        func error(record recordID: String) -> LedgerError {
            LedgerError(.invalidRecord, reason, context: ["record \(recordID)", "field \(field)"])
        }
    }

    /// How far after the ledger's clock an event may say it happened: clocks and time zones differ.
    static let futureTolerance: Int64 = 86_400
    /// The earliest time an event may say it happened (1900-01-01T00:00:00Z).
    static let earliest = Timestamp(epochSeconds: -2_208_988_800)
    /// The most levels a location hierarchy has: a site, its buildings, their docks and lines…
    static let maximumHierarchyDepth = 8

    /// The times an event may say it happened, for a ledger whose clock reads `now`.
    static func window(now: Timestamp) -> ClosedRange<Timestamp> {
        earliest...Timestamp(epochSeconds: now.epochSeconds + futureTolerance)
    }

    private let window: ClosedRange<Timestamp>
    /// Master data of the facilities looked up or declared so far; `nil` for one without any.
    private var facilities = [String: FacilityMaster?]()
    /// The party that made each lot looked up or made so far; `nil` for a lot nobody made yet.
    private var lotMakers = [String: String?]()
    /// The flags of the anchored reports, once loaded (only reviews need them).
    private var flags: Set<String>?
    /// The products' master data, once loaded (only `product` events need it).
    private var products: ProductCatalog?
    /// The participants' GLNs, once loaded (only `participant` events that list GLNs need them).
    private var parties: PartyDirectory?

    init(now: Timestamp) {
        window = Self.window(now: now)
    }

    /// The facilities whose master data admitting `contents` needs and that have not been looked up yet: those the
    /// events name, the parents that `facility` events name and the plots that `produce` events name, and the
    /// ancestors of those already known (the hierarchy is checked for cycles, a plot for lying inside the event's
    /// facility), so that looking up until this is empty learns whole chains.
    func unknownFacilities(in contents: some Sequence<EventContent>) -> [String] {
        var named = Set(contents.compactMap(\.facility))
        for content in contents {
            let starts =
                switch content.kind {
                case .facility: content.publicFields["parent_facility"]?.stringValue.map { [$0] } ?? []
                case .produce: Self.plots(of: content)
                default: [String]()
                }
            for start in starts {
                var ancestor = start
                for _ in 0...Self.maximumHierarchyDepth {
                    named.insert(ancestor)
                    guard let next = (facilities[ancestor] ?? nil)?.parent, !named.contains(next) else { break }
                    ancestor = next
                }
            }
        }
        return named.filter { facilities[$0] == nil }.sorted()
    }

    /// The plots a `produce` event names.
    private static func plots(of content: EventContent) -> [String] {
        content.publicFields["plots"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The lot `content` makes: a `produce` or `transform` event's own lot; `nil` for other kinds.
    private static func lotMade(by content: EventContent) -> String? {
        content.kind == .produce || content.kind == .transform ? content.lot : nil
    }

    /// The lots `contents` produce or make whose maker has not been looked up yet.
    func unknownLots(in contents: some Sequence<EventContent>) -> [String] {
        Set(contents.compactMap(Self.lotMade)).filter { lotMakers[$0] == nil }.sorted()
    }

    /// Whether `contents` hold a `product` event while the products are not loaded yet.
    func needsProducts(for contents: some Sequence<EventContent>) -> Bool {
        products == nil && contents.contains { $0.kind == .product }
    }

    /// Records the ledger's `product` events, in ledger order.
    mutating func learn(products records: [EventRecord]) throws(LedgerError) {
        products = try ProductCatalog(records: records)
    }

    /// Whether `contents` hold a `participant` event that lists GLNs while the participants' are not loaded yet.
    func needsParties(for contents: some Sequence<EventContent>) -> Bool {
        parties == nil && contents.contains { $0.kind == .participant && $0.publicFields["glns"] != nil }
    }

    /// Records the ledger's `participant` events, in ledger order.
    mutating func learn(parties records: [EventRecord]) throws(LedgerError) {
        parties = try PartyDirectory(records: records)
    }

    /// Whether `contents` hold a review while the flags are not loaded yet.
    func needsFlags(for contents: some Sequence<EventContent>) -> Bool {
        flags == nil && contents.contains { $0.kind == .review }
    }

    /// Records what the ledger holds for `facilities`: `found` maps each that has master data to its latest
    /// `facility` event.
    mutating func learn(facilities names: [String], found: [String: EventRecord]) throws(LedgerError) {
        for name in names {
            guard let record = found[name] else {
                facilities[name] = .some(nil)
                continue
            }
            let fields = try record.decode(withholdingDisclosures: true).header.publicFields
            facilities[name] = FacilityMaster(party: fields["party"]?.stringValue ?? "", fields: fields)
        }
    }

    /// Records the makers of `lots`: `found` maps each lot some party made to that party.
    mutating func learn(lots: [String], makers found: [String: String]) {
        for lot in lots { lotMakers[lot] = .some(found[lot]) }
    }

    /// Records the flags of the anchored reports.
    mutating func learn(flags: Set<String>) {
        self.flags = flags
    }

    /// Checks `content`, signed by `signer`, against what is known of the ledger and of the events admitted before
    /// it, and learns from it if it is admitted.
    mutating func admit(_ content: EventContent, signer: String) -> Refusal? {
        if let refusal = refusal(of: content, signer: signer) { return refusal }
        if let facility = content.facility, content.kind == .facility {
            facilities[facility] = FacilityMaster(party: signer, fields: content.publicFields)
        }
        if let lot = Self.lotMade(by: content), (lotMakers[lot] ?? nil) == nil { lotMakers[lot] = .some(signer) }
        if content.kind == .product { products?.register(content.publicFields, party: signer) }
        if content.kind == .participant { parties?.apply(content.publicFields) }
        return nil
    }

    private func refusal(of content: EventContent, signer: String) -> Refusal? {
        if !window.contains(content.occurredAt) {
            return Refusal(
                reason:
                    "occurred_at \(content.occurredAt.utc) lies outside the ledger's window: not before \(window.lowerBound.utc), not after \(window.upperBound.utc) (the ledger's clock plus one day)",
                field: "occurred_at")
        }
        if content.kind == .review,
            let flag = (content.sensitiveFields["flag"] ?? content.publicFields["flag"])?.stringValue,
            !(flags?.contains(flag) ?? false)
        {
            return Refusal(reason: "no anchored report holds the flag \(flag)", field: "flag")
        }
        if let refusal = facilityRefusal(content, signer: signer) { return refusal }
        if content.kind == .produce, let refusal = plotRefusal(content, signer: signer) { return refusal }
        if content.kind == .product, let refusal = productRefusal(content, signer: signer) { return refusal }
        if content.kind == .participant, content.publicFields["glns"] != nil {
            // Loaded before any such event is admitted (``load(for:from:)``); if not, nothing is vouched for.
            guard let parties else {
                return Refusal(reason: "the participants' GLNs were not looked up", field: "glns")
            }
            if let conflict = parties.conflict(content.publicFields) { return Refusal(reason: conflict, field: "glns") }
        }
        if let lot = Self.lotMade(by: content), let maker = lotMakers[lot] ?? nil, maker != signer {
            return Refusal(
                reason: "lot '\(lot)' was made by '\(maker)': a party adds only to its own lots (use a new lot ID)",
                field: "lot")
        }
        return nil
    }

    private func facilityRefusal(_ content: EventContent, signer: String) -> Refusal? {
        let claimed = content.kind == .facility ? nil : content.publicFields["certificate"]?.stringValue
        guard let facility = content.facility else {
            if claimed != nil {
                return Refusal(
                    reason: "a certificate is claimed only at a facility that holds it", field: "certificate")
            }
            return nil
        }
        let master = facilities[facility] ?? nil
        if content.kind == .facility {
            let party = content.publicFields["party"]?.stringValue ?? ""
            guard party == signer else {
                return Refusal(
                    reason:
                        "the facility's party is '\(party)', but the event is signed by '\(signer)'; each party registers its own facilities",
                    field: "party")
            }
            if let master, master.party != signer {
                return Refusal(reason: "facility '\(facility)' is registered to '\(master.party)'", field: "facility")
            }
            return content.publicFields["parent_facility"]?.stringValue.flatMap {
                parentRefusal(facility: facility, parent: $0, signer: signer)
            }
        }
        guard let master else {
            return Refusal(
                reason:
                    "unknown facility '\(facility)': its owner registers the facility's master data first (prov facilities import)",
                field: "facility")
        }
        guard master.party == signer else {
            return Refusal(
                reason: "facility '\(facility)' belongs to '\(master.party)', not to '\(signer)'", field: "facility")
        }
        if let claimed, claimed != master.certificate {
            let held = master.certificate.map { "holds '\($0)'" } ?? "holds no certificate"
            return Refusal(
                reason: "certificate '\(claimed)' is not facility '\(facility)''s: its master data \(held)",
                field: "certificate")
        }
        return nil
    }

    /// Why a `produce` event may not name its plots: one is unknown, another party's, no plot, or outside the
    /// facility where the lot was produced.
    private func plotRefusal(_ content: EventContent, signer: String) -> Refusal? {
        for plot in Self.plots(of: content) {
            guard let master = facilities[plot] ?? nil else {
                return Refusal(
                    reason:
                        "unknown plot '\(plot)': its owner registers the plot first (prov facilities import plots.geojson)",
                    field: "plots")
            }
            guard master.party == signer else {
                return Refusal(
                    reason: "plot '\(plot)' belongs to '\(master.party)', not to '\(signer)'", field: "plots")
            }
            guard master.kind == "plot" else {
                return Refusal(
                    reason: "'\(plot)' is a facility of kind \(master.kind ?? "unknown"), not a plot", field: "plots")
            }
            guard let facility = content.facility else { continue }
            guard ancestry(from: master.parent).sites.contains(facility) else {
                return Refusal(
                    reason:
                        "plot '\(plot)' lies in '\(master.parent ?? "no facility")', not inside '\(facility)' where the lot was produced",
                    field: "plots")
            }
        }
        return nil
    }

    /// Why a `product` event may not be admitted: the product is another party's, or one of its GTINs names another
    /// product; for an internal code (`same_as`), the product it names is not registered, or the code lists GTINs or
    /// is itself a registered product's code.
    private func productRefusal(_ content: EventContent, signer: String) -> Refusal? {
        guard let product = content.product else { return nil }
        // Loaded before any `product` event is admitted (``load(for:from:)``); if not, nothing is vouched for.
        guard let products else {
            return Refusal(reason: "the products' master data was not looked up", field: "product")
        }
        if let canonical = content.publicFields["same_as"]?.stringValue {
            guard products.names[canonical] != nil else {
                return Refusal(
                    reason:
                        "internal code '\(product)' names product '\(canonical)', which no products' master data registers",
                    field: "same_as")
            }
            guard content.publicFields["gtins"] == nil else {
                return Refusal(
                    reason:
                        "internal code '\(product)' lists GTINs; a product's GTINs belong to its own row ('\(canonical)')",
                    field: "gtins")
            }
            guard products.names[product] == nil else {
                return Refusal(
                    reason:
                        "'\(product)' is a registered product's code; an internal code is a name no product has",
                    field: "product")
            }
            return nil
        }
        if let canonical = products.internalCodes[signer]?[product] {
            return Refusal(
                reason:
                    "'\(product)' is your internal code for '\(canonical)'; register the product under another code",
                field: "product")
        }
        if let owner = products.owners[product], owner != signer {
            return Refusal(
                reason: "product '\(product)' is registered to '\(owner)': a party changes only its own products",
                field: "product")
        }
        for gtin in content.publicFields["gtins"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            if let other = products.byGTIN[gtin], other != product {
                let name = products.names[other].map { " (\($0))" } ?? ""
                return Refusal(
                    reason:
                        "GTIN \(gtin) already names product '\(other)'\(name); product '\(product)' cannot claim it too",
                    field: "gtins")
            }
        }
        return nil
    }

    /// The facility `start` and the sites above it as far as they are known, at most ``maximumHierarchyDepth`` of
    /// them, and whether the chain goes on beyond those.
    private func ancestry(from start: String?) -> (sites: [String], goesOn: Bool) {
        var sites = [String]()
        var ancestor = start
        while let current = ancestor, sites.count < Self.maximumHierarchyDepth {
            sites.append(current)
            ancestor = (facilities[current] ?? nil)?.parent
        }
        return (sites, ancestor != nil)
    }

    /// Why `facility` may not name `parent` as its site: the parent is unknown, another party's, the facility itself
    /// or one of its own locations, or the hierarchy would grow too deep.
    private func parentRefusal(facility: String, parent: String, signer: String) -> Refusal? {
        guard parent != facility else {
            return Refusal(reason: "facility '\(facility)' names itself as its parent", field: "parent_facility")
        }
        guard let master = facilities[parent] ?? nil else {
            return Refusal(
                reason: "unknown parent facility '\(parent)': the site is registered before its locations",
                field: "parent_facility")
        }
        guard master.party == signer else {
            return Refusal(
                reason:
                    "parent facility '\(parent)' belongs to '\(master.party)': a location belongs to a site of its own party",
                field: "parent_facility")
        }
        let (sites, goesOn) = ancestry(from: parent)
        if sites.contains(facility) {
            return Refusal(
                reason: "parent facility '\(parent)' lies inside '\(facility)': a location hierarchy has no cycles",
                field: "parent_facility")
        }
        guard goesOn else { return nil }
        return Refusal(
            reason:
                "the location hierarchy above '\(facility)' is more than \(Self.maximumHierarchyDepth) levels deep",
            field: "parent_facility")
    }
}

extension Admission {
    /// Looks up in `ledger` what admitting `contents` needs: the master data of their facilities, the makers of
    /// their lots and, for a review, the flags of the anchored reports.
    mutating func load(for contents: [EventContent], from ledger: Ledger) async throws(LedgerError) {
        // Each round learns the next level of the hierarchies the batch names.
        for _ in 0...Self.maximumHierarchyDepth {
            let facilities = unknownFacilities(in: contents)
            if facilities.isEmpty { break }
            try learn(facilities: facilities, found: try await ledger.store.latestFacilityEvents(facilities))
        }
        let lots = unknownLots(in: contents)
        if !lots.isEmpty { learn(lots: lots, makers: try await ledger.store.lotMakers(lots)) }
        if needsProducts(for: contents) {
            try learn(products: try await ledger.store.events(kind: EventKind.product.rawValue))
        }
        if needsParties(for: contents) {
            try learn(parties: try await ledger.store.events(kind: EventKind.participant.rawValue))
        }
        if needsFlags(for: contents) { learn(flags: try await ledger.anchoredFlagIDs()) }
    }

    /// Looks up, inside the block's transaction, what admitting `contents` needs (facilities, lots and products; the
    /// flags are loaded before the transaction, with ``load(for:from:)``).
    mutating func load(for contents: some Sequence<EventContent>, from transaction: any BlockTransaction)
        throws(LedgerError)
    {
        for _ in 0...Self.maximumHierarchyDepth {
            let facilities = unknownFacilities(in: contents)
            if facilities.isEmpty { break }
            try learn(facilities: facilities, found: try transaction.latestFacilityEvents(facilities))
        }
        let lots = unknownLots(in: contents)
        if !lots.isEmpty { learn(lots: lots, makers: try transaction.lotMakers(lots)) }
        if needsProducts(for: contents) {
            try learn(products: try transaction.events(kind: EventKind.product.rawValue))
        }
        if needsParties(for: contents) {
            try learn(parties: try transaction.events(kind: EventKind.participant.rawValue))
        }
    }
}
