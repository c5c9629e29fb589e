import Pipeline
import TestSupport

/// A realistic report over a small cocoa network: five flags of different subjects, rules and drivers,
/// a histogram of 20 bins and 50 cluster points in 3 clusters. Every decimal is already at the
/// precision the JSON form keeps, so it reads back equal.
enum SampleReport {
    static let rootHash = "5f1c0a9e3b7d2c4e6a8f0b1d3c5e7a9f2b4d6c8e0a1f3b5d7c9e2a4f6b8d0c1e"
    static let pipelineDigest = "a3c5e7f9b1d30517293b4d5f6a7c8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    /// The report; `rulesInsertedBackwards` builds its dictionaries in another order, which must not
    /// change a single byte of anything written from it.
    static func make(rulesInsertedBackwards: Bool = false) -> Report {
        var ruleCounts: [(String, Int)] = [
            ("receive_before_ship", 1), ("impossible_speed", 1), ("mass_balance", 1), ("duplicate_serials", 0),
            ("certificate_invalid", 1), ("over_capacity", 0),
        ]
        if rulesInsertedBackwards { ruleCounts.reverse() }
        var rules: [String: Int] = [:]
        for (name, count) in ruleCounts { rules[name] = count }

        var silhouettes: [Int: Double] = [:]
        let tried: [(Int, Double)] = [(2, 0.4112), (3, 0.5287), (4, 0.4630), (5, 0.3904)]
        for (k, value) in rulesInsertedBackwards ? tried.reversed() : tried { silhouettes[k] = value }

        return Report(
            pipeline: Report.PipelineInfo(
                name: "cocoa-weekly", digest: pipelineDigest,
                parameters: [
                    "seed": .integer(7),
                    "score_threshold": .number(0.62),
                    "forest": .group([
                        "trees": .integer(200), "sample_size": .integer(256), "extended": .flag(true),
                        "contamination": .number(0.02),
                    ]),
                    "kmeans": .group(["k": .list([.integer(2), .integer(3), .integer(4), .integer(5)])]),
                    "rules": .group(["max_speed_kmh": .number(950.5), "unreceived_after": .text("P21D")]),
                ]),
            ledger: Report.LedgerRange(
                origin: "cocoa.example/ledger", fromSize: 0, toSize: 48_210, rootHash: rootHash,
                window: Report.TimeWindow(from: "2026-01-01T00:00:00Z", to: "2026-04-01T00:00:00Z")),
            summary: Report.Summary(
                events: 48_210, links: 15_204, unreceived: 37, flagged: 5, scoreThreshold: 0.62, rules: rules,
                modelOnly: 1, clusterCount: 3),
            flags: flags, histogram: histogram, clusters: clusterView(silhouettes: silhouettes), features: features)
    }

    static let flags: [Report.Flag] = [
        Report.Flag(
            id: "F-7c21a9", subject: "shipment", score: 1, forestScore: nil, clusterScore: nil, cluster: nil,
            rules: [
                Report.RuleHit(rule: "receive_before_ship", detail: "received 5.2 h before it was shipped")
            ],
            drivers: [],
            reasons: ["Received 5.2 hours before it was shipped."], product: "cocoa-beans", lot: "LOT-GH-101",
            shipmentID: "SH-2026-0113", parties: ["farm-gh", "mill-nl"], facilities: ["FARM-1", "MILL-1"],
            records: [
                record(
                    "farm-shipments.csv:3", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 1_204,
                    "ship", "farm-gh", "2026-01-13T08:00:00+00:00", "FARM-1"),
                record(
                    "MILL-RCV-0113", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 1_377,
                    "receive", "mill-nl", "2026-01-13T03:48:00+01:00", "MILL-1", recordedProduct: "04012345000016"),
            ]),
        Report.Flag(
            id: "F-0d44e1", subject: "shipment", score: 0.9137, forestScore: 0.7821, clusterScore: 0.9512, cluster: 2,
            rules: [Report.RuleHit(rule: "impossible_speed", detail: "5,120 km in 9.0 h: 569 km/h by truck")],
            drivers: [
                Report.Driver(
                    feature: "implied_speed", value: 568.888889, median: 41.25, z: 12.4031, contribution: 0.6140,
                    text: "implied speed 569 km/h is 13.8 times the median 41 km/h"),
                Report.Driver(
                    feature: "transit_hours", value: 9, median: 312.5, z: -3.9170, contribution: 0.2210,
                    text: "transit 9 h against a median of 312 h for this route"),
            ],
            reasons: ["5,120 km in 9.0 h: 569 km/h by truck.", "Implied speed 13.8 times the median."],
            product: "cocoa-beans", lot: "LOT-CI-044", shipmentID: "SH-2026-0291", parties: ["coop-ci", "mill-nl"],
            facilities: ["COOP-2", "MILL-1"],
            records: [
                record(
                    "SH-2026-0291", "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", 8_810, "ship",
                    "coop-ci", "2026-02-02T06:00:00+00:00", "COOP-2"),
                record(
                    "MILL-RCV-0291", "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9", 8_944,
                    "receive", "mill-nl", "2026-02-02T16:00:00+01:00", "MILL-1"),
            ]),
        Report.Flag(
            id: "F-51b3f0", subject: "transform", score: 0.8420, forestScore: 0.6905, clusterScore: 0.8833, cluster: 1,
            rules: [Report.RuleHit(rule: "mass_balance", detail: "made 1,250 kg of cocoa mass from 980 kg of beans")],
            drivers: [
                Report.Driver(
                    feature: "yield_ratio", value: 1.27551, median: 0.8, z: 6.2200, contribution: 0.7015,
                    text: "yield 1.28 kg per kg of input against a median of 0.80")
            ],
            reasons: ["Made 1,250 kg of cocoa mass from 980 kg of beans (yield 128 %)."], product: "cocoa-mass",
            lot: "LOT-NL-MASS-07", shipmentID: nil, parties: ["mill-nl"], facilities: ["MILL-1"],
            records: [
                record(
                    "mill-batches.csv:12", "18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4", 9_020,
                    "transform", "mill-nl", "2026-02-03T10:30:00+01:00", "MILL-1")
            ]),
        Report.Flag(
            id: "F-a80c77", subject: "shipment", score: 0.7346, forestScore: 0.6412, clusterScore: 0.7003, cluster: 0,
            rules: [],
            drivers: [
                Report.Driver(
                    feature: "unit_price_ratio", value: 0.157692, median: 1, z: -5.1120, contribution: 0.5530,
                    text: "unit price 0.41 USD/kg is 84 % below the median 2.60 for cocoa-beans"),
                Report.Driver(
                    feature: "partner_novelty", value: 1, median: 0, z: 3.0000, contribution: 0.2480,
                    text: "first shipment between these two parties"),
                Report.Driver(
                    feature: "distance_km", value: nil, median: 4_980.5, z: 0, contribution: 0.0500,
                    text: "distance unknown: destination has no coordinates"),
            ],
            reasons: ["Unit price 0.41 USD/kg is 84 % below the median 2.60 for cocoa beans.", "New trading partner."],
            product: "cocoa-beans", lot: "LOT-GH-233", shipmentID: "SH-2026-0377", parties: ["farm-gh", "trader-x"],
            facilities: ["FARM-1", "WH-9"],
            records: [
                record(
                    "farm-shipments.csv:88", "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
                    12_551, "ship", "farm-gh", "2026-02-20T09:15:00+00:00", "FARM-1")
            ]),
        Report.Flag(
            id: "F-c4e912", subject: "production", score: 0.6551, forestScore: 0.5977, clusterScore: 0.6120, cluster: 0,
            rules: [
                Report.RuleHit(rule: "certificate_invalid", detail: "certificate RA-7781 expired on 2026-01-31")
            ],
            drivers: [
                Report.Driver(
                    feature: "output_per_worker", value: 412.5, median: 180, z: 2.8410, contribution: 0.4100,
                    text: "412 kg per worker and day against a median of 180")
            ],
            reasons: [
                "Certificate RA-7781 expired on 2026-01-31, 12 days before the harvest.",
                "Output per worker 2.3 times the median.",
            ],
            product: "cocoa-beans", lot: "LOT-GH-240", shipmentID: nil, parties: ["farm-gh"], facilities: ["FARM-1"],
            records: [
                record(
                    "farm-harvest.csv:5", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
                    13_002, "produce", "farm-gh", "2026-02-12T07:00:00+00:00", nil)
            ]),
    ]

    static func record(
        _ recordID: String, _ eventID: String, _ index: Int, _ kind: String, _ signer: String, _ occurredAt: String,
        _ facility: String?, recordedProduct: String? = nil
    ) -> Report.FlagRecord {
        Report.FlagRecord(
            recordID: recordID, eventID: eventID, index: index, kind: kind, signer: signer, occurredAt: occurredAt,
            facility: facility, recordedProduct: recordedProduct)
    }

    static let histogram: Report.Histogram = {
        let counts = [4_210, 3_388, 2_402, 1_702, 1_150, 790, 560, 391, 240, 160, 101, 40, 27, 16, 12, 7, 4, 2, 1, 1]
        let flagged = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1]
        return Report.Histogram(binStarts: (0..<20).map { Double($0 * 5) / 100 }, counts: counts, flagged: flagged)
    }()

    /// 50 points around three centres; the four scored flags are among them.
    static func clusterView(silhouettes: [Int: Double]) -> Report.ClusterView {
        var random = SplitMix64(seed: 42)
        let centres: [(x: Int, y: Int)] = [(-15_000, -5_000), (12_000, -9_000), (2_000, 16_000)]
        var points: [Report.ClusterPoint] = []
        var sizes = [0, 0, 0]
        for index in 0..<46 {
            let cluster = index % 3
            sizes[cluster] += 1
            let centre = centres[cluster]
            let x = centre.x + Int.random(in: -6_000...6_000, using: &random)
            let y = centre.y + Int.random(in: -6_000...6_000, using: &random)
            let score = Int.random(in: 500...5_900, using: &random)
            points.append(
                Report.ClusterPoint(
                    x: Double(x) / 10_000, y: Double(y) / 10_000, cluster: cluster,
                    score: Double(score) / 10_000, flag: nil))
        }
        for (index, flag) in flags.enumerated() {
            guard let cluster = flag.cluster else { continue }
            sizes[cluster] += 1
            let centre = centres[cluster]
            points.append(
                Report.ClusterPoint(
                    x: Double(centre.x + 9_000 - index * 1_500) / 10_000,
                    y: Double(centre.y - 8_500 + index * 2_000) / 10_000,
                    cluster: cluster,
                    score: flag.score, flag: flag.id))
        }
        return Report.ClusterView(
            silhouettes: silhouettes, explainedVariance: [0.4132, 0.2217], sizes: sizes, points: points)
    }

    static let features: [Report.FeatureSummary] = [
        Report.FeatureSummary(
            name: "transit_hours", description: "hours from ship to receive", median: 312.5, scale: 96.25, missing: 37),
        Report.FeatureSummary(
            name: "distance_km", description: "great-circle distance between the facilities, km", median: 4_980.5,
            scale: 2_210.75, missing: 12),
        Report.FeatureSummary(
            name: "implied_speed", description: "distance over transit time, km/h", median: 41.25, scale: 18.5,
            missing: 49),
        Report.FeatureSummary(
            name: "quantity_loss", description: "share of the shipped quantity not received", median: 0.0125,
            scale: 0.0085, missing: 37),
        Report.FeatureSummary(
            name: "unit_price_ratio", description: "unit price over the product's cohort median", median: 1,
            scale: 0.142857, missing: 2_104),
        Report.FeatureSummary(
            name: "partner_novelty", description: "1 for a first shipment between two parties", median: 0, scale: 1,
            missing: 0),
        Report.FeatureSummary(
            name: "yield_ratio", description: "output over input quantity of a transform, kg/kg", median: 0.8,
            scale: 0.05, missing: 0),
        Report.FeatureSummary(
            name: "output_per_worker", description: "production per worker and day, kg", median: 180, scale: 42.5,
            missing: 311),
    ]
}
