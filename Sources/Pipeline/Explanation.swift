/// Plain-language sentences for the features that drove a score.
enum Explanation {
    /// "unit price 0.41 USD/kg is 84 % below the median 2.60 for cocoa-beans from GH".
    static func priceText(ship: ChainEvent, ratio: Double, median: Double, cohort: String) -> String {
        let unit = ship.dimension?.rawValue ?? ship.unit ?? "unit"
        let currency = ship.currency ?? ""
        let price = ship.basePrice ?? ratio * median
        let direction = ratio < 1 ? "\(Format.percent(1 - ratio)) below" : "\(Format.percent(ratio - 1)) above"
        return
            "unit price \(Format.number(price)) \(currency)/\(unit) is \(direction) the median \(Format.number(median)) for \(cohort)"
    }

    /// "transit 1,540 h is 8.1× the 190 h median of 212 shipments on lane MILL-NL-01 → WH-DE-03", or, for a receive
    /// before its ship, "received 12 h before it was shipped; the 190 h median of 212 shipments on lane …".
    static func laneText(hours: Double, lane: LaneTransits.Reference) -> String {
        let peers = lane.text(unit: "h", members: "shipments on ")
        if hours < 0 { return "received \(Format.number(-hours)) h before it was shipped, against \(peers)" }
        guard lane.median > 0 else { return "transit \(Format.number(hours)) h, against \(peers)" }
        return "transit \(Format.number(hours)) h is \(Format.number(hours / lane.median))× \(peers)"
    }

    /// "lost 12 % in transit, against the 1.0 % median of 212 shipments on lane MILL-NL-01 → WH-DE-03"; a gain
    /// (more received than shipped) reads as such.
    static func lossText(loss: Double, lane: PeerReference) -> String {
        let percent = PeerReference(
            group: lane.group, count: lane.count, median: lane.median * 100, spread: lane.spread * 100,
            parent: lane.parent.map {
                PeerReference.Parent(group: $0.group, count: $0.count, median: $0.median * 100, weight: $0.weight)
            })
        let what =
            loss < 0
            ? "received \(Format.percent(-loss)) more than was shipped" : "lost \(Format.percent(loss)) in transit"
        return "\(what), against \(percent.text(unit: "%", members: "shipments on "))"
    }

    /// "FARM-GH-01 shipped 12,000 kg of cocoa-beans in the 30 days up to this shipment, 3.20× its median of 3,750 kg
    /// over 40 such windows, while the other senders of cocoa-beans shipped 1.05× their median".
    static func windowText(_ window: VolumeWindows.Window, sender: String, event: ChainEvent) -> String {
        let unit = event.dimension?.rawValue ?? ""
        let days = VolumeWindows.seconds / 86_400
        let product = event.product ?? "the product"
        let own =
            "\(sender) shipped \(Format.number(window.volume)) \(unit) of \(product) in the \(days) days up to this shipment, \(Format.number(window.volume / window.median))× its median of \(Format.number(window.median)) \(unit) over \(window.count) such windows"
        guard window.othersMedian > 0 else { return own + "; no other facility ships \(product)" }
        return own
            + ", while the other senders of \(product) shipped \(Format.number(window.others / window.othersMedian))× their median"
    }

    /// "shipped 1,010 h after it arrived, 21× the 48 h median of 230 cocoa-beans shipped from farms".
    static func dwellText(hours: Double, peers: PeerReference) -> String {
        let against = peers.text(unit: "h", members: "")
        if hours < 0 { return "shipped \(Format.number(-hours)) h before the lot arrived, against \(against)" }
        guard peers.median > 0 else {
            return "shipped \(Format.number(hours)) h after the lot arrived, against \(against)"
        }
        return
            "shipped \(Format.number(hours)) h after the lot arrived, \(Format.number(hours / peers.median))× \(against)"
    }

    /// The sentence for one feature of one scored link.
    ///
    /// - Parameters:
    ///   - value: the link's raw value.
    ///   - columnMedian: the feature's median over all scored links.
    static func text(
        feature: String, value: Double, columnMedian: Double, row: Int, table: FeatureTable, links: LinkSet
    ) -> String {
        let subject = table.subjects[row]
        var ship: ChainEvent?
        var event: ChainEvent
        var origin = "the facility"
        var destination = "its destination"
        var transit: Double?
        var loss: Double?
        switch subject {
        case .shipment(let position):
            let link = links.shipments[position]
            transit = links.transitHours(of: link)
            loss = links.lossRatio(of: link)
            let first = link.ship ?? link.receive ?? 0
            event = links.events[first]
            ship = link.ship.map { links.events[$0] }
            origin = links.origin(of: link)?.id ?? origin
            destination = links.destination(of: link)?.id ?? destination
        case .transform(let position):
            event = links.events[links.transforms[position].transform]
            origin = event.facility ?? origin
        }
        let against = "against a median of \(Format.number(columnMedian))"
        switch feature {
        case "price_ratio":
            if let ship {
                return priceText(
                    ship: ship, ratio: value, median: table.priceMedian[row], cohort: table.priceCohort[row])
            }
        case "transit_hours":
            return "transit took \(Format.number(value)) h, \(against) h"
        case "transit_lane_deviation":
            if let lane = table.laneReference[row], let transit { return laneText(hours: transit, lane: lane) }
        case "dwell_deviation":
            if let reference = table.dwellReference[row], !table.dwellHours[row].isNaN {
                return dwellText(hours: table.dwellHours[row], peers: reference)
            }
        case "lot_balance":
            let direction = value >= 1 ? "\(Format.percent(value - 1)) more" : "\(Format.percent(1 - value)) less"
            return "\(origin) shipped \(direction) of lot \(event.lot ?? "") than it made or received of it"
        case "destination_country_share", "destination_region_share":
            let country = ship.flatMap { $0.destination }.flatMap { links.facilities[$0]?.country }
            let place =
                feature == "destination_country_share"
                ? country ?? "that country"
                : country.map { "\(CountryRegions.region(of: $0)) (\($0)'s region)" } ?? "that region"
            let product = event.product ?? "the product"
            return value < 0.001
                ? "\(origin) and its country's other senders rarely or never ship \(product) to \(place) (an estimated share below 0.1 %, against a median of \(Format.percent(columnMedian)))"
                : "an estimated \(Format.percent(value)) of \(origin)'s shipments of \(product) go to \(place), against a median of \(Format.percent(columnMedian))"
        case "distance_km":
            return "\(Format.number(value)) km from \(origin) to \(destination), \(against) km"
        case "speed_kmh":
            return "implied speed \(Format.number(value)) km/h, \(against) km/h"
        case "speed_lane_ratio":
            if let lane = table.speedReference[row] {
                return
                    "implied speed \(Format.number(value * lane.median)) km/h is \(Format.number(value))× \(lane.text(unit: "km/h", members: "shipments on "))"
            }
        case "loss_lane_deviation":
            if let lane = table.lossReference[row], let loss { return lossText(loss: loss, lane: lane) }
        case "volume_window_ratio":
            if let window = table.volumeWindow[row] { return windowText(window, sender: origin, event: event) }
        case "loss_ratio":
            return
                "\(Format.percent(value)) of the quantity was lost in transit, against a median of \(Format.percent(columnMedian))"
        case "volume_ratio":
            let median = table.volumeMedian[row]
            let unit = event.dimension?.rawValue ?? ""
            return
                "quantity \(Format.number(value * median)) \(unit) is \(Format.number(value))× the sender's median of \(Format.number(median)) \(unit) for \(event.product ?? "the product")"
        case "pair_novelty":
            return value >= 1
                ? "first shipment from \(origin) to \(destination)" : "\(origin) has shipped to \(destination) before"
        case "pair_share":
            return
                "\(origin) sends \(Format.percent(value)) of its volume to \(destination), against a median of \(Format.percent(columnMedian))"
        case "relationship_age_days":
            return value < 1
                ? "the first shipment from \(origin) to \(destination) (relationships are \(Format.number(columnMedian)) days old at the median)"
                : "\(origin) has shipped to \(destination) for \(Format.number(value)) days, \(against) days"
        case "rare_partner_share":
            return
                "\(origin) sends \(Format.percent(value)) of its volume to destinations that get at most \(FeatureContext.rareShipments) of its shipments, against a median of \(Format.percent(columnMedian))"
        case "output_per_worker":
            return "\(origin) puts out \(Format.number(value))× the output per worker and day of facilities of its kind"
        case "capacity_utilisation":
            return
                "\(origin) ran at \(Format.percent(value)) of its daily capacity the day the lot was made, against a median of \(Format.percent(columnMedian))"
        case "certificate_valid":
            return value < 0.5
                ? "the certificate claimed is not valid for \(origin) that day" : "the certificate claimed is valid"
        case "yield_ratio":
            let median = table.yieldMedian[row]
            return
                "yield \(Format.number(value * median)) is \(Format.number(value))× the median \(Format.number(median)) for its product pair"
        default:
            break
        }
        return "\(feature) \(Format.number(value)), \(against)"
    }
}
