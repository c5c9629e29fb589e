/// A pipeline definition: which part of the chain to read, which features to compute, the models
/// with their parameters and seeds, the flagging threshold and the rules' parameters.
///
/// Read from a YAML (or JSON) file in `Pipelines/` by ``PipelineDefinition/init(parsing:file:)``;
/// every key is optional and falls back to the default documented in `Schemas/pipeline.schema.json`.
public struct PipelineDefinition: Sendable, Hashable {
    public var name = "pipeline"
    public var range = Range()
    public var links = Links()
    /// Feature names, in model column order (see ``FeatureCatalog``).
    public var features = FeatureCatalog.all.map(\.name)
    public var models = Models()
    public var threshold = Threshold()
    public var rules = Rules()
    /// How many features explain each flag.
    public var drivers = 3

    public init() {}

    /// Which part of the ledger the run reads.
    public struct Range: Sendable, Hashable {
        /// First tree index read (0 = the start of the chain).
        public var fromSize = 0
        /// Tree size to stop at; nil = the ledger's current size.
        public var toSize: Int?
        /// Only events with `occurred_at` at or after this instant (ISO 8601).
        public var from: String?
        /// Only events with `occurred_at` before this instant (ISO 8601).
        public var to: String?
    }

    public struct Links: Sendable, Hashable {
        /// A `ship` with no `receive` this many hours after the last event read counts as unreceived.
        public var unreceivedAfterHours = 720.0
        /// A price or yield cohort needs this many members; smaller ones fall back to a wider cohort.
        public var minimumCohort = 20
    }

    public struct Models: Sendable, Hashable {
        public var trees = 100
        public var sampleSize = 256
        /// 0 = isolation forest as in Liu, Ting & Zhou (2008); ≥ 1 = extended isolation forest.
        public var extensionLevel = 0
        public var clusterCandidates = 2...8
        public var seed: UInt64 = 20_260_301
    }

    /// When a link is flagged by the models alone.
    public struct Threshold: Sendable, Hashable {
        /// Flag links whose combined score is at least this (takes precedence over ``falseAlarmsPer1000``).
        public var score: Double?
        /// Or flag links whose combined p-value is at most this many per 1,000: about as many false alarms per 1,000
        /// ordinary links, whatever the number of anomalies (``TailScores``).
        public var falseAlarmsPer1000 = 0.25
        /// A flag that only the forest or the clusters raise (no family's tail) also needs one feature at least this
        /// many robust z-units from its median.
        public var minimumDeviation = 6.0

        /// The combined p-value at or below which the models flag a link.
        public var pValue: Double { score.map { TailScores.pValue(score: $0) } ?? falseAlarmsPer1000 / 1000 }
    }

    public struct Rules: Sendable, Hashable {
        /// Receive before ship: how much earlier a receive may be stamped (clock skew), minutes.
        public var receiveBeforeShipToleranceMinutes = 30.0
        /// Above this implied speed between two facilities a transit is impossible, km/h.
        public var maximumSpeedKmh = 1_000.0
        /// Distances below this are not checked for speed (same site, rounding of coordinates), km.
        public var speedMinimumDistanceKm = 50.0
        /// Loss between ship and receive above this share is excess shrinkage.
        public var shrinkageTolerance = 0.05
        /// A lot at a facility may ship out this share more than came in before mass balance fails.
        public var massBalanceTolerance = 0.001
        /// A transform's yield above its product pair's median by more than this share fails.
        public var yieldTolerance = 0.15
        /// Fixed maximum yields per product pair (`input -> output`), which take precedence over the median.
        public var maximumYields: [String: Double] = [:]
        /// Output per facility and local day above capacity by more than this share fails.
        public var capacityTolerance = 0.05
        /// A shipment priced below this share of its cohort's median is exploitative.
        public var exploitativePriceRatio = 0.35
        /// The most a plot can plausibly yield in a calendar year, kg per hectare, by EUDR commodity: defaults set well
        /// above what intensively managed plantations report (cocoa at about seven times FAO's world average of
        /// 0.44 t/ha), so that only output no plot grows stands out; a definition tunes them (docs/pipeline.md).
        public var maximumPlotYields: [String: Double] = [
            "cocoa": 3_000, "coffee": 5_000, "oil_palm": 40_000, "rubber": 3_500, "soya": 7_000,
        ]
        /// Rules switched off by name.
        public var disabled: Set<String> = []

        public func isEnabled(_ rule: RuleName) -> Bool { !disabled.contains(rule.rawValue) }
    }
}

/// The rules the pipeline knows, by the names reports and definitions use.
public enum RuleName: String, Sendable, CaseIterable, Hashable {
    case receiveBeforeShip = "receive_before_ship"
    case impossibleSpeed = "impossible_speed"
    case excessShrinkage = "excess_shrinkage"
    case massBalance = "mass_balance"
    case transformYield = "transform_yield"
    case clonedSerial = "cloned_serial"
    case certificateInvalid = "certificate_invalid"
    case overCapacity = "over_capacity"
    case exploitativePrice = "exploitative_price"
    case unrecordedTransfer = "unrecorded_transfer"
    case plotClearedAfterCutoff = "plot_cleared_after_cutoff"
    case plotOverYield = "plot_over_yield"
    case plotOverlap = "plot_overlap"
    case plotCoverage = "plot_coverage"

    /// How much a hit weighs for a reviewer.
    public enum Severity: String, Sendable, Hashable {
        /// A sign of fraud or harm: the record contradicts itself, physics or master data.
        case high
        /// A gap in the record that ordinary practice explains, worth a look: an internal move nobody recorded.
        case low
    }

    public var severity: Severity { self == .unrecordedTransfer ? .low : .high }
}
