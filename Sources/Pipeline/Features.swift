internal import LedgerCore

/// The features the pipeline can compute per link, by the names definitions and reports use.
public enum FeatureCatalog {
    public struct Feature: Sendable, Hashable {
        public let name: String
        /// What it measures, with its unit.
        public let description: String
        /// How the models see it.
        public var scale: Scale = .linear
        /// The family whose tail score it counts in (``TailScores``).
        public var family: Family
        /// The scale used, on the model's scale, when the feature's IQR and median absolute deviation are both 0 (more
        /// than half its values equal): a departure of this much counts as one robust z-unit.
        public var resolution = 1.0
    }

    /// The families of features, each scored on its own tail so that one loud pattern does not hide a quiet one.
    public enum Family: String, Sendable, Hashable, CaseIterable {
        /// When things happen: transit against the lane, a lot's dwell before it ships.
        case timing
        /// Where goods go: distances, implied speeds.
        case route
        /// How much: losses, volumes, a lot's balance, yields.
        case quantity
        case price
        /// Output against the facility's capacity and workforce.
        case capacity
        /// Who trades with whom: new pairs, shares of a sender's volume and destinations.
        case relationships
        /// Certificates.
        case compliance
        /// Features without a family of their own.
        case other
    }

    /// The transformation applied before robust scaling.
    public enum Scale: Sendable, Hashable {
        case linear
        /// log(x) for a positive ratio (0 counts as far below).
        case logRatio
        /// sign(x) · log(1 + |x|) for a time or distance.
        case signedLog
    }

    public static let all: [Feature] = [
        Feature(
            name: "transit_hours", description: "hours between ship and receive", scale: .signedLog, family: .timing),
        Feature(
            name: "transit_lane_deviation",
            description:
                "transit against its lane's: (hours − the lane's median) over the lane's spread, signed (LaneTransits)",
            family: .timing),
        Feature(
            name: "speed_lane_ratio",
            description: "implied speed over the median implied speed of its lane's shipments (LaneTransits)",
            scale: .logRatio, family: .route, resolution: 0.05),
        Feature(
            name: "dwell_deviation",
            description:
                "hours the lot stayed at the sender before this shipment, against the sender's own (or its kind's) for the product: (hours − median) over spread, signed",
            family: .timing),
        Feature(
            name: "distance_km", description: "great-circle distance between the two facilities, km", scale: .signedLog,
            family: .route),
        Feature(
            name: "speed_kmh", description: "implied speed: distance over transit time, km/h", scale: .signedLog,
            family: .route),
        Feature(
            name: "loss_ratio", description: "share of the shipped quantity not received", family: .quantity,
            resolution: 0.005),
        Feature(
            name: "loss_lane_deviation",
            description:
                "loss against its lane's: (share not received − the lane's median) over the lane's spread, signed (LaneTransits)",
            family: .quantity),
        Feature(
            name: "price_ratio", description: "unit price over the median of the same product (and origin country)",
            scale: .logRatio, family: .price, resolution: 0.01),
        Feature(
            name: "volume_ratio", description: "quantity over the sender's own median for the product",
            scale: .logRatio,
            family: .quantity, resolution: 0.05),
        Feature(
            name: "volume_window_ratio",
            description:
                "what the sender shipped of the product in the 30 days up to this shipment over its median 30 days, divided by the same ratio for the product's other senders (VolumeWindows)",
            scale: .logRatio, family: .quantity, resolution: 0.05),
        Feature(
            name: "lot_balance",
            description:
                "what the sender's facility shipped of the lot over what it produced or received of it (1 when it balances)",
            scale: .logRatio, family: .quantity, resolution: 0.01),
        Feature(
            name: "pair_novelty", description: "1 for the first shipment between two facilities, 0 for later ones",
            family: .relationships),
        Feature(
            name: "pair_share", description: "share of the sender's volume going to this destination",
            family: .relationships, resolution: 0.05),
        Feature(
            name: "relationship_age_days",
            description: "days from the first shipment between the two facilities to this one",
            scale: .signedLog, family: .relationships, resolution: 1),
        Feature(
            name: "rare_partner_share",
            description:
                "share of the sender's volume that goes to destinations receiving at most 2 of its shipments",
            family: .relationships, resolution: 0.02),
        Feature(
            name: "destination_country_share",
            description:
                "how likely the destination's country is for the sender and product: the sender facility's share of its other shipments of the product going there, shrunk towards its origin country's and everyone's",
            scale: .logRatio, family: .relationships, resolution: 0.1),
        Feature(
            name: "destination_region_share",
            description:
                "the same for the destination country's region (UN M49): a new country in a region the sender ships to is less surprising than a new region",
            scale: .logRatio, family: .relationships, resolution: 0.1),
        Feature(
            name: "output_per_worker",
            description: "origin facility's output per worker and active day over the median of facilities of its kind",
            scale: .logRatio, family: .capacity, resolution: 0.05),
        Feature(
            name: "capacity_utilisation",
            description: "origin facility's output on the lot's day over its daily capacity", family: .capacity,
            resolution: 0.05),
        Feature(
            name: "certificate_valid",
            description: "1 if the certificate claimed is the facility's and valid that day, 0 if not",
            family: .compliance),
        Feature(
            name: "yield_ratio", description: "transformation yield over the median of the same product pair",
            scale: .logRatio, family: .quantity, resolution: 0.01),
    ]

    public static func feature(named name: String) -> Feature? { all.first { $0.name == name } }
}

/// The feature values of every scored link, with the reference values explanations quote.
struct FeatureTable {
    /// One entry per scored link: a shipment (ship present) or a transform.
    enum Subject: Hashable {
        case shipment(Int)
        case transform(Int)
    }

    var subjects: [Subject] = []
    /// Raw values per feature name, aligned with ``subjects``; NaN where not computable.
    var columns: [String: [Double]] = [:]
    /// Cohort median unit price (per base unit) for each subject, NaN if none.
    var priceMedian: [Double] = []
    /// The cohort the price median is over ("cocoa-beans from GH").
    var priceCohort: [String] = []
    var yieldMedian: [Double] = []
    var volumeMedian: [Double] = []
    /// The lane a shipment's transit is measured against, `nil` for transforms and lanes too small.
    var laneReference: [LaneTransits.Reference?] = []
    /// The lane a shipment's implied speed is measured against.
    var speedReference: [LaneTransits.Reference?] = []
    /// The lane a shipment's loss is measured against.
    var lossReference: [PeerReference?] = []
    /// A shipment's sender's volume of the product in the window up to it, and that volume's median.
    var volumeWindow: [VolumeWindows.Window?] = []
    /// Per sender and product, its ship events in time order (``VolumeWindows/ships``).
    var windowShips: [[Int]] = []
    /// A shipment's dwell at its sender, hours (NaN where unknown), and the peer group it is measured against.
    var dwellHours: [Double] = []
    var dwellReference: [PeerReference?] = []
    /// The peer groups the deviations were measured against, as fitted, by what they measure.
    var peerTables: [String: PeerTable] = [:]

    /// Computes every catalogued feature for every link of `links`.
    init(links: LinkSet, minimumCohort: Int) {
        let events = links.events
        let context = FeatureContext(links: links, minimumCohort: minimumCohort)
        let lanes = LaneTransits(links: links, minimumCohort: minimumCohort)
        let dwells = DwellTimes(links: links, minimumCohort: minimumCohort)
        let windows = VolumeWindows(links: links)
        peerTables = lanes.tables.merging(["dwell_hours": dwells.table]) { first, _ in first }
        var values = [String: [Double]]()
        for feature in FeatureCatalog.all { values[feature.name] = [] }
        func append(_ name: String, _ value: Double?) {
            values[name, default: []].append(value.flatMap { $0.isFinite ? $0 : nil } ?? .nan)
        }

        for (position, link) in links.shipments.enumerated() {
            guard let shipPosition = link.ship else { continue }
            let ship = events[shipPosition]
            let origin = links.origin(of: link)
            let destination = links.destination(of: link)
            subjects.append(.shipment(position))

            let transit = links.transitHours(of: link)
            let distance = origin.flatMap { o in destination.map { greatCircleKilometres(o, $0) } }
            append("transit_hours", transit)
            let lane = lanes.reference(ofShipment: position)
            laneReference.append(lane)
            append("transit_lane_deviation", transit.flatMap { hours in lane.map { $0.deviation(hours) } })
            append("dwell_deviation", dwells.deviation(ofShipment: position))
            dwellHours.append(dwells.hours[position] ?? .nan)
            dwellReference.append(dwells.references[position])
            append("distance_km", distance)
            let speed = links.speedKmh(of: link)
            append("speed_kmh", speed)
            let speedLane = lanes.speedReference(ofShipment: position)
            speedReference.append(speedLane)
            append("speed_lane_ratio", speed.flatMap { value in speedLane.map { value / $0.median } })
            let loss = links.lossRatio(of: link)
            append("loss_ratio", loss)
            let lossLane = lanes.lossReference(ofShipment: position)
            lossReference.append(lossLane)
            append("loss_lane_deviation", loss.flatMap { value in lossLane.map { $0.deviation(value) } })
            let price = context.priceReference(of: ship, origin: origin)
            priceMedian.append(price?.median ?? .nan)
            priceCohort.append(price?.cohort ?? "")
            append("price_ratio", price.flatMap { reference in ship.basePrice.map { $0 / reference.median } })
            let volume = context.volumeMedian(of: ship)
            volumeMedian.append(volume ?? .nan)
            append("volume_ratio", volume.flatMap { median in ship.baseQuantity.map { $0 / median } })
            let window = windows.window(ofShipment: position)
            volumeWindow.append(window)
            append("volume_window_ratio", window.map(\.ratio))
            append("lot_balance", context.lotBalance(of: ship))
            append("pair_novelty", context.pairNovelty[shipPosition].map { $0 == 0 ? 1 : 0 })
            append("pair_share", context.pairShare(of: ship))
            append("relationship_age_days", context.relationshipAgeDays[shipPosition])
            append("rare_partner_share", context.rarePartnerShare(of: ship))
            append("destination_country_share", context.destinationShare(of: ship, grain: .country))
            append("destination_region_share", context.destinationShare(of: ship, grain: .region))
            append("output_per_worker", context.outputPerWorkerRatio(origin))
            append("capacity_utilisation", context.utilisation(ofLot: ship.lot, at: origin))
            append("certificate_valid", context.certificateValidity(of: ship, at: origin))
            append("yield_ratio", nil)
            yieldMedian.append(.nan)
        }

        for (position, link) in links.transforms.enumerated() {
            let transform = events[link.transform]
            let facility = transform.facility.flatMap { links.facilities[$0] }
            subjects.append(.transform(position))
            laneReference.append(nil)
            speedReference.append(nil)
            lossReference.append(nil)
            volumeWindow.append(nil)
            dwellHours.append(.nan)
            dwellReference.append(nil)
            for name in [
                "transit_hours", "transit_lane_deviation", "speed_lane_ratio", "dwell_deviation", "distance_km",
                "speed_kmh", "loss_ratio", "loss_lane_deviation", "volume_window_ratio",
                "price_ratio", "lot_balance", "pair_novelty", "pair_share", "relationship_age_days",
                "rare_partner_share", "destination_country_share", "destination_region_share",
            ] {
                append(name, nil)
            }
            priceMedian.append(.nan)
            priceCohort.append("")
            let volume = context.volumeMedian(of: transform)
            volumeMedian.append(volume ?? .nan)
            append("volume_ratio", volume.flatMap { median in transform.baseQuantity.map { $0 / median } })
            append("output_per_worker", context.outputPerWorkerRatio(facility))
            append("capacity_utilisation", context.utilisation(ofLot: transform.lot, at: facility))
            append("certificate_valid", context.certificateValidity(of: transform, at: facility))
            let yield = links.yield(of: link)
            let median = yield.flatMap { context.yieldMedian(pair: $0.pair) }
            yieldMedian.append(median ?? .nan)
            append("yield_ratio", yield.flatMap { value in median.map { value.yield / $0 } })
        }
        columns = values
        windowShips = windows.ships
    }
}

extension ChainEvent {
    /// Price per base unit (kg, l or piece).
    var basePrice: Double? {
        guard let unitPrice, let unit, let measure = MeasureUnit(unit), measure.factor > 0 else { return nil }
        return unitPrice / measure.factor
    }
}

/// Cohort statistics and per-facility aggregates that features are computed against.
struct FeatureContext {
    let links: LinkSet
    let minimumCohort: Int
    /// Median base price per (product, currency, origin country), and per (product, currency).
    private var priceByCountry: [PriceCohort: Double] = [:]
    private var priceByProduct: [PriceCohort: Double] = [:]
    private var volumeBySender: [SenderProduct: Double] = [:]
    /// Earlier shipments between the same two facilities, per ship event position.
    private(set) var pairNovelty: [Int: Int] = [:]
    private var pairVolume: [FacilityPair: Double] = [:]
    private var senderVolume: [String: Double] = [:]
    /// Days from the first shipment between the same two facilities (in time order, any product), per ship event
    /// position; 0 for the first. A large delivery on a relationship a few days old reads differently from the same
    /// delivery on one of two years.
    private(set) var relationshipAgeDays: [Int: Double] = [:]
    /// Per sender facility: its shipments, and its volume to destinations that received at most ``rareShipments``
    /// of them.
    private var senderShipments: [String: Int] = [:]
    private var rareVolume: [String: Double] = [:]
    /// The most shipments a destination can have received from a sender and still count as rare for it.
    static let rareShipments = 2
    /// Output per worker and active day, per facility ID.
    private(set) var outputPerWorker: [String: Double] = [:]
    /// The median of ``outputPerWorker`` over facilities of the same kind, per facility ID.
    private(set) var outputPerWorkerMedian: [String: Double] = [:]

    /// A facility's output per worker over the median of its kind.
    func outputPerWorkerRatio(_ facility: FacilityProfile?) -> Double? {
        guard let facility, let value = outputPerWorker[facility.id], let median = outputPerWorkerMedian[facility.id],
            median > 0
        else {
            return nil
        }
        return value / median
    }
    /// Base output per (facility, local day).
    private(set) var dailyOutput: [FacilityDay: Double] = [:]
    /// The local day a lot was made at a facility.
    private var madeOn: [FacilityLot: Int] = [:]
    /// What came into a facility of each lot and what it shipped of it (``LinkSet/lotBalances``).
    private let lotBalances: [FacilityLot: LotBalance]
    /// Shipments per (sending facility, product) and per (…, destination country or region); per (origin country,
    /// product) and per (…, destination country or region); per product and per (product, destination country or
    /// region).
    private var shipCounts: [String: Int] = [:]
    /// The destination countries and regions each product is shipped to.
    private var destinations: [DestinationGrain: [String: Set<String>]] = [:]
    private var yieldByPair: [String: Double] = [:]

    init(links: LinkSet, minimumCohort: Int) {
        self.links = links
        self.minimumCohort = minimumCohort
        lotBalances = links.lotBalances
        let events = links.events
        var countryPrices = [PriceCohort: [Double]]()
        var productPrices = [PriceCohort: [Double]]()
        var senderQuantities = [SenderProduct: [Double]]()
        var pairCounts = [FacilityPair: Int]()
        var firstShipped = [FacilityPair: Int64]()
        var activeDays = [String: Set<Int>]()
        var output = [String: Double]()

        // Ships in time order for novelty; ledger order otherwise.
        let shipOrder = events.indices.filter { events[$0].kind == .ship }.sorted {
            (events[$0].occurredAt, $0) < (events[$1].occurredAt, $1)
        }
        for position in shipOrder {
            let ship = events[position]
            let origin = ship.facility ?? ""
            for grain in DestinationGrain.allCases {
                guard let (keys, destination) = Self.destinationKeys(of: ship, grain: grain, links: links),
                    let product = ship.product
                else { continue }
                // The totals (even positions) are the same at both grains: counted once.
                for (index, key) in keys.enumerated() where grain == .country || index % 2 == 1 {
                    shipCounts[key, default: 0] += 1
                }
                destinations[grain, default: [:]][product, default: []].insert(destination)
            }
            let pair = FacilityPair(origin: origin, destination: ship.destination ?? "")
            pairNovelty[position] = pairCounts[pair, default: 0]
            pairCounts[pair, default: 0] += 1
            senderShipments[origin, default: 0] += 1
            if ship.facility != nil, ship.destination != nil {
                let time = ship.occurredAt.epochSeconds
                let first = firstShipped[pair] ?? time
                firstShipped[pair] = first
                relationshipAgeDays[position] = Double(time - first) / 86_400
            }
            if let quantity = ship.baseQuantity {
                pairVolume[pair, default: 0] += quantity
                senderVolume[origin, default: 0] += quantity
            }
        }
        // Once every pair's count is known, the volume to rare destinations, summed in time order like the totals.
        for position in shipOrder {
            let ship = events[position]
            let pair = FacilityPair(origin: ship.facility ?? "", destination: ship.destination ?? "")
            if let quantity = ship.baseQuantity, (pairCounts[pair] ?? 0) <= Self.rareShipments {
                rareVolume[pair.origin, default: 0] += quantity
            }
        }
        for position in events.indices {
            let event = events[position]
            guard let product = event.product else { continue }
            switch event.kind {
            case .ship:
                if let price = event.basePrice, let currency = event.currency {
                    let country = event.facility.flatMap { links.facilities[$0]?.country } ?? ""
                    countryPrices[PriceCohort(product: product, currency: currency, country: country), default: []]
                        .append(price)
                    productPrices[PriceCohort(product: product, currency: currency), default: []].append(price)
                }
                if let quantity = event.baseQuantity {
                    senderQuantities[SenderProduct(event), default: []].append(quantity)
                }
            case .produce, .transform:
                if event.kind == .transform, let quantity = event.baseQuantity {
                    senderQuantities[SenderProduct(event), default: []].append(quantity)
                }
                guard let facility = event.facility, let quantity = event.baseQuantity else { continue }
                let day = event.occurredAt.localDay
                dailyOutput[FacilityDay(facility: facility, day: day), default: 0] += quantity
                activeDays[facility, default: []].insert(day)
                output[facility, default: 0] += quantity
                if let lot = event.lot { madeOn[FacilityLot(facility: facility, lot: lot)] = day }
            default:
                continue
            }
        }
        priceByCountry = countryPrices.compactMapValues { $0.count >= minimumCohort ? median($0) : nil }
        priceByProduct = productPrices.compactMapValues { $0.count >= minimumCohort ? median($0) : nil }
        volumeBySender = senderQuantities.compactMapValues { $0.count >= 3 ? median($0) : nil }
        for (facility, total) in output {
            guard let workers = links.facilities[facility]?.workers, workers > 0,
                let days = activeDays[facility]?.count, days > 0
            else {
                continue
            }
            outputPerWorker[facility] = total / Double(workers) / Double(days)
        }
        var byKind = [String: [Double]]()
        for (facility, value) in outputPerWorker {
            byKind[links.facilities[facility]?.kind ?? "", default: []].append(value)
        }
        let kindMedians = byKind.mapValues(median)
        for facility in outputPerWorker.keys {
            outputPerWorkerMedian[facility] = kindMedians[links.facilities[facility]?.kind ?? ""]
        }
        var yields = [String: [Double]]()
        for link in links.transforms {
            if let yield = links.yield(of: link) { yields[yield.pair, default: []].append(yield.yield) }
        }
        yieldByPair = yields.compactMapValues { $0.count >= minimumCohort ? median($0) : nil }
    }

    /// The median price a shipment is compared with, from the narrowest cohort large enough.
    func priceReference(of ship: ChainEvent, origin: FacilityProfile?) -> (median: Double, cohort: String)? {
        guard let product = ship.product, let currency = ship.currency else { return nil }
        if let country = origin?.country,
            let median = priceByCountry[PriceCohort(product: product, currency: currency, country: country)]
        {
            return (median, "\(product) from \(country)")
        }
        return priceByProduct[PriceCohort(product: product, currency: currency)].map { ($0, product) }
    }

    func volumeMedian(of event: ChainEvent) -> Double? { volumeBySender[SenderProduct(event)] }

    /// What the ship's facility shipped of the lot in all, over what it produced, transformed into or received of it.
    func lotBalance(of ship: ChainEvent) -> Double? {
        guard let facility = ship.facility, let lot = ship.lot,
            let balance = lotBalances[FacilityLot(facility: facility, lot: lot)], balance.inflow > 0
        else { return nil }
        return balance.outflow / balance.inflow
    }

    /// The count keys of a ship at a destination grain: (facility, product), (facility, product, destination),
    /// (origin country, product), (origin country, product, destination), product, (product, destination), where the
    /// destination is the destination facility's country or its region; and that destination. Nil without a product or
    /// the two countries.
    private static func destinationKeys(of ship: ChainEvent, grain: DestinationGrain, links: LinkSet) -> (
        keys: [String], destination: String
    )? {
        guard let product = ship.product, let facility = ship.facility, let from = links.facilities[facility]?.country,
            let country = ship.destination.flatMap({ links.facilities[$0]?.country })
        else { return nil }
        let to = grain.rawValue + (grain == .country ? country : CountryRegions.region(of: country))
        let separator = "\u{0}"
        let keys = [
            "f" + facility + separator + product, "f" + facility + separator + product + separator + to,
            "c" + from + separator + product, "c" + from + separator + product + separator + to,
            "p" + product, "p" + product + separator + to,
        ]
        return (keys, to)
    }

    /// How likely the destination's country (or its region) is for this sender and product, from the sender
    /// facility's other shipments of the product, shrunk towards its origin country's, shrunk in turn towards
    /// everyone's (a hierarchical Dirichlet-multinomial predictive; "other" leaves the shipment itself out):
    ///
    ///     global  = (n_p + 1) / (N_p + C)               over all other shipments of the product, C its destinations
    ///     country = (n_c + k · global) / (N_c + k)      over the other shipments of the product from the origin's country
    ///     share   = (n_f + k · country) / (N_f + k)     over the sender facility's other shipments of the product
    ///
    /// with k = 10. A destination the sender and its compatriots never ship the product to gets a small share that is
    /// smaller the longer their history and the rarer the destination for the product, never a 0 that many such
    /// shipments would tie at. `nil` where the origin's country has fewer than `minimumCohort` other shipments of the
    /// product.
    func destinationShare(of ship: ChainEvent, grain: DestinationGrain) -> Double? {
        guard let keys = Self.destinationKeys(of: ship, grain: grain, links: links)?.keys, let product = ship.product
        else { return nil }
        func others(_ key: String) -> Double { Double((shipCounts[key] ?? 1) - 1) }
        let countryTotal = others(keys[2])
        guard countryTotal >= Double(minimumCohort) else { return nil }
        let weight = 10.0
        let destinations = Double(max(1, destinations[grain]?[product]?.count ?? 1))
        let global = (others(keys[5]) + 1) / (others(keys[4]) + destinations)
        let country = (others(keys[3]) + weight * global) / (countryTotal + weight)
        return (others(keys[1]) + weight * country) / (others(keys[0]) + weight)
    }

    /// The share of the sender facility's shipped volume (over the range, in base units) that went to destinations
    /// receiving at most ``rareShipments`` of its shipments. Volume scattered over one-off counterparties is how goods
    /// are layered through shell companies (FATF/Egmont 2021, "Trade-based money laundering: risk indicators").
    /// Missing for a sender with fewer than `minimumCohort` shipments, whose every counterparty is rare.
    func rarePartnerShare(of ship: ChainEvent) -> Double? {
        guard let origin = ship.facility, ship.destination != nil,
            (senderShipments[origin] ?? 0) >= max(1, minimumCohort), let total = senderVolume[origin], total > 0
        else { return nil }
        return (rareVolume[origin] ?? 0) / total
    }

    func pairShare(of ship: ChainEvent) -> Double? {
        let origin = ship.facility ?? ""
        guard let total = senderVolume[origin], total > 0 else { return nil }
        return (pairVolume[FacilityPair(origin: origin, destination: ship.destination ?? "")] ?? 0) / total
    }

    /// The facility's output on the day it made `lot`, over its capacity.
    func utilisation(ofLot lot: String?, at facility: FacilityProfile?) -> Double? {
        guard let lot, let facility, let capacity = facility.baseCapacity, capacity.value > 0,
            let day = madeOn[FacilityLot(facility: facility.id, lot: lot)],
            let output = dailyOutput[FacilityDay(facility: facility.id, day: day)]
        else { return nil }
        return output / capacity.value
    }

    /// 1 if the event's certificate is its facility's and valid on the event's local day, 0 if not,
    /// nil if it claims none.
    func certificateValidity(of event: ChainEvent, at facility: FacilityProfile?) -> Double? {
        guard let claimed = event.certificate else { return nil }
        return certificateProblem(claimed: claimed, day: event.occurredAt.localDay, facility: facility) == nil ? 1 : 0
    }

    func yieldMedian(pair: String) -> Double? { yieldByPair[pair] }
}

/// Why a claimed certificate is not valid for an event on `day` at `facility`; nil if it is.
func certificateProblem(claimed: String, day: Int, facility: FacilityProfile?) -> String? {
    guard let facility else { return "claims certificate \(claimed) at a facility with no master data" }
    guard let held = facility.certificate else {
        return "claims certificate \(claimed), but facility \(facility.id) holds none"
    }
    guard held == claimed else {
        return "claims certificate \(claimed), but facility \(facility.id) holds \(held)"
    }
    if let expires = facility.certificateExpires, day > expires {
        return
            "claims certificate \(claimed), which expired \(day - expires) day(s) before (on \(Report.isoDate(expires)))"
    }
    return nil
}

struct FacilityDay: Hashable {
    let facility: String
    let day: Int
}

/// Where a shipment goes, at the grain ``FeatureContext/destinationShare(of:grain:)`` estimates: the raw values prefix
/// the count keys.
enum DestinationGrain: String, CaseIterable {
    case country = "c"
    /// The country's M49 region (``CountryRegions``).
    case region = "r"
}

/// A price cohort: a product in a currency, from one origin country or (nil) from anywhere.
private struct PriceCohort: Hashable {
    let product: String
    let currency: String
    var country: String?
}

/// What one participant ships or makes of one product, by kind of event.
private struct SenderProduct: Hashable {
    let signer: String
    let product: String
    let kind: EventKind

    init(_ event: ChainEvent) {
        signer = event.signer
        product = event.product ?? ""
        kind = event.kind
    }
}

/// Shipments from one facility to another.
private struct FacilityPair: Hashable {
    let origin: String
    let destination: String
}

/// The median of `values` (NaNs excluded); NaN when none remain.
func median(_ values: [Double]) -> Double {
    let sorted = values.filter { !$0.isNaN }.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

extension Report {
    /// `YYYY-MM-DD` of a day number.
    static func isoDate(_ day: Int) -> String {
        let (year, month, dayOfMonth) = Timestamp.civilFromDays(day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(dayOfMonth))"
    }
}
