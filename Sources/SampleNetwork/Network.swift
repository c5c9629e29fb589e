public import LedgerCore
public import LedgerCrypto

extension SampleNetwork {
    /// A whole generated network in memory.
    public struct Network: Sendable {
        public let configuration: Configuration
        /// Participants in file order: producers, processors, distributors, retailers, compliance.
        public let participants: [Participant]
        /// Facilities, grouped by participant in participant order.
        public let facilities: [Facility]
        /// Each participant's rows, sorted as in its file; indexed like ``participants``.
        public let shipments: [[ShipmentRow]]
        /// Labels sorted by record ID, then kind.
        public let labels: [Label]
        public let summary: Summary
        /// The plots of the farms and ranches, when the configuration asks for them.
        public let plots: [Plot]

        /// The facilities of `participant`, in file order.
        public func facilities(of participant: String) -> [Facility] {
            facilities.filter { $0.party == participant }
        }

        /// The rows `participant` signs, in file order.
        public func shipments(of participant: String) -> [ShipmentRow] {
            participants.firstIndex { $0.id == participant }.map { shipments[$0] } ?? []
        }

        /// Every file ``SampleNetwork/write(_:to:replacingExisting:progress:)`` writes for this
        /// network, by path relative to the output directory, in a fixed order.
        public func files() throws(CryptoError) -> [(path: String, contents: [UInt8])] {
            var files: [(path: String, contents: [UInt8])] = [
                ("README.md", Array(Rendering.readme(summary).utf8)),
                ("participants.csv", Array(Rendering.participantsCSV(participants).utf8)),
            ]
            for participant in participants {
                files.append((participant.keyFile, Array(try participant.privateKey().pemRepresentation().utf8)))
            }
            let gs1Names = configuration.gs1Names
            for (index, participant) in participants.enumerated() where Rendering.hasFiles(participant) {
                files.append(
                    (
                        "facilities/\(participant.id).csv",
                        Array(Rendering.facilitiesCSV(facilities(of: participant.id), gs1Names: gs1Names).utf8)
                    ))
                if gs1Names, participants.firstIndex(where: Rendering.hasFiles) == index {
                    files.append(("products/\(participant.id).csv", Array(GS1Names.productsCSV.utf8)))
                }
                let plots = self.plots.filter { $0.party == participant.id }
                if !plots.isEmpty {
                    files.append(("plots/\(participant.id).geojson", Array(SampleNetwork.plotsGeoJSON(plots).utf8)))
                }
                var bytes = Array(Rendering.shipmentsHeader.utf8)
                for row in shipments[index] { row.appendCSVLine(to: &bytes) }
                files.append(("shipments/\(participant.id).csv", bytes))
            }
            files.append(("labels.csv", Array(Rendering.labelsCSV(labels).utf8)))
            files.append(("network.json", Array(Rendering.networkJSON(summary).utf8)))
            return files
        }
    }

    /// Generates the network of `configuration` in memory. For large networks use
    /// ``write(_:to:replacingExisting:progress:)``, which keeps memory bounded.
    public static func generate(_ configuration: Configuration) throws(LedgerError) -> Network {
        try configuration.validate()
        let topology = Topology(configuration: configuration)
        var generator = LotGenerator(configuration: configuration, topology: topology)
        var shipments = topology.participants.map { _ in [ShipmentRow]() }
        var labels = [Label]()
        var summary = Summary(
            seed: configuration.seed, lots: configuration.lots, start: configuration.start, days: configuration.days,
            anomalyRate: configuration.anomalyRate, participants: topology.participants.count,
            facilities: topology.facilities.count)
        for index in 0..<configuration.lots {
            let output = generator.lot(index)
            summary.count(output)
            for (party, row) in output.rows { shipments[party].append(Rendering.named(row, configuration)) }
            labels += output.labels
        }
        for index in shipments.indices { shipments[index].sort(by: ShipmentRow.precedes) }
        return Network(
            configuration: configuration, participants: topology.participants, facilities: topology.facilities,
            shipments: shipments, labels: labels.sorted(), summary: summary,
            plots: configuration.plots ? plots(of: topology) : [])
    }
}
