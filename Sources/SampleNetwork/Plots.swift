public import LedgerCore

extension SampleNetwork {
    /// A production plot of a farm or ranch (EU deforestation regulation; docs/regulatory.md), as the generator
    /// writes it into `plots/<participant>.geojson` when the configuration asks for plots.
    public struct Plot: Sendable {
        public let id: String
        /// The farm or ranch it belongs to, and the participant that registers it.
        public let facility: String
        public let party: String
        public let name: String
        /// `cocoa`, `coffee` or `cattle`.
        public let commodity: String
        public let country: String
        /// The polygon's one ring, longitude first, closed.
        public let ring: [GeoPosition]
        /// Its geodesic area, as ``PlotGeometry`` computes it, in hectares with two decimals.
        public let areaHectares: String
        /// The day the land was established (`YYYY-MM-DD`), years before the regulation's cut-off.
        public let established: String

        /// The plot as a GeoJSON Feature, coordinates with six decimals.
        var feature: String {
            let coordinates = ring.map { String(format: "[%.6f, %.6f]", $0.longitude, $0.latitude) }
            return #"{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [["#
                + coordinates.joined(separator: ", ") + #"]]}, "properties": {"plot_id": "\#(id)", "farm": "#
                + #""\#(facility)", "name": "\#(name)", "area_ha": \#(areaHectares), "commodity": "\#(commodity)", "#
                + #""country": "\#(country)", "established": "\#(established)", "evidence": "land title \#(id)"}}"#
        }
    }

    /// The plots of every farm and ranch of a chain whose commodity the regulation covers (cocoa, coffee, cattle):
    /// two squares of 0.04 degree side by side in a cell of 0.1 degree of a grid laid out south of their region, one
    /// cell per farm, one band of cells per chain, so that no two plots overlap; each farm's harvests name both.
    static func plots(of topology: Topology) -> [Plot] {
        var plots = [Plot]()
        for (lineIndex, regions) in topology.origins.enumerated() {
            let line = Catalog.lines[lineIndex]
            guard let commodity = line.plotCommodity else { continue }
            for region in regions {
                for (number, facilityIndex) in region.facilities.enumerated() {
                    let facility = topology.facilities[facilityIndex]
                    let west = region.place.longitude - 0.5 + Double(number % 10) * 0.1
                    let north = region.place.latitude - 0.5 - Double(lineIndex) * 0.6 - Double(number / 10) * 0.1
                    for side in 0..<2 {
                        let left = west + 0.005 + Double(side) * 0.05
                        let top = north - 0.005
                        let ring = [
                            (left, top - 0.04), (left + 0.04, top - 0.04), (left + 0.04, top), (left, top),
                            (left, top - 0.04),
                        ].map {
                            GeoPosition(longitude: ($0.0 * 1e6).rounded() / 1e6, latitude: ($0.1 * 1e6).rounded() / 1e6)
                        }
                        let id = plotID(facility.id, side)
                        plots.append(
                            Plot(
                                id: id, facility: facility.id, party: facility.party,
                                name: "\(facility.name) plot \(side + 1)", commodity: commodity,
                                country: facility.country, ring: ring, areaHectares: area(ring),
                                established: "\(2004 + number % 16)-0\(3 + side)-01"))
                    }
                }
            }
        }
        return plots
    }

    /// The plot IDs of `facility` that its harvests name, `;`-separated.
    static func plotIDs(_ facility: String) -> String { plotID(facility, 0) + ";" + plotID(facility, 1) }

    static func plotID(_ facility: String, _ side: Int) -> String { "\(facility)-PLOT-\(side + 1)" }

    /// The ring's geodesic area, as the ledger's check computes it, two decimals.
    static func area(_ ring: [GeoPosition]) -> String {
        String(format: "%.2f", PlotGeometry.polygon([ring]).areaHectares)
    }

    /// A participant's plots as a GeoJSON FeatureCollection, one feature per line.
    static func plotsGeoJSON(_ plots: [Plot]) -> String {
        #"{"type": "FeatureCollection", "features": ["# + "\n" + plots.map(\.feature).joined(separator: ",\n")
            + "\n]}\n"
    }
}

extension ProductLine {
    /// The commodity of the EU deforestation regulation its origins grow, if any: their farms and ranches get plots.
    var plotCommodity: String? {
        switch name {
        case "cocoa": "cocoa"
        case "coffee": "coffee"
        case "leather": "cattle"
        default: nil
        }
    }
}
