internal import LedgerCore

extension SampleNetwork {
    /// How a network written with ``Configuration/gs1Names`` names its products and places: as a partner's EPCIS
    /// and warehouse systems would, so that the ledger must resolve them to one identity (docs/identity.md).
    ///
    /// - Every product is named by a GTIN-14 of the company prefix 4000001, numbered in the order of the product
    ///   codes; the first participant with files registers the codes with their GTINs (`products/<id>.csv`).
    /// - Every facility has a dispatch dock, `<facility>-DOCK`: a location of the facility (`parent_facility`) at
    ///   the same place, holding the same certificate. Shipments leave from the dock; everything else happens at
    ///   the site, and shipments still go to the site.
    public enum GS1Names {
        /// The GTIN-14 of each product code.
        public static let gtins: [String: String] = {
            let codes = Set(Catalog.lines.flatMap { [$0.rawProduct, $0.outputProduct] }).sorted()
            var gtins = [String: String]()
            for (index, code) in codes.enumerated() {
                let number = String(index + 1)
                let body = "04000001" + String(repeating: "0", count: 5 - number.count) + number
                gtins[code] = body + String(EPCIdentifier.checkDigit(body) ?? "0")
            }
            return gtins
        }()

        /// The products CSV that registers every product code with its GTIN.
        static var productsCSV: String {
            var text = Formatting.csvLine(["product_id", "name", "gtins"])
            for (code, gtin) in gtins.sorted(by: { $0.key < $1.key }) {
                text += Formatting.csvLine([code, code.replacingOccurrences(of: "-", with: " "), gtin])
            }
            return text
        }

        /// The ID of a facility's dispatch dock.
        public static func dock(of facility: String) -> String { facility + "-DOCK" }

        /// The facilities CSV with a `parent_facility` column and each facility's dock after it.
        static func facilitiesCSV(_ facilities: [Facility]) -> String {
            var text = Formatting.csvLine(Facility.csvHeader + ["parent_facility"])
            for facility in facilities {
                let fields = facility.csvFields
                text += Formatting.csvLine(fields + [""])
                var row = fields.map { _ in "" }
                for (index, column) in Facility.csvHeader.enumerated() {
                    switch column {
                    case "facility_id": row[index] = dock(of: facility.id)
                    case "name": row[index] = facility.name + " dispatch dock"
                    case "kind": row[index] = "warehouse"
                    case "party", "country", "latitude", "longitude", "certificate", "certificate_expires":
                        row[index] = fields[index]
                    default: break
                    }
                }
                text += Formatting.csvLine(row + [facility.id])
            }
            return text
        }

        /// The row as GS1 data names it.
        static func renamed(_ row: ShipmentRow) -> ShipmentRow {
            var row = row
            row.product = gtins[row.product] ?? row.product
            if row.event == .ship { row.facility = dock(of: row.facility) }
            return row
        }
    }
}
