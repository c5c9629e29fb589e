public import LedgerCore

/// Deterministic generator of realistic supply-chain networks with labelled anomalies.
///
/// A network is made of *lots*: each lot here is one processed lot and its whole history. One to
/// three raw lots are produced at farms or mines, shipped to a processor and received there; the
/// processor transforms them into the processed lot, ships it to a distributor, which splits it
/// across one to three retail stores. That makes about 11.5 shipment rows per lot. Lots start at
/// an even pace over ``Configuration/days`` days.
///
/// A fraction of lots (``Configuration/anomalyRate``) carry one injected anomaly each, spread over
/// ``Configuration/patterns`` in turn; every record that carries one is listed in the labels.
///
/// The same configuration always gives the same network, byte for byte: every draw comes from the
/// generator's own seeded xoshiro256** streams, output order never depends on hashing, and numbers
/// are printed with integer arithmetic.
///
/// - ``generate(_:)`` builds a ``Network`` in memory, for tests and small sizes.
/// - ``write(_:to:replacingExisting:progress:)`` streams the same network to files in bounded
///   memory, for any size.
public enum SampleNetwork {
    /// What to generate.
    public struct Configuration: Sendable {
        /// Number of processed lots (supply chains); about 11.5 shipment rows each.
        public var lots: Int
        /// The seed every draw and every key derives from.
        public var seed: UInt64
        /// The first lot's start (its first raw lot is produced within hours after it).
        public var start: Timestamp
        /// Fraction of lots that carry one injected anomaly, in [0, 1].
        public var anomalyRate: Double
        /// The patterns to inject, taken in a seed-shuffled rotation.
        public var patterns: [AnomalyKind]
        /// The busiest pace: above `minimumDays × maximumLotsPerDay` lots, the network spans more
        /// days instead of getting denser, which keeps the writer's memory bounded.
        public var maximumLotsPerDay: Int
        /// The shortest span of the network in days.
        public var minimumDays: Int
        /// Whether the files name things as GS1 data does (``GS1Names``): products by GTIN-14 (registered in
        /// `products/<participant>.csv`) and each shipment at its site's dispatch dock, a location of the site.
        /// The same network otherwise, with the same labels.
        public var gs1Names: Bool
        /// Whether the farms and ranches of the chains the EU deforestation regulation covers (cocoa, coffee,
        /// cattle) get production plots (``SampleNetwork/Plot``, `plots/<participant>.geojson`), which their
        /// harvests name. Not with ``gs1Names``.
        public var plots = false

        public init(
            lots: Int, seed: UInt64, start: Timestamp = Timestamp(epochSeconds: 1_767_225_600),
            anomalyRate: Double = 0.02,
            patterns: [AnomalyKind] = AnomalyKind.allCases, maximumLotsPerDay: Int = 250, minimumDays: Int = 365,
            gs1Names: Bool = false
        ) {
            self.lots = lots
            self.seed = seed
            self.start = start
            self.anomalyRate = anomalyRate
            self.patterns = patterns
            self.maximumLotsPerDay = maximumLotsPerDay
            self.minimumDays = minimumDays
            self.gs1Names = gs1Names
        }

        /// Days the lots' starts are spread over.
        public var days: Int {
            max(minimumDays, (lots + maximumLotsPerDay - 1) / max(1, maximumLotsPerDay))
        }

        /// Lots started per day on average.
        var lotsPerDay: Double { Double(lots) / Double(days) }

        /// The start of lot `index`: lots start at an even pace, in order.
        func lotStart(_ index: Int) -> Int64 {
            start.epochSeconds + Int64(index) * Int64(days) * 86_400 / Int64(max(1, lots))
        }

        /// Checks the values, naming the one at fault.
        public func validate() throws(LedgerError) {
            guard lots >= 1, lots <= 100_000_000 else {
                throw LedgerError(.invalidRecord, "lots must be between 1 and 100000000, got \(lots)")
            }
            guard anomalyRate >= 0, anomalyRate <= 1 else {
                throw LedgerError(.invalidRecord, "the anomaly rate must be between 0 and 1, got \(anomalyRate)")
            }
            guard maximumLotsPerDay >= 1, minimumDays >= 1, minimumDays <= 36_500 else {
                throw LedgerError(.invalidRecord, "maximumLotsPerDay and minimumDays must be at least 1")
            }
            guard start.epochSeconds >= 0, start.epochSeconds < 4_000_000_000 else {
                throw LedgerError(.invalidRecord, "the start must be between 1970 and 2096")
            }
            guard !(plots && gs1Names) else {
                throw LedgerError(.invalidRecord, "plots are generated for networks named by codes, not by GS1 names")
            }
        }
    }

    /// The product chains the generator knows, with their yields (for mass-balance checks).
    public static var productLines: [ProductLine] { Catalog.lines }
}
