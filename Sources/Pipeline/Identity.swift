public import LedgerCore

/// One identity for the places and products the events name, whichever format recorded them (docs/identity.md).
///
/// A facility may be a location inside a site: a dispatch dock, a production line, a store room. Its master data
/// names the site in `parent_facility`; an EPCIS SGLN with an extension other than `0`
/// (`urn:epc:id:sgln:4012345.00020.1`) is a location of the SGLN with extension `0` when the same party registered
/// both and the location names no parent itself. The pipeline measures every event at its *site*, the top of that
/// chain: a lot made at a factory and shipped from its dock has come in and gone out at one place, and the dock's
/// output counts against the factory's capacity and workers. Flags still list each event at its recorded location.
///
/// A product is named by its code (`dark-chocolate-70`) in one partner's data and by a GTIN, SGTIN or LGTIN in
/// another's, or by a party's internal code (an ERP's article number) in that party's own data; the products' master
/// data (``ProductCatalog``) lists the GTINs of each and the parties' internal codes, and the pipeline measures every
/// event under the product's code, so that its price, yield and volume peer groups are one.
public struct Identity: Sendable {
    /// The site of each facility that is a location of another; facilities absent here are their own site.
    let sites: [String: String]
    /// The locations directly inside each facility that has any, sorted.
    let locations: [String: [String]]
    let products: ProductCatalog

    /// The sites of `facilities`, from their master data. A chain longer than the facilities themselves (a cycle,
    /// which admission refuses) stops where it would repeat.
    public init(facilities: [String: FacilityProfile], products: ProductCatalog = ProductCatalog()) {
        self.products = products
        var parents = [String: String]()
        for id in facilities.keys {
            if let parent = Self.parent(of: id, in: facilities) { parents[id] = parent }
        }
        var sites = [String: String]()
        for id in parents.keys {
            var site = id
            var seen: Set<String> = [id]
            while let parent = parents[site], seen.insert(parent).inserted {
                site = parent
            }
            if site != id { sites[id] = site }
        }
        self.sites = sites
        var locations = [String: [String]]()
        for (location, parent) in parents { locations[parent, default: []].append(location) }
        self.locations = locations.mapValues { $0.sorted() }
    }

    /// The site `facility` belongs to: itself unless it is a location of another.
    public func site(of facility: String) -> String { sites[facility] ?? facility }

    /// The locations inside `facility`, at any depth, nearest first.
    public func locations(inside facility: String) -> [String] {
        var found = [String]()
        var seen: Set<String> = [facility]
        var next = locations[facility] ?? []
        while !next.isEmpty {
            let inside = next.filter { seen.insert($0).inserted }
            found += inside
            next = inside.flatMap { locations[$0] ?? [] }
        }
        return found
    }

    /// `events` with each facility, origin and destination measured at its site, and each product under its code; a
    /// changed facility or product is kept in ``ChainEvent/recordedFacility`` or ``ChainEvent/recordedProduct``.
    func resolve(_ events: [ChainEvent]) -> [ChainEvent] {
        let renames = !products.byGTIN.isEmpty || !products.internalCodes.isEmpty
        guard !sites.isEmpty || renames else { return events }
        // Few distinct product names recur over many events: each is resolved once (per signer, for the signers
        // with internal codes).
        var resolved = [String: String?]()
        return events.map { event in
            var event = event
            if let product = event.product, renames {
                let key = products.internalCodes[event.signer] == nil ? product : event.signer + "\u{0}" + product
                let canonical: String?
                if let known = resolved[key] {
                    canonical = known
                } else {
                    canonical = products.product(named: product, signer: event.signer).flatMap {
                        $0 == product ? nil : $0
                    }
                    resolved[key] = .some(canonical)
                }
                if let canonical {
                    event.recordedProduct = product
                    event.product = canonical
                }
            }
            if let facility = event.facility, let site = sites[facility] {
                event.recordedFacility = facility
                event.facility = site
            }
            if let destination = event.destination, let site = sites[destination] { event.destination = site }
            if let origin = event.origin, let site = sites[origin] { event.origin = site }
            return event
        }
    }

    /// The facility `id` is a location of: its `parent_facility`, or for an SGLN with an extension other than `0`,
    /// the same SGLN with extension `0` if the same party registered it.
    private static func parent(of id: String, in facilities: [String: FacilityProfile]) -> String? {
        guard let profile = facilities[id] else { return nil }
        if let parent = profile.parent {
            // Admission keeps a site with its own party's locations; a ledger that broke that rule gains nothing here.
            return facilities[parent]?.party == profile.party ? parent : nil
        }
        guard let site = GLN.impliedSite(ofLocation: id), let siteProfile = facilities[site],
            siteProfile.party == profile.party
        else { return nil }
        return site
    }
}
