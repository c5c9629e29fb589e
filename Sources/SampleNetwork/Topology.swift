internal import LedgerCore

/// The parties and facilities of a network, sized to its pace so that farms and processors work
/// within their capacity, and the indexes the generator needs to pick them.
struct Topology: Sendable {
    /// One origin region of a product line: its producer and its farms or mines.
    struct OriginRegion: Sendable {
        let place: Place
        let weight: Double
        let processedIn: [String]
        let party: Int
        let facilities: [Int]
        /// Price level of its raw material relative to the line's reference.
        let priceFactor: Double
    }

    /// Processors of one product line in one country.
    struct ProcessingCountry: Sendable {
        let country: String
        let facilities: [Int]
        let priceFactor: Double
    }

    struct Distributor: Sendable {
        let party: Int
        let market: Market
        let weight: Double
        let facilities: [Int]
    }

    var participants: [SampleNetwork.Participant] = []
    var facilities: [SampleNetwork.Facility] = []
    /// Party index of each facility.
    var facilityParty: [Int] = []
    /// Per product line, its origin regions in catalog order.
    var origins: [[OriginRegion]] = []
    /// Per product line, its processing countries in catalog order.
    var processing: [[ProcessingCountry]] = []
    var distributors: [Distributor] = []
    /// Retail stores of each market, in catalog order.
    var stores: [Market: [Int]] = [:]
    /// The largest daily capacity among each line's origins, in raw-unit steps.
    var maximumOriginCapacity: [Int64] = []

    init(configuration: SampleNetwork.Configuration) {
        var random = SampleRandom(seed: configuration.seed, stream: 1)
        let pace = configuration.lotsPerDay
        let startDay = Formatting.localDay(configuration.start.epochSeconds, offsetMinutes: 0)
        let lastDay = startDay + configuration.days
        var certificateNumber = 0

        func addParty(_ id: String, _ name: String, _ role: ParticipantRole) -> Int {
            participants.append(
                SampleNetwork.Participant(
                    id: id, name: name, role: role,
                    keySeed: SampleNetwork.Participant.keySeed(seed: configuration.seed, participant: id)))
            return participants.count - 1
        }
        func addFacility(
            party: Int, id: String, name: String, kind: String, place: Place, jitter: Double, capacity: Int64,
            unit: SampleUnit,
            workers: ClosedRange<Int>, certificateScheme: String?, certificateShare: Double,
            certificateExpiresEarly: Bool = false
        ) -> Int {
            let latitude = Int(((place.latitude + random.uniform(-jitter, jitter)) * 10_000).rounded())
            let longitude = Int(((place.longitude + random.uniform(-jitter, jitter)) * 10_000).rounded())
            var certificate = ""
            var expires = 0
            if let certificateScheme, random.chance(certificateShare) {
                certificateNumber += 1
                certificate = "\(certificateScheme)-\(place.country)-\(Formatting.padded(certificateNumber, 5))"
                // A region's first farm holds a certificate that expires within the network's first month, so that
                // a certificate claimed after it expired (an anomaly pattern) can be its own.
                expires = random.int((startDay - 60)...(certificateExpiresEarly ? startDay + 30 : lastDay + 400))
            }
            facilities.append(
                SampleNetwork.Facility(
                    id: id, party: participants[party].id, name: name, kind: kind, country: place.country,
                    latitudeE4: max(-900_000, min(900_000, latitude)),
                    longitudeE4: max(-1_800_000, min(1_800_000, longitude)),
                    capacitySteps: max(1, capacity), unit: unit, workers: random.int(workers), certificate: certificate,
                    certificateExpiresDay: expires, utcOffsetMinutes: place.utcOffsetMinutes, landmass: place.landmass))
            facilityParty.append(party)
            return facilities.count - 1
        }

        // Producers: one per product line and origin region, with enough farms or mines that each
        // works every two to three days on average.
        for line in Catalog.lines {
            let totalWeight = line.origins.reduce(0) { $0 + $1.weight }
            var regions = [OriginRegion]()
            var largest: Int64 = 0
            for origin in line.origins {
                let lotsPerDay = pace * line.share * origin.weight / totalWeight * 1.6
                let count = max(2, Int((lotsPerDay * 2.5).rounded(.up)))
                let country = origin.place.country.lowercased()
                let party = addParty(
                    "producer-\(country)-\(line.name)", "\(origin.place.name) \(line.originNoun)", .producer)
                let kindCode = line.originKind == "mine" ? "MINE" : "FARM"
                let kindName = line.originKind == "mine" ? "Mine" : (line.name == "leather" ? "Ranch" : "Farm")
                var members = [Int]()
                for number in 1...count {
                    let capacity = Int64((Double(line.originCapacity) * random.uniform(0.6, 1.4)).rounded())
                    largest = max(largest, capacity)
                    let workers: ClosedRange<Int> =
                        line.originKind == "mine" ? 40...600 : (line.name == "leather" ? 3...25 : 4...60)
                    members.append(
                        addFacility(
                            party: party,
                            id: "\(kindCode)-\(origin.place.country)-\(line.lotCode)-\(Formatting.padded(number, 3))",
                            name: "\(origin.place.name) \(kindName) \(number)", kind: line.originKind,
                            place: origin.place,
                            jitter: 0.35, capacity: capacity, unit: line.rawUnit, workers: workers,
                            certificateScheme: line.certificateScheme, certificateShare: number == 1 ? 1 : 0.6,
                            certificateExpiresEarly: number == 1))
                }
                regions.append(
                    OriginRegion(
                        place: origin.place, weight: origin.weight, processedIn: origin.processedIn, party: party,
                        facilities: members, priceFactor: random.uniform(0.85, 1.15)))
            }
            origins.append(regions)
            maximumOriginCapacity.append(largest)
        }

        // Processors: one party per product line and processing place; capacity for the expected
        // load with room to spare, and for the largest single transform an anomaly can make.
        for (lineIndex, line) in Catalog.lines.enumerated() {
            let totalWeight = line.origins.reduce(0) { $0 + $1.weight }
            var countries = [ProcessingCountry]()
            let largestLot = Double(maximumOriginCapacity[lineIndex]) / Double(line.rawUnit.scale)
            let stepsPerOutput = Double(line.outputUnit.scale)
            for place in line.processors {
                var lotsPerDay = 0.0
                for origin in line.origins where origin.processedIn.contains(place.country) {
                    lotsPerDay += pace * line.share * origin.weight / totalWeight / Double(origin.processedIn.count)
                }
                let count = max(1, Int((lotsPerDay / 6).rounded(.up)))
                let expectedDaily =
                    lotsPerDay / Double(count) * 1.6 * 0.62 * Double(line.originCapacity) / Double(line.rawUnit.scale)
                    * line.yield
                let capacity = max(2.5 * expectedDaily, 8 * largestLot * line.maxYield) * stepsPerOutput
                let country = place.country.lowercased()
                let party = addParty(
                    "processor-\(country)-\(line.name)", "\(place.name) \(line.processorNoun)", .processor)
                let kindCode = line.processorKind == "mill" ? "MILL" : "PLANT"
                var members = [Int]()
                for number in 1...count {
                    members.append(
                        addFacility(
                            party: party,
                            id: "\(kindCode)-\(place.country)-\(line.outputLotCode)-\(Formatting.padded(number, 2))",
                            name: "\(place.name) \(line.processorNoun) \(number)", kind: line.processorKind,
                            place: place,
                            jitter: 0.04, capacity: Int64(capacity.rounded(.up)), unit: line.outputUnit,
                            workers: 60...900,
                            certificateScheme: "COC", certificateShare: 0.5))
                }
                countries.append(
                    ProcessingCountry(
                        country: place.country, facilities: members, priceFactor: random.uniform(0.85, 1.15)))
            }
            processing.append(countries)
        }

        // Distributors: a port or warehouse group each, one to three sites.
        for entry in Catalog.distributors {
            let party = addParty("distributor-\(entry.place.country.lowercased())", entry.name, .distributor)
            let count = 1 + Int(pace / 100)
            let code = entry.kind == "port" ? "PORT" : "WH"
            let siteName = entry.kind == "port" ? "Terminal" : "Warehouse"
            var members = [Int]()
            for number in 1...count {
                members.append(
                    addFacility(
                        party: party, id: "\(code)-\(entry.place.country)-\(Formatting.padded(number, 2))",
                        name: "\(entry.place.name) \(siteName) \(number)", kind: entry.kind, place: entry.place,
                        jitter: 0.03,
                        capacity: Int64(random.int(800...3000)) * 1000, unit: .t, workers: 20...300,
                        certificateScheme: nil,
                        certificateShare: 0))
            }
            distributors.append(
                Distributor(party: party, market: entry.market, weight: entry.weight, facilities: members))
        }

        // Retailers: stores in their cities, enough for about four deliveries a day each.
        for entry in Catalog.retailers {
            let country = entry.places[0].country.lowercased()
            let party = addParty("retailer-\(country)", entry.name, .retailer)
            let sameMarket = Catalog.retailers.filter { $0.market == entry.market }.count
            let deliveriesPerDay = pace * 1.8 / Double(sameMarket)
            let count = max(2, Int((deliveriesPerDay / 4).rounded(.up)))
            var members = [Int]()
            for number in 1...count {
                let place = entry.places[(number - 1) % entry.places.count]
                members.append(
                    addFacility(
                        party: party, id: "STORE-\(place.country)-\(Formatting.padded(number, 3))",
                        name: "\(entry.name) \(place.name) \(number)", kind: "retail", place: place, jitter: 0.08,
                        capacity: Int64(random.int(5...40)) * 1000, unit: .t, workers: 8...90, certificateScheme: nil,
                        certificateShare: 0))
            }
            stores[entry.market, default: []].append(contentsOf: members)
        }

        _ = addParty("compliance-office", "Network Compliance Office", .compliance)
    }

    /// Parties in a role, in order.
    var participantCount: Int { participants.count }
}
