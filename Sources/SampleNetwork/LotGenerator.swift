internal import LedgerCore

/// Makes the rows of one lot after another, keeping only what crosses lots: how full each
/// facility is on each day, recent serial numbers (for cloning), and the anomalies still to place.
///
/// Every event of lot `i` happens at or after ``SampleNetwork/Configuration/lotStart(_:)`` of `i`,
/// which is what lets the file writer put rows in time order with a bounded buffer.
struct LotGenerator {
    /// The rows and labels of one lot.
    struct LotOutput {
        var rows: [(party: Int, row: SampleNetwork.ShipmentRow)] = []
        var labels: [SampleNetwork.Label] = []
        var anomaly: SampleNetwork.AnomalyKind?
    }

    /// A link of a lot's plan: which shipment an anomaly applies to.
    enum Link: Equatable {
        case raw(Int)
        case toDistributor
        case toStore(Int)
    }

    /// Serial numbers of a recent lot, for ``SampleNetwork/AnomalyKind/clonedSerial``.
    struct SerialLot {
        let firstEpoch: Int64
        let serials: [String]
    }

    struct FacilityDay: Hashable {
        let facility: Int
        let day: Int
    }

    let configuration: SampleNetwork.Configuration
    let topology: Topology
    private var anomalyRandom: SampleRandom
    private var rotation: [SampleNetwork.AnomalyKind]
    private var rotationIndex = 0
    /// Anomalies drawn but not placed yet, per rotation position: a pattern that does not fit a
    /// lot (no long link, no earlier serials) waits for one that fits, without holding up others.
    private var owed: [Int]
    private var roundRobin: [[Int]]
    private var load: [FacilityDay: Int64] = [:]
    /// Recent serialized lots per product line: raw stage and output stage.
    private var rawSerialPool: [[SerialLot]]
    private var outputSerialPool: [[SerialLot]]
    private let lineWeights: [Double]

    init(configuration: SampleNetwork.Configuration, topology: Topology) {
        self.configuration = configuration
        self.topology = topology
        anomalyRandom = SampleRandom(seed: configuration.seed, stream: 2)
        var order = configuration.patterns
        if order.count > 1 {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, anomalyRandom.int(0...index))
            }
        }
        rotation = order
        owed = order.map { _ in 0 }
        roundRobin = topology.origins.map { $0.map { _ in 0 } }
        rawSerialPool = Catalog.lines.map { _ in [] }
        outputSerialPool = Catalog.lines.map { _ in [] }
        lineWeights = Catalog.lines.map(\.share)
    }

    // MARK: - One lot

    mutating func lot(_ index: Int) -> LotOutput {
        var random = SampleRandom(seed: configuration.seed, stream: 1000 &+ UInt64(index))
        let t0 = configuration.lotStart(index)
        if index % 4096 == 0 { pruneLoad(before: Formatting.localDay(t0, offsetMinutes: 0) - 2) }

        // The plan: who takes part.
        let lineIndex = random.weightedIndex(lineWeights)
        let line = Catalog.lines[lineIndex]
        let regionIndex = random.weightedIndex(topology.origins[lineIndex].map(\.weight))
        let region = topology.origins[lineIndex][regionIndex]
        let rawCount = line.rawUnit == .pcs ? random.int(1...2) : [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3][random.int(0..<11)]
        let processingCountry = region.processedIn[random.int(0..<region.processedIn.count)]
        guard var processing = topology.processing[lineIndex].first(where: { $0.country == processingCountry }) else {
            preconditionFailure("catalog: \(line.name) has no processor in \(processingCountry)")
        }
        var processor = processing.facilities[random.int(0..<processing.facilities.count)]
        // Processors of the line in countries the region never supplies, for an unusual destination.
        let unusualProcessing = topology.processing[lineIndex].filter { !region.processedIn.contains($0.country) }
        let distributor = topology.distributors[random.weightedIndex(topology.distributors.map(\.weight))]
        let warehouse = distributor.facilities[random.int(0..<distributor.facilities.count)]
        let marketStores = topology.stores[distributor.market] ?? []
        var storeCount = [1, 1, 2, 2, 3][random.int(0..<5)]
        storeCount = min(storeCount, marketStores.count)
        var stores = [Int]()
        while stores.count < storeCount {
            let store = marketStores[random.int(0..<marketStores.count)]
            if !stores.contains(store) { stores.append(store) }
        }

        // Which anomaly, if any.
        if configuration.anomalyRate > 0, !rotation.isEmpty, anomalyRandom.chance(configuration.anomalyRate) {
            owed[rotationIndex % rotation.count] += 1
            rotationIndex += 1
        }
        let longLinks = longestLink(
            origins: region.facilities, processor: processor, warehouse: warehouse, stores: stores, random: &random)
        var anomaly: SampleNetwork.AnomalyKind?
        var cloneStageIsRaw = false
        var cloneSource: SerialLot?
        for (position, candidate) in rotation.enumerated() where owed[position] > 0 {
            var applicable = true
            switch candidate {
            case .impossibleTransit:
                applicable = longLinks != nil
            case .unusualDestination:
                applicable = !unusualProcessing.isEmpty
            case .clonedSerial:
                applicable = false
                for stage in [true, false] where stage ? line.rawSerials : line.outputSerials {
                    let pool = stage ? rawSerialPool[lineIndex] : outputSerialPool[lineIndex]
                    if let source = pool.last(where: { $0.firstEpoch < t0 - 86_400 }) {
                        cloneStageIsRaw = stage
                        cloneSource = source
                        applicable = true
                        break
                    }
                }
            default:
                break
            }
            if applicable {
                anomaly = candidate
                owed[position] -= 1
                break
            }
        }

        if anomaly == .unusualDestination {
            processing = unusualProcessing[random.int(0..<unusualProcessing.count)]
            processor = processing.facilities[random.int(0..<processing.facilities.count)]
        }

        var output = LotOutput()
        output.anomaly = anomaly
        let lotTag = Formatting.padded(index, 7)
        func recordID(_ party: Int, _ tag: String) -> String { "\(topology.participants[party].id)-\(lotTag)-\(tag)" }
        func label(_ recordID: String, _ party: Int) {
            guard let anomaly else { return }
            output.labels.append(
                SampleNetwork.Label(recordID: recordID, kind: anomaly, signer: topology.participants[party].id))
        }
        func quantityText(_ steps: Int64, _ unit: SampleUnit) -> String {
            Formatting.decimal(steps, decimals: unit.decimals)
        }

        // Which link a link anomaly hits.
        var anomalyLink: Link?
        switch anomaly {
        case .impossibleTransit:
            anomalyLink = longLinks
        case .receiveBeforeShip, .circuitousRoute, .overInvoicing:
            anomalyLink = [Link.raw(0), .toDistributor, .toStore(0)][random.int(0..<3)]
        case .excessShrinkage:
            anomalyLink =
                line.outputUnit == .pcs || line.rawUnit == .pcs
                ? .raw(0) : [Link.raw(0), .toDistributor, .toStore(0)][random.int(0..<3)]
        default:
            break
        }
        let massBalanceAtOrigin = anomaly == .massBalance && random.chance(0.5)

        // Raw lots: produce, ship to the processor, receive there.
        let processorFacility = topology.facilities[processor]
        let processorParty = topology.facilityParty[processor]
        var inputs = [(lot: String, steps: Int64)]()
        var latestArrival = t0
        for rawIndex in 0..<rawCount {
            let number = rawIndex + 1
            let fraction = random.uniform(0.35, 0.9)
            var produceTime = t0 + Int64(random.int(0..<(6 * 3600)))
            let overCapacity = anomaly == .overCapacity && rawIndex == 0
            let (farm, producedSteps, time) = placeProduction(
                line: lineIndex, region: regionIndex, fraction: overCapacity ? random.uniform(1.3, 2.2) : fraction,
                at: produceTime, ignoringCapacity: overCapacity,
                preferringExpiredCertificate: anomaly == .certificateInvalid && rawIndex == 0)
            produceTime = time
            let farmFacility = topology.facilities[farm]
            let farmParty = topology.facilityParty[farm]
            let rawLot = "\(line.lotCode)-\(lotTag)-\(number)"

            var certificate = ""
            let produceDay = Formatting.localDay(produceTime, offsetMinutes: farmFacility.utcOffsetMinutes)
            // The farm's own certificate claimed after it expired. A certificate the facility never held is refused by
            // the ledger when imported (docs/security.md), so where the farm's has not expired the lot stays ordinary.
            let certificateDrawn = anomaly == .certificateInvalid && rawIndex == 0
            let certificateAnomaly =
                certificateDrawn && !farmFacility.certificate.isEmpty && produceDay > farmFacility.certificateExpiresDay
            if certificateAnomaly {
                certificate = farmFacility.certificate
            } else if certificateDrawn {
                certificate = ""
            } else if !farmFacility.certificate.isEmpty, produceDay + 4 <= farmFacility.certificateExpiresDay,
                random.chance(0.85)
            {
                // Claimed only while valid until after the shipment too (it leaves within three days).
                certificate = farmFacility.certificate
            }

            var serials = [String]()
            var clonedSerials = Set<String>()
            if line.rawSerials {
                serials = (1...Int(producedSteps)).map {
                    "EAR-\(farmFacility.country)-\(lotTag)-\(number)\(Formatting.padded($0, 3))"
                }
                if anomaly == .clonedSerial, cloneStageIsRaw, rawIndex == 0, let cloneSource {
                    clonedSerials = clone(into: &serials, from: cloneSource, random: &random)
                }
            }

            var produce = SampleNetwork.ShipmentRow(
                recordID: recordID(farmParty, "P\(number)"), event: .produce, epochSeconds: produceTime,
                occurredAt: Formatting.timestamp(produceTime, offsetMinutes: farmFacility.utcOffsetMinutes),
                product: line.rawProduct, lot: rawLot, quantity: quantityText(producedSteps, line.rawUnit),
                unit: line.rawUnit.rawValue,
                facility: farmFacility.id)
            produce.certificate = certificate
            produce.serials = serials.joined(separator: ";")
            if configuration.plots, line.plotCommodity != nil { produce.plots = SampleNetwork.plotIDs(farmFacility.id) }
            output.rows.append((farmParty, produce))
            if overCapacity || certificateAnomaly || (!clonedSerials.isEmpty) { label(produce.recordID, farmParty) }

            // Ship to the processor.
            var shippedSteps = producedSteps
            var shippedSerials = serials
            let overShipped = massBalanceAtOrigin && rawIndex == 0
            if overShipped {
                shippedSteps = max(
                    producedSteps + 1, Int64((Double(producedSteps) * random.uniform(1.2, 1.6)).rounded()))
                if line.rawUnit == .pcs {
                    shippedSerials += (1...Int(shippedSteps - producedSteps)).map {
                        "\(rawLot)-X\(Formatting.padded($0, 4))"
                    }
                }
            }
            var priceCents = Double(line.rawPriceCents) * region.priceFactor * random.uniform(0.9, 1.1)
            let exploited = anomaly == .exploitativePrice && rawIndex == 0
            if exploited { priceCents = Double(line.rawPriceCents) * region.priceFactor * random.uniform(0.06, 0.18) }
            let overInvoiced = anomaly == .overInvoicing && anomalyLink == .raw(rawIndex)
            if overInvoiced { priceCents *= random.uniform(3, 7) }
            let shipTime = produceTime + Int64(random.int((6 * 3600)...(72 * 3600)))
            let link = shipment(
                index: index, lotTag: lotTag, number: number, link: .raw(rawIndex), anomalyLink: anomalyLink,
                anomaly: anomaly,
                from: farm, to: processor, shipTime: shipTime, steps: shippedSteps, unit: line.rawUnit,
                serials: shippedSerials,
                product: line.rawProduct, lot: rawLot, priceCents: Int64(max(1, priceCents.rounded())), currency: "USD",
                certificate: certificate, perishable: line.perishable, shipTag: "S\(number)", receiveTag: "R\(number)",
                random: &random)
            output.rows.append((farmParty, link.ship))
            output.rows.append((processorParty, link.receive))
            if exploited || overShipped || certificateAnomaly || overInvoiced || !clonedSerials.isEmpty {
                label(link.ship.recordID, farmParty)
            }
            if link.anomalous || anomaly == .unusualDestination {
                label(link.ship.recordID, farmParty)
                label(link.receive.recordID, processorParty)
            }
            if !clonedSerials.isEmpty { label(link.receive.recordID, processorParty) }
            if line.rawSerials, anomaly != .clonedSerial || !cloneStageIsRaw || rawIndex != 0 {
                Self.remember(SerialLot(firstEpoch: produceTime, serials: serials), in: &rawSerialPool[lineIndex])
            }
            inputs.append((rawLot, link.receivedSteps))
            latestArrival = max(latestArrival, link.nominalArrival)
        }

        // Transform at the processor.
        let outputLot = "\(line.outputLotCode)-\(lotTag)"
        var inputTotal: Int64 = 0
        for input in inputs { inputTotal += input.steps }
        let inputUnits = Double(inputTotal) / Double(line.rawUnit.scale)
        let outScale = Double(line.outputUnit.scale)
        var outputSteps: Int64
        if anomaly == .transformYield {
            let ceiling = inputUnits * line.maxYield * outScale
            outputSteps = Int64((ceiling * random.uniform(1.3, 1.9)).rounded(.up))
            if Double(outputSteps) <= ceiling { outputSteps = Int64(ceiling.rounded(.down)) + 1 }
        } else {
            outputSteps = Int64((inputUnits * line.yield * random.uniform(0.95, 1.0) * outScale).rounded(.down))
        }
        outputSteps = max(1, outputSteps)
        var transformTime = latestArrival + Int64(random.int((12 * 3600)...(96 * 3600)))
        transformTime = placeProcessing(processor, steps: outputSteps, at: transformTime)
        var outputSerials = [String]()
        var clonedOutput = Set<String>()
        if line.outputSerials {
            outputSerials = (1...Int(outputSteps)).map { "\(line.outputLotCode)\(lotTag)-\(Formatting.padded($0, 4))" }
            if anomaly == .clonedSerial, !cloneStageIsRaw, let cloneSource {
                clonedOutput = clone(into: &outputSerials, from: cloneSource, random: &random)
            }
        }
        var transform = SampleNetwork.ShipmentRow(
            recordID: recordID(processorParty, "T"), event: .transform, epochSeconds: transformTime,
            occurredAt: Formatting.timestamp(transformTime, offsetMinutes: processorFacility.utcOffsetMinutes),
            product: line.outputProduct, lot: outputLot, quantity: quantityText(outputSteps, line.outputUnit),
            unit: line.outputUnit.rawValue, facility: processorFacility.id)
        transform.inputs = inputs.map { "\($0.lot):\(quantityText($0.steps, line.rawUnit))" }.joined(separator: ";")
        transform.serials = outputSerials.joined(separator: ";")
        output.rows.append((processorParty, transform))
        if anomaly == .transformYield || !clonedOutput.isEmpty { label(transform.recordID, processorParty) }
        if line.outputSerials, anomaly != .clonedSerial || cloneStageIsRaw {
            Self.remember(
                SerialLot(firstEpoch: transformTime, serials: outputSerials), in: &outputSerialPool[lineIndex])
        }
        /// Adds a downstream link's rows; both are labelled when the link carries the anomaly or
        /// one of the output's cloned serials.
        func add(_ link: LinkRows, shipper: Int, receiver: Int, serials: [String]) {
            output.rows.append((shipper, link.ship))
            output.rows.append((receiver, link.receive))
            let carriesClone = !clonedOutput.isEmpty && serials.contains { clonedOutput.contains($0) }
            if link.anomalous || carriesClone {
                label(link.ship.recordID, shipper)
                label(link.receive.recordID, receiver)
            }
        }

        // Ship to the distributor.
        let processorPrice =
            Double(line.outputPriceCents) * processing.priceFactor * random.uniform(0.9, 1.1)
            * (anomaly == .overInvoicing && anomalyLink == .toDistributor ? random.uniform(3, 7) : 1)
        let processorCurrency =
            Catalog.lines[lineIndex].processors.first { $0.country == processing.country }?.currency ?? "USD"
        let toDistributor = shipment(
            index: index, lotTag: lotTag, number: 4, link: .toDistributor, anomalyLink: anomalyLink, anomaly: anomaly,
            from: processor, to: warehouse, shipTime: transformTime + Int64(random.int((12 * 3600)...(96 * 3600))),
            steps: outputSteps, unit: line.outputUnit, serials: outputSerials, product: line.outputProduct,
            lot: outputLot,
            priceCents: converted(processorPrice, to: processorCurrency), currency: processorCurrency, certificate: "",
            perishable: line.perishable, shipTag: "SD", receiveTag: "RD", random: &random)
        let distributorParty = distributor.party
        add(toDistributor, shipper: processorParty, receiver: distributorParty, serials: outputSerials)
        if anomaly == .overInvoicing && anomalyLink == .toDistributor {
            label(toDistributor.ship.recordID, processorParty)
        }

        // Split across stores.
        let available = toDistributor.receivedSteps
        let receivedSerials = toDistributor.receivedSerials
        let overShipped = anomaly == .massBalance && !massBalanceAtOrigin
        var total = available
        var splitSerials = receivedSerials
        if overShipped {
            total = max(available + 1, Int64((Double(available) * random.uniform(1.25, 1.6)).rounded()))
            if line.outputUnit == .pcs {
                splitSerials += (1...Int(total - available)).map { "\(outputLot)-X\(Formatting.padded($0, 4))" }
            }
        }
        let parts = split(total, into: stores.count, random: &random)
        let distributorCurrency =
            topology.facilities[warehouse].country == "DE" || topology.facilities[warehouse].country == "NL"
            ? "EUR" : "USD"
        var serialOffset = 0
        var storeTime = toDistributor.nominalArrival
        for (storeIndex, steps) in parts.enumerated() {
            let store = stores[storeIndex]
            let storeParty = topology.facilityParty[store]
            let partSerials =
                line.outputUnit == .pcs && !splitSerials.isEmpty
                ? Array(splitSerials[serialOffset..<min(splitSerials.count, serialOffset + Int(steps))]) : []
            serialOffset += Int(steps)
            storeTime += Int64(random.int((24 * 3600)...(10 * 24 * 3600)))
            let price =
                Double(line.outputPriceCents) * processing.priceFactor * random.uniform(0.9, 1.1)
                * random.uniform(1.1, 1.35)
                * (anomaly == .overInvoicing && anomalyLink == .toStore(storeIndex) ? random.uniform(3, 7) : 1)
            let toStore = shipment(
                index: index, lotTag: lotTag, number: 5 + storeIndex, link: .toStore(storeIndex),
                anomalyLink: anomalyLink,
                anomaly: anomaly, from: warehouse, to: store, shipTime: storeTime, steps: steps, unit: line.outputUnit,
                serials: partSerials, product: line.outputProduct, lot: outputLot,
                priceCents: converted(price, to: distributorCurrency), currency: distributorCurrency, certificate: "",
                perishable: line.perishable, shipTag: "SR\(storeIndex + 1)", receiveTag: "RR\(storeIndex + 1)",
                random: &random)
            add(toStore, shipper: distributorParty, receiver: storeParty, serials: partSerials)
            if overShipped || (anomaly == .overInvoicing && anomalyLink == .toStore(storeIndex)) {
                label(toStore.ship.recordID, distributorParty)
            }
        }
        return output
    }

    // MARK: - Shipments

    struct LinkRows {
        var ship: SampleNetwork.ShipmentRow
        var receive: SampleNetwork.ShipmentRow
        var receivedSteps: Int64
        var receivedSerials: [String]
        /// When the goods really arrived; what follows is timed from here even if the receive
        /// record says otherwise.
        var nominalArrival: Int64
        /// Whether a link anomaly was injected here.
        var anomalous: Bool
    }

    private func shipment(
        index: Int, lotTag: String, number: Int, link: Link, anomalyLink: Link?, anomaly: SampleNetwork.AnomalyKind?,
        from origin: Int, to destination: Int, shipTime: Int64, steps: Int64, unit: SampleUnit, serials: [String],
        product: String, lot: String, priceCents: Int64, currency: String, certificate: String, perishable: Bool,
        shipTag: String, receiveTag: String, random: inout SampleRandom
    ) -> LinkRows {
        let from = topology.facilities[origin]
        let to = topology.facilities[destination]
        let fromParty = topology.facilityParty[origin]
        let toParty = topology.facilityParty[destination]
        let kilometres = distance(from, to)
        let transit = Self.transit(kilometres: kilometres, from: from, to: to, perishable: perishable)
        let carriers =
            transit.mode == .truck && perishable
            ? Catalog.refrigeratedTruckCarriers : Catalog.carriers[transit.mode] ?? []
        let carrier = carriers.isEmpty ? "" : carriers[random.int(0..<carriers.count)]
        let hours = random.uniform(transit.hours.lowerBound, transit.hours.upperBound)
        var arrival = shipTime + max(3600, Int64((hours * 3600).rounded()))
        let shipmentID = "SHP-\(lotTag)-\(number)"

        var receiveTime = arrival
        var received = steps
        let hit = anomalyLink == link
        if hit, anomaly == .impossibleTransit {
            receiveTime = shipTime + max(60, Int64((kilometres / random.uniform(1500, 6000) * 3600).rounded(.down)))
        } else if hit, anomaly == .receiveBeforeShip {
            let earliest = configuration.lotStart(index) + 60
            let proposed = shipTime - Int64(random.int((2 * 3600)...(48 * 3600)))
            receiveTime = max(earliest, min(proposed, shipTime - 3600))
        } else if hit, anomaly == .circuitousRoute {
            let ordinary = arrival - shipTime
            let extra = min(40 * 86_400, max(2 * 86_400, Int64((Double(ordinary) * random.uniform(2, 7)).rounded())))
            arrival += extra
            receiveTime = arrival
        } else if hit, anomaly == .excessShrinkage {
            let loss = random.uniform(0.08, 0.35)
            if unit == .pcs {
                received = steps - max(1, Int64((Double(steps) * loss).rounded(.up)))
            } else {
                received = Int64((Double(steps) * (1 - loss)).rounded(.down))
            }
            received = max(1, received)
        } else if unit != .pcs {
            received = max(1, steps - Int64((Double(steps) * random.uniform(0, 0.02)).rounded(.down)))
        }
        let receivedSerials = serials.isEmpty ? [] : Array(serials.prefix(Int(received)))

        var ship = SampleNetwork.ShipmentRow(
            recordID: "\(topology.participants[fromParty].id)-\(lotTag)-\(shipTag)", event: .ship,
            epochSeconds: shipTime,
            occurredAt: Formatting.timestamp(shipTime, offsetMinutes: from.utcOffsetMinutes), product: product,
            lot: lot,
            quantity: Formatting.decimal(steps, decimals: unit.decimals), unit: unit.rawValue, facility: from.id)
        ship.shipmentID = shipmentID
        ship.destination = to.id
        ship.unitPrice = Formatting.decimal(priceCents, decimals: 2)
        ship.currency = currency
        ship.carrier = carrier
        ship.certificate = certificate
        ship.serials = serials.joined(separator: ";")

        var receive = SampleNetwork.ShipmentRow(
            recordID: "\(topology.participants[toParty].id)-\(lotTag)-\(receiveTag)", event: .receive,
            epochSeconds: receiveTime,
            occurredAt: Formatting.timestamp(receiveTime, offsetMinutes: to.utcOffsetMinutes), product: product,
            lot: lot,
            quantity: Formatting.decimal(received, decimals: unit.decimals), unit: unit.rawValue, facility: to.id)
        receive.shipmentID = shipmentID
        receive.origin = from.id
        receive.carrier = carrier
        receive.serials = receivedSerials.joined(separator: ";")
        let anomalous =
            hit && [.impossibleTransit, .receiveBeforeShip, .excessShrinkage, .circuitousRoute].contains(anomaly)
        return LinkRows(
            ship: ship, receive: receive, receivedSteps: received, receivedSerials: receivedSerials,
            nominalArrival: arrival,
            anomalous: anomalous)
    }

    func distance(_ from: SampleNetwork.Facility, _ to: SampleNetwork.Facility) -> Double {
        Geography.distance(
            latitude1: from.latitude, longitude1: from.longitude, latitude2: to.latitude, longitude2: to.longitude)
    }

    static func transportMode(
        from: SampleNetwork.Facility, to: SampleNetwork.Facility, kilometres: Double, perishable: Bool
    ) -> TransportMode {
        if from.landmass == to.landmass, kilometres <= 4500 { return .truck }
        return perishable ? .air : .ship
    }

    /// How goods travel `kilometres` between two facilities, and the range of ordinary transit hours: moving time
    /// over the route, a driver's rest of 10 h per 9 h on the road, and the mode's handling.
    static func transit(
        kilometres: Double, from: SampleNetwork.Facility, to: SampleNetwork.Facility, perishable: Bool
    ) -> (mode: TransportMode, hours: ClosedRange<Double>) {
        let mode = transportMode(from: from, to: to, kilometres: kilometres, perishable: perishable)
        var moving = kilometres * mode.routeFactor / mode.kilometresPerHour
        if mode == .truck, moving > 9 { moving += (moving / 9).rounded(.down) * 10 }
        return (mode, (moving + mode.handlingHours.lowerBound)...(moving + mode.handlingHours.upperBound))
    }

    /// The longest link of a plan if it is at least 2,000 km (the first raw lot's origin is not
    /// known yet; the region's first farm stands for it, since farms of a region lie close together).
    private func longestLink(origins: [Int], processor: Int, warehouse: Int, stores: [Int], random: inout SampleRandom)
        -> Link?
    {
        var best: (Link, Double)?
        let candidates: [(Link, Int, Int)] =
            [(.raw(0), origins[0], processor), (.toDistributor, processor, warehouse)]
            + stores.enumerated().map { (.toStore($0.offset), warehouse, $0.element) }
        for (link, from, to) in candidates {
            let kilometres = distance(topology.facilities[from], topology.facilities[to])
            if kilometres >= 2000, kilometres > (best?.1 ?? 0) { best = (link, kilometres) }
        }
        return best?.0
    }

    // MARK: - Capacity

    /// Picks the region's next farm or mine with room on the day for `fraction` of its capacity,
    /// moving to the next day when all are full; returns the facility, the quantity and the time.
    ///
    /// - Parameter preferringExpiredCertificate: try first the farms whose certificate has expired by that day (the
    ///   certificate anomaly claims it); the others when none has.
    private mutating func placeProduction(
        line: Int, region: Int, fraction: Double, at time: Int64, ignoringCapacity: Bool,
        preferringExpiredCertificate: Bool = false
    ) -> (Int, Int64, Int64) {
        let members = topology.origins[line][region].facilities
        var time = time
        for _ in 0..<60 {
            if preferringExpiredCertificate {
                for facility in members {
                    let place = topology.facilities[facility]
                    let day = Formatting.localDay(time, offsetMinutes: place.utcOffsetMinutes)
                    guard !place.certificate.isEmpty, day > place.certificateExpiresDay else { continue }
                    let steps = max(1, Int64((Double(place.capacitySteps) * fraction).rounded(.down)))
                    let key = FacilityDay(facility: facility, day: day)
                    let used = load[key] ?? 0
                    if used + steps <= place.capacitySteps {
                        load[key] = used + steps
                        return (facility, steps, time)
                    }
                }
            }
            for attempt in 0..<members.count {
                let facility = members[(roundRobin[line][region] + attempt) % members.count]
                let capacity = topology.facilities[facility].capacitySteps
                let steps = max(1, Int64((Double(capacity) * fraction).rounded(.down)))
                let key = FacilityDay(
                    facility: facility,
                    day: Formatting.localDay(time, offsetMinutes: topology.facilities[facility].utcOffsetMinutes))
                let used = load[key] ?? 0
                if ignoringCapacity || used + steps <= capacity {
                    load[key] = used + steps
                    roundRobin[line][region] = (roundRobin[line][region] + attempt + 1) % members.count
                    return (facility, steps, time)
                }
            }
            time += 86_400
        }
        preconditionFailure("no origin facility has room within 60 days; the topology is too small for the pace")
    }

    /// The first time from `time` on, a day later each try, when the processor has room for `steps`.
    private mutating func placeProcessing(_ facility: Int, steps: Int64, at time: Int64) -> Int64 {
        let capacity = topology.facilities[facility].capacitySteps
        var time = time
        for _ in 0..<365 {
            let key = FacilityDay(
                facility: facility,
                day: Formatting.localDay(time, offsetMinutes: topology.facilities[facility].utcOffsetMinutes))
            let used = load[key] ?? 0
            if used + steps <= capacity {
                load[key] = used + steps
                return time
            }
            time += 86_400
        }
        preconditionFailure("processor \(topology.facilities[facility].id) has no room within a year")
    }

    private mutating func pruneLoad(before day: Int) {
        load = load.filter { $0.key.day >= day }
    }

    // MARK: - Serials and splits

    /// Keeps the serials of the last 512 serialized lots of a line: at the busiest pace that
    /// reaches back weeks, past the time a processed lot takes to appear after its start.
    private static func remember(_ lot: SerialLot, in pool: inout [SerialLot]) {
        pool.append(lot)
        if pool.count > 1024 { pool.removeFirst(pool.count - 512) }
    }

    /// Replaces 10–30 % of `serials` (at least one) with serials of `source`; returns those reused.
    private func clone(into serials: inout [String], from source: SerialLot, random: inout SampleRandom) -> Set<String>
    {
        guard !serials.isEmpty, !source.serials.isEmpty else { return [] }
        let count = min(source.serials.count, max(1, Int((Double(serials.count) * random.uniform(0.1, 0.3)).rounded())))
        let start = random.int(0...(source.serials.count - count))
        var reused = Set<String>()
        for offset in 0..<count {
            let position = (offset * serials.count) / count
            serials[position] = source.serials[start + offset]
            reused.insert(source.serials[start + offset])
        }
        return reused
    }

    /// `total` steps in `parts` positive shares of random size that add up exactly.
    private func split(_ total: Int64, into parts: Int, random: inout SampleRandom) -> [Int64] {
        let count = max(1, min(parts, Int(min(total, Int64(parts)))))
        var weights = [Double]()
        for _ in 0..<count { weights.append(random.uniform(0.5, 1.5)) }
        let sum = weights.reduce(0, +)
        var shares = [Int64]()
        var given: Int64 = 0
        for (position, weight) in weights.enumerated() {
            if position == count - 1 {
                shares.append(total - given)
            } else {
                let remainingParts = Int64(count - position - 1)
                let share = max(
                    1, min(total - given - remainingParts, Int64((Double(total) * weight / sum).rounded(.down))))
                shares.append(share)
                given += share
            }
        }
        return shares
    }

    /// A price in US cents converted to `currency` (EUR at 0.92 per dollar).
    private func converted(_ usCents: Double, to currency: String) -> Int64 {
        max(1, Int64((currency == "EUR" ? usCents * 0.92 : usCents).rounded()))
    }
}
