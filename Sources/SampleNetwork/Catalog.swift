/// A unit of quantity in the sample network, with the decimals its quantities are written with.
public enum SampleUnit: String, Sendable, CaseIterable {
    case kg, t, pcs

    /// Digits after the decimal point: kilograms to 0.1 kg, tonnes to the kilogram, pieces whole.
    public var decimals: Int {
        switch self {
        case .kg: 1
        case .t: 3
        case .pcs: 0
        }
    }

    /// Steps of the smallest written amount per unit (10 for 0.1 kg).
    var scale: Int64 {
        switch self {
        case .kg: 10
        case .t: 1000
        case .pcs: 1
        }
    }
}

/// Land connected by road, for choosing trucks; anything else goes by sea or air.
enum Landmass: Sendable { case eurasia, africa, northAmerica, southAmerica, japan, sulawesi, sumatraBangka }

/// Where retailers buy: distributors supply the retailers of their own market.
enum Market: Sendable, CaseIterable { case europe, northAmerica, asia }

/// A town or region where facilities stand, with its standard-time UTC offset (daylight saving time
/// is ignored) and the currency its sellers invoice in.
struct Place: Sendable {
    let name: String
    let country: String
    let latitude: Double
    let longitude: Double
    let utcOffsetMinutes: Int
    let landmass: Landmass

    /// EUR for euro-area sellers, USD for everyone else (commodities trade in dollars).
    var currency: String {
        ["NL", "DE", "BE", "FR", "IT", "ES"].contains(country) ? "EUR" : "USD"
    }

    static func at(
        _ name: String, _ country: String, _ latitude: Double, _ longitude: Double, utc hours: Double,
        _ landmass: Landmass
    ) -> Place {
        Place(
            name: name, country: country, latitude: latitude, longitude: longitude, utcOffsetMinutes: Int(hours * 60),
            landmass: landmass)
    }
}

/// One raw-material chain: what origins produce, what processors make of it, and where.
///
/// `yield` is output units per input unit (for tin, ingots per kilogram of ore); a processor makes
/// between 95 % and 100 % of the typical yield. `maxYield` is the physical ceiling a mass-balance
/// rule may use: no honest transform makes more than `inputs × maxYield`.
public struct ProductLine: Sendable {
    /// Short name of the chain, e.g. `cocoa`.
    public let name: String
    /// Product code of the raw material, e.g. `cocoa-beans`.
    public let rawProduct: String
    public let rawUnit: SampleUnit
    /// Product code of the processed product, e.g. `cocoa-mass`.
    public let outputProduct: String
    public let outputUnit: SampleUnit
    /// Typical output per input unit.
    public let yield: Double
    /// The most output per input unit a real process can give.
    public let maxYield: Double
    /// Whether raw lots carry item serial numbers (ear tags for cattle).
    public let rawSerials: Bool
    /// Whether processed lots carry item serial numbers (ingot numbers, hide tags).
    public let outputSerials: Bool
    /// Reference prices in US cents per unit.
    let rawPriceCents: Int64
    let outputPriceCents: Int64
    let lotCode: String
    let outputLotCode: String
    let originKind: String
    let processorKind: String
    /// Daily capacity of a typical origin facility, in raw-unit steps (see ``SampleUnit``).
    let originCapacity: Int64
    let certificateScheme: String
    let perishable: Bool
    /// Share of lots that follow this chain.
    let share: Double
    let originNoun: String
    let processorNoun: String
    /// Origin regions with their weight and the countries whose processors they sell to.
    let origins: [(place: Place, weight: Double, processedIn: [String])]
    let processors: [Place]
}

/// The built-in world of the sample network: chains, processing places, distributors and shops.
enum Catalog {
    static let lines: [ProductLine] = [
        ProductLine(
            name: "cocoa", rawProduct: "cocoa-beans", rawUnit: .kg, outputProduct: "cocoa-mass", outputUnit: .kg,
            yield: 0.80, maxYield: 0.85, rawSerials: false, outputSerials: false,
            rawPriceCents: 260, outputPriceCents: 650, lotCode: "COCB", outputLotCode: "COCM",
            originKind: "farm", processorKind: "factory", originCapacity: 60_000, certificateScheme: "FT",
            perishable: false, share: 0.20, originNoun: "Cocoa Growers Cooperative", processorNoun: "Cocoa Processing",
            origins: [
                (.at("Ashanti", "GH", 6.69, -1.62, utc: 0, .africa), 3, ["NL", "CI", "US"]),
                (.at("Soubre", "CI", 5.79, -6.61, utc: 0, .africa), 3, ["CI", "NL"]),
                (.at("Los Rios", "EC", -1.03, -79.46, utc: -5, .southAmerica), 1.5, ["US", "NL"]),
                (.at("Luwu", "ID", -2.55, 120.33, utc: 8, .sulawesi), 1, ["MY"]),
            ],
            processors: [
                .at("Zaandam", "NL", 52.44, 4.83, utc: 1, .eurasia),
                .at("San-Pedro", "CI", 4.75, -6.64, utc: 0, .africa),
                .at("Philadelphia", "US", 39.95, -75.17, utc: -5, .northAmerica),
                .at("Port Klang", "MY", 3.00, 101.40, utc: 8, .eurasia),
            ]),
        ProductLine(
            name: "coffee", rawProduct: "coffee-cherries", rawUnit: .kg, outputProduct: "green-coffee", outputUnit: .kg,
            yield: 0.18, maxYield: 0.22, rawSerials: false, outputSerials: false,
            rawPriceCents: 60, outputPriceCents: 520, lotCode: "COFC", outputLotCode: "COFG",
            originKind: "farm", processorKind: "mill", originCapacity: 80_000, certificateScheme: "ORG",
            perishable: false, share: 0.20, originNoun: "Coffee Growers Union", processorNoun: "Coffee Mill",
            origins: [
                (.at("Yirgacheffe", "ET", 6.16, 38.21, utc: 3, .africa), 2, ["ET"]),
                (.at("Huila", "CO", 1.85, -76.05, utc: -5, .southAmerica), 2, ["CO"]),
                (.at("Dak Lak", "VN", 12.67, 108.04, utc: 7, .eurasia), 2, ["VN"]),
                (.at("Sul de Minas", "BR", -21.55, -45.43, utc: -3, .southAmerica), 3, ["BR"]),
            ],
            processors: [
                .at("Hawassa", "ET", 7.06, 38.48, utc: 3, .africa),
                .at("Neiva", "CO", 2.93, -75.28, utc: -5, .southAmerica),
                .at("Buon Ma Thuot", "VN", 12.68, 108.05, utc: 7, .eurasia),
                .at("Varginha", "BR", -21.55, -45.43, utc: -3, .southAmerica),
            ]),
        ProductLine(
            name: "cotton", rawProduct: "raw-cotton", rawUnit: .kg, outputProduct: "cotton-yarn", outputUnit: .kg,
            yield: 0.60, maxYield: 0.66, rawSerials: false, outputSerials: false,
            rawPriceCents: 75, outputPriceCents: 310, lotCode: "COTR", outputLotCode: "COTY",
            originKind: "farm", processorKind: "mill", originCapacity: 200_000, certificateScheme: "ORG",
            perishable: false, share: 0.15, originNoun: "Cotton Growers Association", processorNoun: "Spinning Mills",
            origins: [
                (.at("Gujarat", "IN", 22.30, 70.80, utc: 5.5, .eurasia), 3, ["IN", "BD"]),
                (.at("Texas", "US", 33.58, -101.85, utc: -6, .northAmerica), 2, ["BD", "TR"]),
                (.at("Fergana", "UZ", 40.38, 71.79, utc: 5, .eurasia), 1.5, ["TR"]),
                (.at("Kafr el-Sheikh", "EG", 31.11, 30.94, utc: 2, .africa), 1, ["TR"]),
            ],
            processors: [
                .at("Tiruppur", "IN", 11.11, 77.34, utc: 5.5, .eurasia),
                .at("Gazipur", "BD", 24.00, 90.42, utc: 6, .eurasia),
                .at("Denizli", "TR", 37.78, 29.09, utc: 3, .eurasia),
            ]),
        ProductLine(
            name: "copper", rawProduct: "copper-concentrate", rawUnit: .t, outputProduct: "copper-cathode",
            outputUnit: .t,
            yield: 0.28, maxYield: 0.32, rawSerials: false, outputSerials: false,
            rawPriceCents: 240_000, outputPriceCents: 930_000, lotCode: "CUCN", outputLotCode: "CUCA",
            originKind: "mine", processorKind: "factory", originCapacity: 400_000, certificateScheme: "RMAP",
            perishable: false, share: 0.10, originNoun: "Copper Mining", processorNoun: "Copper Smelting",
            origins: [
                (.at("Calama", "CL", -22.46, -68.93, utc: -4, .southAmerica), 2, ["CL", "CN"]),
                (.at("Arequipa", "PE", -16.41, -71.54, utc: -5, .southAmerica), 1.5, ["CN", "DE"]),
                (.at("Kolwezi", "CD", -10.71, 25.47, utc: 2, .africa), 1.5, ["ZM", "CN"]),
                (.at("Chingola", "ZM", -12.53, 27.85, utc: 2, .africa), 1, ["ZM"]),
            ],
            processors: [
                .at("Chuquicamata", "CL", -22.31, -68.90, utc: -4, .southAmerica),
                .at("Guixi", "CN", 28.29, 117.21, utc: 8, .eurasia),
                .at("Hamburg", "DE", 53.52, 10.02, utc: 1, .eurasia),
                .at("Mufulira", "ZM", -12.55, 28.24, utc: 2, .africa),
            ]),
        ProductLine(
            name: "tin", rawProduct: "cassiterite", rawUnit: .kg, outputProduct: "tin-ingot", outputUnit: .pcs,
            yield: 0.028, maxYield: 0.0304, rawSerials: false, outputSerials: true,
            rawPriceCents: 1450, outputPriceCents: 78_000, lotCode: "SNOR", outputLotCode: "SNIN",
            originKind: "mine", processorKind: "factory", originCapacity: 15_000, certificateScheme: "ITSCI",
            perishable: false, share: 0.10, originNoun: "Tin Miners Cooperative", processorNoun: "Tin Smelting",
            origins: [
                (.at("Walikale", "CD", -1.25, 27.75, utc: 2, .africa), 2, ["MY", "TH", "CN"]),
                (.at("Rutongo", "RW", -1.85, 30.05, utc: 2, .africa), 1.5, ["MY", "TH"]),
                (.at("Huanuni", "BO", -18.29, -66.84, utc: -4, .southAmerica), 1, ["MY", "CN"]),
                (.at("Bangka", "ID", -2.13, 106.11, utc: 7, .sumatraBangka), 2, ["ID"]),
            ],
            processors: [
                .at("Butterworth", "MY", 5.40, 100.37, utc: 8, .eurasia),
                .at("Phuket", "TH", 7.88, 98.39, utc: 7, .eurasia),
                .at("Muntok", "ID", -2.06, 105.16, utc: 7, .sumatraBangka),
                .at("Gejiu", "CN", 23.36, 103.15, utc: 8, .eurasia),
            ]),
        ProductLine(
            name: "salmon", rawProduct: "atlantic-salmon", rawUnit: .kg, outputProduct: "salmon-fillet",
            outputUnit: .kg,
            yield: 0.55, maxYield: 0.62, rawSerials: false, outputSerials: false,
            rawPriceCents: 780, outputPriceCents: 1650, lotCode: "SALW", outputLotCode: "SALF",
            originKind: "farm", processorKind: "factory", originCapacity: 300_000, certificateScheme: "ASC",
            perishable: true, share: 0.15, originNoun: "Salmon Farms", processorNoun: "Seafood Processing",
            origins: [
                (.at("More og Romsdal", "NO", 62.47, 6.15, utc: 1, .eurasia), 3, ["NO", "PL"]),
                (.at("Argyll", "GB", 56.41, -5.47, utc: 0, .eurasia), 1.5, ["GB", "PL"]),
                (.at("Los Lagos", "CL", -41.47, -72.94, utc: -4, .southAmerica), 2, ["CL"]),
            ],
            processors: [
                .at("Alesund", "NO", 62.45, 6.30, utc: 1, .eurasia),
                .at("Slupsk", "PL", 54.46, 17.03, utc: 1, .eurasia),
                .at("Fraserburgh", "GB", 57.69, -2.00, utc: 0, .eurasia),
                .at("Puerto Montt", "CL", -41.48, -72.90, utc: -4, .southAmerica),
            ]),
        ProductLine(
            name: "leather", rawProduct: "cattle", rawUnit: .pcs, outputProduct: "bovine-hide", outputUnit: .pcs,
            yield: 1.0, maxYield: 1.0, rawSerials: true, outputSerials: true,
            rawPriceCents: 95_000, outputPriceCents: 3800, lotCode: "CATL", outputLotCode: "HIDE",
            originKind: "farm", processorKind: "factory", originCapacity: 40, certificateScheme: "DFC",
            perishable: false, share: 0.10, originNoun: "Cattle Ranchers", processorNoun: "Tannery",
            origins: [
                (.at("Mato Grosso", "BR", -15.60, -56.10, utc: -4, .southAmerica), 3, ["BR"]),
                (.at("Santa Fe", "AR", -32.95, -60.65, utc: -3, .southAmerica), 2, ["AR"]),
                (.at("Concepcion", "PY", -23.41, -57.43, utc: -3, .southAmerica), 1, ["BR", "AR"]),
            ],
            processors: [
                .at("Franca", "BR", -20.54, -47.40, utc: -3, .southAmerica),
                .at("Buenos Aires", "AR", -34.65, -58.45, utc: -3, .southAmerica),
            ]),
    ]

    /// Distribution hubs: (place, kind, market, weight).
    static let distributors: [(place: Place, kind: String, market: Market, weight: Double, name: String)] = [
        (.at("Hamburg", "DE", 53.54, 9.98, utc: 1, .eurasia), "warehouse", .europe, 3, "Hanse Commodity Logistics"),
        (.at("Rotterdam", "NL", 51.95, 4.14, utc: 1, .eurasia), "port", .europe, 3, "Maasvlakte Trading"),
        (
            .at("Newark", "US", 40.69, -74.15, utc: -5, .northAmerica), "port", .northAmerica, 3,
            "Atlantic Seaboard Distribution"
        ),
        (.at("Singapore", "SG", 1.31, 103.72, utc: 8, .eurasia), "port", .asia, 2, "Straits Trade Partners"),
        (.at("Shanghai", "CN", 31.23, 121.47, utc: 8, .eurasia), "warehouse", .asia, 2, "Yangtze Supply"),
    ]

    /// Retail chains: (place of their stores, market, name).
    static let retailers: [(places: [Place], market: Market, name: String)] = [
        (
            [.at("Berlin", "DE", 52.52, 13.40, utc: 1, .eurasia), .at("Munich", "DE", 48.14, 11.58, utc: 1, .eurasia)],
            .europe, "Spree Markets"
        ),
        (
            [.at("Paris", "FR", 48.86, 2.35, utc: 1, .eurasia), .at("Lyon", "FR", 45.76, 4.84, utc: 1, .eurasia)],
            .europe, "Maison Panier"
        ),
        (
            [
                .at("London", "GB", 51.51, -0.13, utc: 0, .eurasia),
                .at("Manchester", "GB", 53.48, -2.24, utc: 0, .eurasia),
            ], .europe, "Thames Grocers"
        ),
        (
            [
                .at("New York", "US", 40.71, -74.01, utc: -5, .northAmerica),
                .at("Chicago", "US", 41.88, -87.63, utc: -6, .northAmerica),
            ], .northAmerica, "Hudson Provisions"
        ),
        (
            [.at("Tokyo", "JP", 35.68, 139.69, utc: 9, .japan), .at("Osaka", "JP", 34.69, 135.50, utc: 9, .japan)],
            .asia, "Sakura Goods"
        ),
        (
            [
                .at("Singapore", "SG", 1.35, 103.82, utc: 8, .eurasia),
                .at("Beijing", "CN", 39.90, 116.40, utc: 8, .eurasia),
            ], .asia, "Lion City Retail"
        ),
    ]

    /// Carriers by transport mode.
    static let carriers: [TransportMode: [String]] = [
        .truck: ["road-express-1", "road-express-2", "transcontinental-haulage"],
        .ship: ["ocean-meridian-line", "blue-horizon-shipping", "southern-cross-lines"],
        .air: ["northwind-air-cargo", "equator-airfreight"],
    ]

    /// Refrigerated road carriers, for perishables.
    static let refrigeratedTruckCarriers = ["coldchain-trucking", "nordic-reefer-transport"]
}

/// How a shipment travels; speeds are the mode's average moving speed.
public enum TransportMode: String, Sendable, CaseIterable {
    case truck, ship, air

    /// Average speed in km/h used for transit times (truck 60, ship 30, air 700).
    public var kilometresPerHour: Double {
        switch self {
        case .truck: 60
        case .ship: 30
        case .air: 700
        }
    }

    /// Road or sea route length over great-circle distance.
    var routeFactor: Double {
        switch self {
        case .truck: 1.3
        case .ship: 1.35
        case .air: 1.05
        }
    }

    /// Loading, customs, port or airport handling, in hours.
    var handlingHours: ClosedRange<Double> {
        switch self {
        case .truck: 2...10
        case .ship: 48...168
        case .air: 6...30
        }
    }
}

enum Geography {
    /// Great-circle distance in kilometres (haversine, mean Earth radius 6371 km).
    static func distance(latitude1: Double, longitude1: Double, latitude2: Double, longitude2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (latitude2 - latitude1) * radians
        let dLon = (longitude2 - longitude1) * radians
        let a = sinSquared(dLat / 2) + cosine(latitude1 * radians) * cosine(latitude2 * radians) * sinSquared(dLon / 2)
        return 2 * 6371 * arcsine(min(1, a.squareRoot()))
    }

    // Elementary functions by series, so that distances (and so transit times) do not depend on the
    // platform's math library.
    private static func sine(_ x: Double) -> Double {
        var angle = x.truncatingRemainder(dividingBy: 2 * Double.pi)
        if angle > Double.pi { angle -= 2 * Double.pi }
        if angle < -Double.pi { angle += 2 * Double.pi }
        var term = angle
        var sum = angle
        let square = angle * angle
        for n in stride(from: 2, through: 40, by: 2) {
            term *= -square / Double(n * (n + 1))
            sum += term
        }
        return sum
    }

    private static func cosine(_ x: Double) -> Double { sine(x + Double.pi / 2) }

    private static func sinSquared(_ x: Double) -> Double {
        let s = sine(x)
        return s * s
    }

    /// asin on [0, 1]: its Taylor series up to 0.5, and asin(y) = π/2 − 2·asin(√((1 − y)/2)) above.
    private static func arcsine(_ y: Double) -> Double {
        if y > 0.5 { return Double.pi / 2 - 2 * arcsine(((1 - y) / 2).squareRoot()) }
        let square = y * y
        var term = y
        var sum = y
        for n in 0..<40 {
            let odd = Double(2 * n + 1)
            term *= square * odd * odd / (Double(2 * n + 2) * Double(2 * n + 3))
            sum += term
        }
        return sum
    }
}
