public import LedgerCore
internal import Pipeline

/// Where the goods of a lot came from, as the EU deforestation regulation's due-diligence statement needs it
/// (Regulation (EU) 2023/1115, Art. 9(1)(d)): the lot followed back through every transformation to the harvests
/// (`produce` events) that went into it, each harvest's share of the lot by mass balance, and each plot's share.
///
/// A transformation's inputs share its output in proportion to the quantities it consumed (in kilograms where the
/// units are masses); a lot's harvests and inputs share it in proportion to their quantities; a harvest's share is
/// split among the plots it names by their areas. Ships, receives and splits of a lot do not change what it is made
/// of. docs/regulatory.md.
public struct EUDROrigins: Sendable {
    /// One plot and the share of the lot that came from it.
    public struct Plot: Sendable {
        public let id: String
        /// The producer that registered the plot, and its name.
        public let party: String
        public let producerName: String
        /// The plot's master data (its latest `facility` event's fields).
        public let fields: [String: JSONValue]
        public let geometry: PlotGeometry
        /// The share of the lot, 0…1.
        public let share: Double
        /// The record IDs of the harvests from it that went into the lot.
        public let harvests: [String]

        public var name: String { fields["name"]?.stringValue ?? id }
        public var country: String { fields["country"]?.stringValue ?? "" }
        public var commodity: String { fields["commodity"]?.stringValue ?? "" }
        public var areaHectares: Double { fields["area_ha"]?.stringValue.flatMap(Double.init) ?? 0 }
        public var established: String? { fields["established"]?.stringValue }

        /// Whether the land was established or last cleared on or before the cut-off, 31 December 2020
        /// (Art. 2(13)); `nil` when the plot declares no date.
        public var predatesCutoff: Bool? { established.map { $0 <= EUDROrigins.cutoff } }
    }

    /// One harvest that went into the lot.
    public struct Harvest: Sendable {
        public let eventID: String
        public let recordID: String
        public let signer: String
        public let lot: String
        public let plots: [String]
        public let share: Double
    }

    /// The goods the statement covers, as the ledger last records the lot: its product (with the Harmonized System
    /// code its master data state), its latest recorded quantity, and the participant that recorded the lot last,
    /// at which facility: the operator or trader that holds it, whose details the statement names (Art. 9(1)(a)).
    public struct Goods: Sendable {
        public let product: String?
        public let productName: String?
        public let hsCode: String?
        public let quantity: String?
        public let unit: String?
        public let holder: String
        public let holderName: String
        public let facility: String?
        public let facilityName: String?
        public let country: String?
    }

    /// The EUDR cut-off date (Art. 2(13)).
    public static let cutoff = "2020-12-31"
    /// The most a geolocation file may weigh in the EU Information System.
    public static let geoJSONLimitBytes = 25_000_000

    public let lot: String
    public let goods: Goods
    public let plots: [Plot]
    public let harvests: [Harvest]
    /// The events the statement rests on: the harvests, the transformations between them and the lot, and the
    /// plots' master data, in ledger order; a proof bundle of each lets a reader check the report offline.
    public var evidence: [String] { evidenceByIndex.sorted { $0.key < $1.key }.map(\.value) }
    /// The ledger indexes of ``evidence``, in the same order.
    public var evidenceIndexes: [Int] { evidenceByIndex.keys.sorted() }
    /// ``evidence`` by ledger index.
    var evidenceByIndex = [Int: String]()

    /// Traces `lot` through `history` (its timeline, with the upstream lots' events and their disclosures).
    ///
    /// - Throws: ``LedgerError`` `invalidState` naming the harvest that names no plot, the plot that is not
    ///   registered or has no readable geometry, or the transformation whose inputs have no quantities.
    public init(
        lot: String, history: History, facilities: [String: MasterDataVersion], producers: [String: String],
        products: ProductCatalog = ProductCatalog()
    ) throws(LedgerError) {
        self.lot = lot
        goods = Self.goods(
            of: history.entries.filter { $0.relation == .subject }.map(\.event), facilities: facilities,
            producers: producers, products: products)
        var produced = [String: [SignedEvent]]()
        var made = [String: [SignedEvent]]()
        for entry in history.entries where entry.relation != .downstream {
            let event = entry.event
            guard let eventLot = event.visibleFields["lot"]?.stringValue else { continue }
            switch event.header.kind {
            case .produce: produced[eventLot, default: []].append(event)
            case .transform: made[eventLot, default: []].append(event)
            default: continue
            }
        }
        var events = [String: SignedEvent]()
        var transforms = Set<String>()
        // What each lot is made of, as harvest ID → share of the lot, computed once per lot (a lot that reaches the
        // target through several transformations is not walked again); a lot met again while it is being computed
        // (a cycle, which the ledger's lots should not hold) adds nothing.
        var compositions = [String: [String: Double]]()
        var inProgress = Set<String>()
        func composition(of lot: String) throws(LedgerError) -> [String: Double] {
            if let known = compositions[lot] { return known }
            guard inProgress.insert(lot).inserted else { return [:] }
            defer { inProgress.remove(lot) }
            var sources = [(quantity: Double, harvest: SignedEvent?, input: String?)]()
            for event in produced[lot] ?? [] {
                sources.append((Self.kilograms(event.visibleFields, "quantity") ?? 0, event, nil))
            }
            for event in made[lot] ?? [] {
                transforms.insert(event.id.hex)
                let inputs = event.visibleFields["input_lots"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let quantities =
                    event.visibleFields["input_quantities"]?.arrayValue?.compactMap(\.stringValue).compactMap(
                        Double.init) ?? []
                guard inputs.count == quantities.count else {
                    throw LedgerError(
                        .invalidState,
                        "transform \(event.header.recordID) (lot \(lot)) has no input quantities to apportion by: they are withheld or missing"
                    )
                }
                let factor = Self.kilogramFactor(event.visibleFields["unit"]?.stringValue)
                for (input, quantity) in zip(inputs, quantities) { sources.append((quantity * factor, nil, input)) }
            }
            let total = sources.reduce(0) { $0 + $1.quantity }
            var result = [String: Double]()
            if total > 0 {
                for source in sources where source.quantity > 0 {
                    let part = source.quantity / total
                    if let harvest = source.harvest {
                        events[harvest.id.hex] = harvest
                        result[harvest.id.hex, default: 0] += part
                    } else if let input = source.input {
                        for (harvest, share) in try composition(of: input) {
                            result[harvest, default: 0] += part * share
                        }
                    }
                }
            }
            compositions[lot] = result
            return result
        }
        var harvestShares = [String: (event: SignedEvent, share: Double)]()
        for (id, share) in try composition(of: lot) {
            if let event = events[id] { harvestShares[id] = (event, share) }
        }

        var harvests = [Harvest]()
        var plotShares = [String: (share: Double, harvests: [String])]()
        for (id, entry) in harvestShares.sorted(by: { $0.key < $1.key }) {
            let event = entry.event
            let plots = event.visibleFields["plots"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let eventLot = event.visibleFields["lot"]?.stringValue ?? ""
            guard !plots.isEmpty else {
                throw LedgerError(
                    .invalidState,
                    "harvest \(event.header.recordID) (lot \(eventLot), by \(event.header.signer)) names no plot: the origin of \(Self.percent(entry.share)) of lot \(lot) cannot be located (its producer names the plots in the plots field)"
                )
            }
            var areas = [Double]()
            for plot in plots {
                guard let master = facilities[plot], master.fields["kind"]?.stringValue == "plot" else {
                    throw LedgerError(
                        .invalidState, "harvest \(event.header.recordID) names '\(plot)', which is no registered plot")
                }
                areas.append(master.fields["area_ha"]?.stringValue.flatMap(Double.init) ?? 0)
            }
            let totalArea = areas.reduce(0, +)
            for (plot, area) in zip(plots, areas) {
                let part = totalArea > 0 ? entry.share * area / totalArea : entry.share / Double(plots.count)
                plotShares[plot, default: (0, [])].share += part
                plotShares[plot, default: (0, [])].harvests.append(event.header.recordID)
            }
            harvests.append(
                Harvest(
                    eventID: id, recordID: event.header.recordID, signer: event.header.signer, lot: eventLot,
                    plots: plots, share: entry.share))
        }
        var plots = [Plot]()
        for (id, entry) in plotShares.sorted(by: { $0.key < $1.key }) {
            guard let master = facilities[id] else { continue }
            guard let text = master.fields["geometry"]?.stringValue,
                let value = try? JSONParser.parse(text), let geometry = try? PlotGeometry(geoJSON: value)
            else {
                throw LedgerError(.invalidState, "plot \(id) has no geometry that reads")
            }
            let party = master.fields["party"]?.stringValue ?? master.signer
            plots.append(
                Plot(
                    id: id, party: party, producerName: producers[party] ?? party, fields: master.fields,
                    geometry: geometry, share: entry.share, harvests: entry.harvests))
        }
        guard !harvests.isEmpty else {
            throw LedgerError(.invalidState, "lot \(lot) comes from no harvest in the ledger: nothing to locate")
        }
        self.plots = plots
        self.harvests = harvests
        var indexOf = [String: Int]()
        for entry in history.entries { indexOf[entry.event.id.hex] = entry.index }
        for hex in Set(harvests.map(\.eventID)).union(transforms) {
            if let index = indexOf[hex] { evidenceByIndex[index] = hex }
        }
    }

    /// The goods as `events`, the lot's own in time order, last record them.
    static func goods(
        of events: [SignedEvent], facilities: [String: MasterDataVersion], producers: [String: String],
        products: ProductCatalog
    ) -> Goods {
        let last = events.last
        let measured = events.last { $0.visibleFields["quantity"]?.stringValue != nil }
        let named = events.lazy.compactMap { event in
            event.visibleFields["product"]?.stringValue.map { (name: $0, signer: event.header.signer) }
        }.last
        let product = named.map { products.product(named: $0.name, signer: $0.signer) ?? $0.name }
        let holder = last?.header.signer ?? ""
        let facility = last?.visibleFields["facility"]?.stringValue
        let site = facility.flatMap { facilities[$0]?.fields }
        return Goods(
            product: product, productName: product.flatMap { products.names[$0] },
            hsCode: product.flatMap { products.hsCodes[$0] },
            quantity: measured?.visibleFields["quantity"]?.stringValue,
            unit: measured?.visibleFields["unit"]?.stringValue, holder: holder, holderName: producers[holder] ?? holder,
            facility: facility, facilityName: site?["name"]?.stringValue, country: site?["country"]?.stringValue)
    }

    /// The lot's latest recorded quantity in kilograms, when its unit is a mass.
    var quantityKilograms: Double? {
        guard let quantity = goods.quantity.flatMap(Double.init),
            let unit = goods.unit.flatMap(MeasureUnit.init), unit.dimension == .mass
        else { return nil }
        return quantity * unit.factor
    }

    /// The geolocation file the EU Information System takes: a GeoJSON FeatureCollection, one feature per plot with
    /// its geometry and the properties of the Commission's "EUDR GeoJSON File Description" (version 1.2):
    /// `ProducerName`, `ProducerCountry`, `ProductionPlace`, and `Area` (hectares) for a point.
    public var geoJSON: JSONValue {
        .object([
            "type": "FeatureCollection",
            "features": .array(
                plots.map { plot in
                    var properties: [String: JSONValue] = [
                        "ProducerName": .string(plot.producerName), "ProducerCountry": .string(plot.country),
                        "ProductionPlace": .string(plot.name),
                    ]
                    if case .point = plot.geometry, let area = plot.fields["area_ha"]?.stringValue {
                        properties["Area"] = .number(area)
                    }
                    let geometry = plot.fields["geometry"]?.stringValue.flatMap { try? JSONParser.parse($0) } ?? .null
                    return .object(["type": "Feature", "properties": .object(properties), "geometry": geometry])
                }),
        ])
    }

    /// The checks the statement rests on, each with its outcome and what fails it.
    public var checks: [(name: String, passed: Bool, detail: String)] {
        let late = plots.filter { $0.predatesCutoff == false }.map { "\($0.id) (\($0.established ?? ""))" }
        let undated = plots.filter { $0.predatesCutoff == nil }.map(\.id)
        let covered = plots.reduce(0) { $0 + $1.share }
        return [
            ("every harvest names its plots", true, "\(harvests.count) harvests, \(plots.count) plots"),
            (
                "the plots cover the whole lot", abs(covered - 1) < 1e-9,
                "\(Self.percent(covered)) of the lot traced to plots"
            ),
            (
                "land established on or before \(Self.cutoff)", late.isEmpty && undated.isEmpty,
                late.isEmpty && undated.isEmpty
                    ? "every plot declares a date on or before the cut-off"
                    : (late.isEmpty ? "" : "after the cut-off: \(late.joined(separator: ", ")). ")
                        + (undated.isEmpty ? "" : "no date declared: \(undated.joined(separator: ", "))")
            ),
        ]
    }

    /// The summary of the statement's geolocation: plots and harvests with their shares, commodities, countries,
    /// and the checks.
    public var summary: JSONValue {
        var commodities = [String: Double]()
        for plot in plots { commodities[plot.commodity, default: 0] += plot.share }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let kilograms = quantityKilograms
        return .object([
            "lot": .string(lot),
            "goods": .object([
                "product": text(goods.product), "product_name": text(goods.productName), "hs_code": text(goods.hsCode),
                "quantity": goods.quantity.map(JSONValue.number) ?? .null, "unit": text(goods.unit),
            ]),
            "operator": .object([
                "participant": .string(goods.holder), "name": .string(goods.holderName),
                "facility": text(goods.facility), "facility_name": text(goods.facilityName),
                "country": text(goods.country),
            ]),
            "commodity_quantities_kg": kilograms.map { total in
                .object(commodities.mapValues { .number(Self.decimal($0 * total)) })
            } ?? .null,
            "regulation": "Regulation (EU) 2023/1115",
            "geojson_format": "EUDR GeoJSON File Description 1.2",
            "plots": .array(
                plots.map { plot in
                    .object([
                        "plot": .string(plot.id), "party": .string(plot.party), "producer": .string(plot.producerName),
                        "country": .string(plot.country), "commodity": .string(plot.commodity),
                        "area_ha": plot.fields["area_ha"]?.stringValue.map(JSONValue.number) ?? .null,
                        "established": plot.established.map(JSONValue.string) ?? .null,
                        "share": .number(Self.decimal(plot.share)),
                        "harvests": .array(plot.harvests.map(JSONValue.string)),
                    ])
                }),
            "harvests": .array(
                harvests.map { harvest in
                    .object([
                        "event_id": .string(harvest.eventID), "record_id": .string(harvest.recordID),
                        "signer": .string(harvest.signer), "lot": .string(harvest.lot),
                        "plots": .array(harvest.plots.map(JSONValue.string)),
                        "share": .number(Self.decimal(harvest.share)),
                    ])
                }),
            "commodities": .object(commodities.mapValues { .number(Self.decimal($0)) }),
            "countries": .array(Set(plots.map(\.country)).sorted().map(JSONValue.string)),
            "evidence": .array(evidence.map(JSONValue.string)),
            "checks": .array(
                checks.map {
                    .object(["check": .string($0.name), "passed": .bool($0.passed), "detail": .string($0.detail)])
                }),
        ])
    }

    /// A share as a decimal with 6 places, trailing zeros dropped.
    static func decimal(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A share as a percentage with two decimals.
    public static func percent(_ share: Double) -> String { String(format: "%.2f %%", share * 100) }

    /// The quantity in kilograms when its unit is a mass, else as given.
    static func kilograms(_ fields: [String: JSONValue], _ name: String) -> Double? {
        guard let quantity = fields[name]?.stringValue.flatMap(Double.init) else { return nil }
        return quantity * kilogramFactor(fields["unit"]?.stringValue)
    }

    /// Kilograms per one of `unit` when it is a mass (``MeasureUnit``), else 1.
    static func kilogramFactor(_ unit: String?) -> Double {
        guard let measure = unit.flatMap(MeasureUnit.init), measure.dimension == .mass else { return 1 }
        return measure.factor
    }
}

/// The files of a lot's due-diligence statement, as `prov report eudr` writes them: the geolocation for the EU
/// Information System, the summary, and a proof bundle of each event the statement rests on, one per line.
public struct EUDRStatement: Sendable {
    public let origins: EUDROrigins
    /// `eudr-LOT.geojson`: the FeatureCollection, at most ``EUDROrigins/geoJSONLimitBytes``.
    public let geoJSON: [UInt8]
    /// `eudr-LOT.json`: ``EUDROrigins/summary``.
    public let summary: [UInt8]
    /// `eudr-LOT.proofs`: one canonical proof bundle per line, in the order of ``EUDROrigins/evidence``.
    public let proofs: [UInt8]

    /// The files' common name, `eudr-LOT`, with any character of the lot other than a letter, a digit, `-`, `_` or
    /// `.` written as `_`.
    public var baseName: String {
        "eudr-" + String(origins.lot.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }
}

extension Ledger {
    /// The files of `lot`'s due-diligence statement (``EUDRStatement``).
    ///
    /// - Throws: ``LedgerError`` as ``eudrOrigins(of:)``, and `invalidState` for a geolocation file over the EU
    ///   Information System's limit.
    public func eudrStatement(of lot: String) async throws(LedgerError) -> EUDRStatement {
        let origins = try await eudrOrigins(of: lot)
        let geoJSON = Array(origins.geoJSON.prettyPrinted().utf8) + [0x0A]
        guard geoJSON.count <= EUDROrigins.geoJSONLimitBytes else {
            throw LedgerError(
                .invalidState,
                "the geolocation file would be \(geoJSON.count) bytes, over the EU Information System's limit of \(EUDROrigins.geoJSONLimitBytes): split the lot's statement"
            )
        }
        var proofs = [UInt8]()
        for bundle in try await self.proofs(at: origins.evidenceIndexes) { proofs += try bundle.serialized() }
        return EUDRStatement(
            origins: origins, geoJSON: geoJSON, summary: Array(origins.summary.prettyPrinted().utf8) + [0x0A],
            proofs: proofs)
    }

    /// Where the goods of `lot` came from, for its due-diligence statement (``EUDROrigins``).
    ///
    /// - Throws: ``LedgerError`` `notFound` for a lot the ledger does not hold; `invalidState` as ``EUDROrigins``.
    public func eudrOrigins(of lot: String) async throws(LedgerError) -> EUDROrigins {
        let history = try await history(of: lot, as: .lot)
        var facilities = [String: MasterDataVersion]()
        for version in try await self.facilities() { facilities[version.id] = version }
        var producers = [String: String]()
        for participant in try await participants() { producers[participant.id] = participant.name }
        var origins = try EUDROrigins(
            lot: lot, history: history, facilities: facilities, producers: producers,
            products: try await productCatalog())
        // The plots' master data: the version each plot's share rests on, its latest.
        for record in try await store.events(at: origins.plots.compactMap { facilities[$0.id]?.index }) {
            origins.evidenceByIndex[record.index] = Hex.encode(record.id)
        }
        return origins
    }
}
