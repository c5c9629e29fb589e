/// What one pipeline run found: the document that is hashed, anchored on the chain, rendered as
/// HTML and reviewed.
///
/// Everything in it follows from the ledger range and the pipeline definition; it holds no wall-clock
/// time and no timings, so the same chain and the same definition give the same report, byte for
/// byte (``canonicalBytes()``).
public struct Report: Sendable, Hashable {
    /// Version of the report layout.
    public static let formatVersion = 1

    public var format: Int = Report.formatVersion
    /// The pipeline definition the run used.
    public var pipeline: PipelineInfo
    /// The part of the ledger the run read.
    public var ledger: LedgerRange
    public var summary: Summary
    /// Flags, highest score first (ties by ID).
    public var flags: [Flag]
    /// Distribution of the combined score over every link scored.
    public var histogram: Histogram
    /// The links in two dimensions (PCA of the scaled features), with their cluster.
    public var clusters: ClusterView
    /// The features, in model column order, with the statistics used to scale them.
    public var features: [FeatureSummary]

    public init(
        pipeline: PipelineInfo, ledger: LedgerRange, summary: Summary, flags: [Flag], histogram: Histogram,
        clusters: ClusterView, features: [FeatureSummary]
    ) {
        self.pipeline = pipeline
        self.ledger = ledger
        self.summary = summary
        self.flags = flags
        self.histogram = histogram
        self.clusters = clusters
        self.features = features
    }

    public struct PipelineInfo: Sendable, Hashable {
        public var name: String
        /// SHA-256 of the definition file's bytes, lower-case hex.
        public var digest: String
        /// The models' parameters and seeds, thresholds and rule parameters as run.
        public var parameters: [String: ParameterValue]

        public init(name: String, digest: String, parameters: [String: ParameterValue]) {
            self.name = name
            self.digest = digest
            self.parameters = parameters
        }
    }

    /// A parameter as it appears in the report: a number, a text, or a nested group.
    public indirect enum ParameterValue: Sendable, Hashable {
        case integer(Int)
        case number(Double)
        case text(String)
        case flag(Bool)
        case list([ParameterValue])
        case group([String: ParameterValue])
    }

    public struct LedgerRange: Sendable, Hashable {
        /// The ledger's origin line (its name in checkpoints).
        public var origin: String
        /// Tree size before the first event read (0 for the whole chain).
        public var fromSize: Int
        /// Tree size after the last event read.
        public var toSize: Int
        /// Root hash of the tree at `toSize`, lower-case hex.
        public var rootHash: String
        /// Events with `occurred_at` outside this window were left out, when a window was set.
        public var window: TimeWindow?

        public init(origin: String, fromSize: Int, toSize: Int, rootHash: String, window: TimeWindow?) {
            self.origin = origin
            self.fromSize = fromSize
            self.toSize = toSize
            self.rootHash = rootHash
            self.window = window
        }
    }

    public struct TimeWindow: Sendable, Hashable {
        /// ISO 8601 UTC, inclusive; nil when open.
        public var from: String?
        /// ISO 8601 UTC, exclusive; nil when open.
        public var to: String?

        public init(from: String?, to: String?) {
            self.from = from
            self.to = to
        }
    }

    public struct Summary: Sendable, Hashable {
        /// Events read in the range.
        public var events: Int
        /// Links scored (shipments and transformations).
        public var links: Int
        /// Shipments with no receive after the configured time.
        public var unreceived: Int
        public var flagged: Int
        /// Combined score at or above which a link is flagged by the models.
        public var scoreThreshold: Double
        /// Flags per rule name; rules with no hit are listed with 0.
        public var rules: [String: Int]
        /// Flags raised by the models alone (no rule hit).
        public var modelOnly: Int
        /// Number of clusters chosen.
        public var clusterCount: Int

        public init(
            events: Int, links: Int, unreceived: Int, flagged: Int, scoreThreshold: Double, rules: [String: Int],
            modelOnly: Int, clusterCount: Int
        ) {
            self.events = events
            self.links = links
            self.unreceived = unreceived
            self.flagged = flagged
            self.scoreThreshold = scoreThreshold
            self.rules = rules
            self.modelOnly = modelOnly
            self.clusterCount = clusterCount
        }
    }

    /// One flagged link (or lot, or facility-day) with why it was flagged.
    public struct Flag: Sendable, Hashable, Identifiable {
        /// Stable across runs: derived from the subject and the IDs of its events, so a review of
        /// it still applies when a later run covers more of the chain.
        public var id: String
        /// What was flagged: `shipment`, `transform`, `production` or `lot`.
        public var subject: String
        /// Combined score in [0, 1]; 1 for a rule hit on a subject the models did not score.
        public var score: Double
        /// The isolation forest's raw score, when the subject was scored.
        public var forestScore: Double?
        /// The cluster-distance score in [0, 1], when the subject was scored.
        public var clusterScore: Double?
        public var cluster: Int?
        public var rules: [RuleHit]
        /// The 1–3 features that drove the score, strongest first.
        public var drivers: [Driver]
        /// Plain-language reasons, rule hits first.
        public var reasons: [String]
        public var product: String?
        public var lot: String?
        public var shipmentID: String?
        /// Participant IDs of the events' signers, sorted.
        public var parties: [String]
        /// Facility IDs involved, sorted.
        public var facilities: [String]
        /// The events the flag is about, in ledger order.
        public var records: [FlagRecord]

        public init(
            id: String, subject: String, score: Double, forestScore: Double?, clusterScore: Double?, cluster: Int?,
            rules: [RuleHit], drivers: [Driver], reasons: [String], product: String?, lot: String?, shipmentID: String?,
            parties: [String], facilities: [String], records: [FlagRecord]
        ) {
            self.id = id
            self.subject = subject
            self.score = score
            self.forestScore = forestScore
            self.clusterScore = clusterScore
            self.cluster = cluster
            self.rules = rules
            self.drivers = drivers
            self.reasons = reasons
            self.product = product
            self.lot = lot
            self.shipmentID = shipmentID
            self.parties = parties
            self.facilities = facilities
            self.records = records
        }
    }

    public struct RuleHit: Sendable, Hashable {
        /// Rule name, e.g. `receive_before_ship`.
        public var rule: String
        /// What was seen, with numbers: "received 5.2 h before it was shipped".
        public var detail: String
        /// `high`, or `low` for a gap that ordinary practice explains (``RuleName/Severity``).
        public var severity: String

        public init(rule: String, detail: String, severity: String = RuleName.Severity.high.rawValue) {
            self.rule = rule
            self.detail = detail
            self.severity = severity
        }
    }

    /// A feature that pushed a score up.
    public struct Driver: Sendable, Hashable {
        public var feature: String
        /// The link's value (nil when missing).
        public var value: Double?
        /// The cohort's median the value is compared with.
        public var median: Double?
        /// Deviation in robust z-units (median/IQR).
        public var z: Double
        /// Share of the link's isolation this feature accounts for, in [0, 1].
        public var contribution: Double
        /// "unit price 0.41 USD/kg is 84 % below the median 2.60 for cocoa-beans".
        public var text: String

        public init(feature: String, value: Double?, median: Double?, z: Double, contribution: Double, text: String) {
            self.feature = feature
            self.value = value
            self.median = median
            self.z = z
            self.contribution = contribution
            self.text = text
        }
    }

    public struct FlagRecord: Sendable, Hashable {
        public var recordID: String
        /// Event ID, lower-case hex.
        public var eventID: String
        /// Position in the ledger (0-based tree index).
        public var index: Int
        public var kind: String
        public var signer: String
        /// `occurred_at` as the signer stated it (ISO 8601 with offset).
        public var occurredAt: String
        /// The facility the event was recorded at (a location, where the pipeline measured it at its site).
        public var facility: String?
        /// The product name the event recorded, when the products' master data resolved it to another product code
        /// (a GTIN, SGTIN or LGTIN of the flag's product).
        public var recordedProduct: String?

        public init(
            recordID: String, eventID: String, index: Int, kind: String, signer: String, occurredAt: String,
            facility: String?, recordedProduct: String? = nil
        ) {
            self.recordID = recordID
            self.eventID = eventID
            self.index = index
            self.kind = kind
            self.signer = signer
            self.occurredAt = occurredAt
            self.facility = facility
            self.recordedProduct = recordedProduct
        }
    }

    public struct Histogram: Sendable, Hashable {
        /// Lower edges of equal-width bins over [0, 1]; the last bin includes 1.
        public var binStarts: [Double]
        /// Links per bin.
        public var counts: [Int]
        /// Flagged links per bin.
        public var flagged: [Int]

        public init(binStarts: [Double], counts: [Int], flagged: [Int]) {
            self.binStarts = binStarts
            self.counts = counts
            self.flagged = flagged
        }
    }

    public struct ClusterView: Sendable, Hashable {
        /// Mean silhouette per k tried.
        public var silhouettes: [Int: Double]
        /// Share of variance the two axes explain.
        public var explainedVariance: [Double]
        /// Size of each cluster.
        public var sizes: [Int]
        /// A deterministic sample of the links (every flagged one included), at most a few thousand.
        public var points: [ClusterPoint]

        public init(silhouettes: [Int: Double], explainedVariance: [Double], sizes: [Int], points: [ClusterPoint]) {
            self.silhouettes = silhouettes
            self.explainedVariance = explainedVariance
            self.sizes = sizes
            self.points = points
        }
    }

    public struct ClusterPoint: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public var cluster: Int
        public var score: Double
        /// The flag's ID when the link is flagged.
        public var flag: String?

        public init(x: Double, y: Double, cluster: Int, score: Double, flag: String?) {
            self.x = x
            self.y = y
            self.cluster = cluster
            self.score = score
            self.flag = flag
        }
    }

    public struct FeatureSummary: Sendable, Hashable {
        public var name: String
        /// What the feature measures, in a few words, with its unit.
        public var description: String
        public var median: Double
        public var scale: Double
        /// Links where the feature could not be computed.
        public var missing: Int

        public init(name: String, description: String, median: Double, scale: Double, missing: Int) {
            self.name = name
            self.description = description
            self.median = median
            self.scale = scale
            self.missing = missing
        }
    }
}
