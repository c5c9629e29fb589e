public import LedgerCore

extension SampleNetwork {
    /// Counts of a generated network, as `network.json` holds them.
    public struct Summary: Sendable, Equatable {
        public var seed: UInt64
        public var lots: Int
        public var start: Timestamp
        public var days: Int
        public var anomalyRate: Double
        public var participants: Int
        public var facilities: Int
        /// Shipment rows in all files.
        public var rows = 0
        /// Rows per event kind (`produce`, `ship`, `receive`, `transform`).
        public var events: [EventKind: Int] = [:]
        /// Lots that carry each anomaly pattern.
        public var anomalousLots: [AnomalyKind: Int] = [:]
        /// Labelled records per pattern.
        public var labelledRecords: [AnomalyKind: Int] = [:]

        /// Labels in all.
        public var labels: Int { labelledRecords.values.reduce(0, +) }

        mutating func count(_ output: LotGenerator.LotOutput) {
            rows += output.rows.count
            for (_, row) in output.rows { events[row.event, default: 0] += 1 }
            if let anomaly = output.anomaly { anomalousLots[anomaly, default: 0] += 1 }
            for label in output.labels { labelledRecords[label.kind, default: 0] += 1 }
        }

        /// The summary as `network.json` writes it (members sorted when printed).
        public var json: JSONValue {
            var eventCounts = [String: JSONValue]()
            for kind in [EventKind.produce, .ship, .receive, .transform] {
                eventCounts[kind.rawValue] = .integer(events[kind] ?? 0)
            }
            var patterns = [String: JSONValue]()
            for kind in AnomalyKind.allCases {
                patterns[kind.rawValue] = [
                    "lots": .integer(anomalousLots[kind] ?? 0), "records": .integer(labelledRecords[kind] ?? 0),
                    "labels": .string(kind.labelledRecords),
                ]
            }
            let lines: [JSONValue] = Catalog.lines.map { line in
                [
                    "chain": .string(line.name),
                    "input": ["product": .string(line.rawProduct), "unit": .string(line.rawUnit.rawValue)],
                    "output": ["product": .string(line.outputProduct), "unit": .string(line.outputUnit.rawValue)],
                    "yield": .number(String(line.yield)), "max_yield": .number(String(line.maxYield)),
                    "serials": .array(
                        (line.rawSerials ? [JSONValue.string(line.rawProduct)] : [])
                            + (line.outputSerials ? [.string(line.outputProduct)] : [])),
                ]
            }
            let modes: [String: JSONValue] = Dictionary(
                uniqueKeysWithValues: TransportMode.allCases.map {
                    ($0.rawValue, JSONValue.number(String(Int($0.kilometresPerHour))))
                })
            return [
                "generator": "provenance-sample-network/1",
                "seed": .number(String(seed)),
                "lots": .integer(lots),
                "start": .string(start.utc),
                "days": .integer(days),
                "anomaly_rate": .number(String(anomalyRate)),
                "participants": .integer(participants),
                "facilities": .integer(facilities),
                "rows": .integer(rows),
                "events": .object(eventCounts),
                "labels": .integer(labels),
                "anomalies": .object(patterns),
                "transformations": .array(lines),
                "transport_km_per_h": .object(modes),
            ]
        }
    }
}

extension SampleNetwork.AnomalyKind {
    /// Which records of an anomalous lot the labels list, in words.
    public var labelledRecords: String {
        switch self {
        case .exploitativePrice: "the origin's ship record (it carries the price)"
        case .impossibleTransit, .receiveBeforeShip, .excessShrinkage:
            "the ship record and the receive record of the link"
        case .massBalance: "the ship records that together exceed what the facility produced or received of the lot"
        case .transformYield: "the transform record"
        case .clonedSerial: "every record of the later lot that carries a reused serial"
        case .certificateInvalid: "the produce and ship records that claim the certificate"
        case .overCapacity: "the produce record"
        case .overInvoicing: "the ship record (it carries the price)"
        case .circuitousRoute: "the ship record and the receive record of the link"
        case .unusualDestination: "the ship and receive records of every raw shipment of the lot"
        }
    }

    /// Why no feature of one lot's links shows the pattern, so that only a rule finds it; `nil` for the patterns the
    /// models can find.
    public var onlyARuleFinds: String? {
        switch self {
        case .clonedSerial:
            "a reused serial lies in the serial lists of two lots; no feature of either lot's links departs from its peers"
        case .certificateInvalid:
            "a certificate's validity is a fact checked against master data, a 0 or 1 with no degree of departure"
        default: nil
        }
    }

    /// What the pattern is, in words.
    public var explanation: String {
        switch self {
        case .exploitativePrice: "a farm or mine paid 6-18 % of the reference price for its product (normal: 77-127 %)"
        case .impossibleTransit:
            "received 1,500-6,000 km/h after dispatch over the great-circle distance (normal: below 700 km/h)"
        case .receiveBeforeShip: "received 2-48 hours before it was shipped"
        case .excessShrinkage: "8-35 % of the shipped quantity lost before receipt (normal: 0-2 %, none for pcs)"
        case .massBalance:
            "a farm ships 20-60 % more than it produced, or a distributor ships 25-60 % more than it received"
        case .transformYield:
            "a transform makes 30-90 % more than inputs x the maximum yield (normal: 95-100 % of the typical yield)"
        case .clonedSerial: "10-30 % of a lot's serial numbers copied from an earlier lot of the same product"
        case .certificateInvalid: "a farm's certificate claimed after it expired"
        case .overCapacity: "one day's production 1.3-2.2 x the facility's capacity_per_day"
        case .overInvoicing: "a shipment priced 3-7 x what the link would ordinarily charge"
        case .circuitousRoute: "a shipment in transit 3-8 x its lane's ordinary time, at least 2 days more"
        case .unusualDestination: "a lot's raw material shipped to a processor in a country its region never supplies"
        }
    }
}
