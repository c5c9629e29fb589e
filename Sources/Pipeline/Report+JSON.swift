public import LedgerCore
public import LedgerCrypto

extension Report {
    /// Decimal places of the non-integer numbers in the JSON form, which writes them as decimal strings
    /// (canonical JSON carries integers only). Layout and rules: `docs/pipeline.md`, section "Report".
    public enum DecimalPlaces {
        /// Scores, forest and cluster scores, z, contributions, the score threshold, histogram bin
        /// starts, silhouettes, explained variance and the cluster view's coordinates and scores.
        public static let score = 4
        /// A driver's value and median, a feature's median and scale: measured quantities in their unit.
        public static let feature = 6
    }

    /// The report as JSON, members in snake_case; absent optional values are left out, never `null`.
    ///
    /// Non-integer numbers are decimal strings rounded to ``DecimalPlaces`` (half away from zero);
    /// numeric pipeline parameters are `{"$decimal": "0.02"}` in their shortest spelling. A number that
    /// is not finite is written as Swift spells it (`"nan"`), which ``canonicalBytes()`` refuses.
    public func json() -> JSONValue {
        [
            "format": .integer(format),
            "pipeline": [
                "name": .string(pipeline.name),
                "digest": .string(pipeline.digest),
                "parameters": Report.parametersJSON(pipeline.parameters),
            ],
            "ledger": ledger.jsonValue,
            "summary": summary.jsonValue,
            "flags": .array(flags.map(\.jsonValue)),
            "histogram": [
                "bin_starts": .array(histogram.binStarts.map { Report.decimal($0, DecimalPlaces.score) }),
                "counts": .array(histogram.counts.map(JSONValue.integer)),
                "flagged": .array(histogram.flagged.map(JSONValue.integer)),
            ],
            "clusters": clusters.jsonValue,
            "features": .array(features.map(\.jsonValue)),
        ]
    }

    /// The RFC 8785 canonical bytes of ``json()``: what ``digest()`` hashes and an anchor commits to.
    ///
    /// Throws `invalid_record`, naming the member, when the report holds what its JSON form cannot
    /// carry back (a number that is not finite or beyond ±1e40, an integer beyond ±(2^53 - 1)).
    public func canonicalBytes() throws(LedgerError) -> [UInt8] {
        let value = json()
        _ = try Report(json: value)
        do {
            return try CanonicalJSON.encode(value)
        } catch {
            throw LedgerError(.invalidRecord, error.reason, context: ["report"])
        }
    }

    /// SHA-256 of ``canonicalBytes()``.
    public func digest() throws(LedgerError) -> Digest {
        SHA256.hash(try canonicalBytes())
    }

    /// This report as its JSON form reads back: every decimal rounded to ``DecimalPlaces``. A report
    /// built this way equals what ``init(json:)`` and ``init(canonicalBytes:)`` make of it.
    public func roundedToDecimalPlaces() throws(LedgerError) -> Report {
        try Report(json: json())
    }

    /// Reads a report from its JSON form, strictly: every required member present, no unknown member,
    /// decimals spelled exactly as ``json()`` spells them.
    ///
    /// Errors are `invalid_record` with the path of the bad member as context, e.g.
    /// `flags[3].score: expected a decimal string with 4 decimals (e.g. "0.8125"), got number 0.8125`.
    public init(json: JSONValue) throws(LedgerError) {
        let root = try JSONReader(json).object([
            "format", "pipeline", "ledger", "summary", "flags", "histogram", "clusters", "features",
        ])
        let formatReader = try root.required("format")
        let format = try formatReader.integer()
        guard format == Report.formatVersion else {
            throw formatReader.failure(
                "format \(format) is not supported; this version reads format \(Report.formatVersion)")
        }

        let pipelineObject = try root.required("pipeline").object(["name", "digest", "parameters"])
        let pipeline = PipelineInfo(
            name: try pipelineObject.required("name").string(),
            digest: try pipelineObject.required("digest").sha256Hex(),
            parameters: try Report.parameters(from: pipelineObject.required("parameters")))

        var flags: [Flag] = []
        for element in try root.required("flags").array() { flags.append(try Flag(element)) }

        let histogramObject = try root.required("histogram").object(["bin_starts", "counts", "flagged"])
        let histogram = Histogram(
            binStarts: try histogramObject.required("bin_starts").decimals(places: DecimalPlaces.score),
            counts: try histogramObject.required("counts").integers(),
            flagged: try histogramObject.required("flagged").integers())

        var features: [FeatureSummary] = []
        for element in try root.required("features").array() { features.append(try FeatureSummary(element)) }

        self.init(
            pipeline: pipeline, ledger: try LedgerRange(root.required("ledger")),
            summary: try Summary(root.required("summary")), flags: flags, histogram: histogram,
            clusters: try ClusterView(root.required("clusters")), features: features)
        self.format = format
    }

    /// Reads a report from its canonical bytes, which must be exactly RFC 8785's form of its JSON.
    public init(canonicalBytes bytes: [UInt8]) throws(LedgerError) {
        let value: JSONValue
        do {
            value = try CanonicalJSON.decode(bytes)
        } catch {
            throw LedgerError(.invalidRecord, "not a report's canonical JSON: \(error.reason)", context: ["report"])
        }
        try self.init(json: value)
    }
}

// MARK: - Numbers

extension Report {
    static func decimal(_ value: Double, _ places: Int) -> JSONValue {
        .string(DecimalText.fixed(value, places: places) ?? value.description)
    }

    static func optionalMembers(_ members: [String: JSONValue?]) -> [String: JSONValue] {
        members.compactMapValues { $0 }
    }
}

// MARK: - Parameters

extension Report {
    /// Member name that marks a non-integer parameter: `{"$decimal": "0.02"}`. Group members whose
    /// names begin with `$` are written with one more `$`, so nothing else can look like it.
    static let decimalTag = "$decimal"

    static func parametersJSON(_ parameters: [String: ParameterValue]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: parameters.map { (escapedName($0.key), $0.value.jsonValue) }))
    }

    static func parameters(from reader: JSONReader) throws(LedgerError) -> [String: ParameterValue] {
        var out: [String: ParameterValue] = [:]
        for (name, member) in try reader.entries() {
            guard let original = unescapedName(name) else {
                throw member.failure("member names beginning with a single $ are reserved; write $\(name)")
            }
            out[original] = try ParameterValue(member)
        }
        return out
    }

    private static func escapedName(_ name: String) -> String { name.hasPrefix("$") ? "$" + name : name }

    private static func unescapedName(_ name: String) -> String? {
        guard name.hasPrefix("$") else { return name }
        return name.hasPrefix("$$") ? String(name.dropFirst()) : nil
    }
}

extension Report.ParameterValue {
    var jsonValue: JSONValue {
        switch self {
        case .integer(let value): return .integer(value)
        case .number(let value): return [Report.decimalTag: .string(DecimalText.shortest(value) ?? value.description)]
        case .text(let value): return .string(value)
        case .flag(let value): return .bool(value)
        case .list(let values): return .array(values.map(\.jsonValue))
        case .group(let members): return Report.parametersJSON(members)
        }
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        switch reader.value {
        case .number: self = .integer(try reader.integer())
        case .string(let text): self = .text(text)
        case .bool(let flag): self = .flag(flag)
        case .array:
            var values: [Report.ParameterValue] = []
            for element in try reader.array() { values.append(try Report.ParameterValue(element)) }
            self = .list(values)
        case .object(let members):
            if members.count == 1, let tagged = members[Report.decimalTag] {
                self = .number(try reader.member(Report.decimalTag, tagged).shortestDecimal())
            } else {
                self = .group(try Report.parameters(from: reader))
            }
        case .null:
            throw reader.failure("expected a number, text, true or false, list or group, got null")
        }
    }
}

// MARK: - Ledger range and summary

extension Report.LedgerRange {
    var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "origin": .string(origin),
            "from_size": .integer(fromSize),
            "to_size": .integer(toSize),
            "root_hash": .string(rootHash),
        ]
        if let window {
            members["window"] = .object(
                Report.optionalMembers([
                    "from": window.from.map(JSONValue.string), "to": window.to.map(JSONValue.string),
                ]))
        }
        return .object(members)
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let object = try reader.object(["origin", "from_size", "to_size", "root_hash", "window"])
        var window: Report.TimeWindow?
        if let windowReader = object.optional("window") {
            let windowObject = try windowReader.object(["from", "to"])
            window = Report.TimeWindow(
                from: try windowObject.optional("from")?.string(), to: try windowObject.optional("to")?.string())
        }
        self.init(
            origin: try object.required("origin").string(), fromSize: try object.required("from_size").integer(),
            toSize: try object.required("to_size").integer(), rootHash: try object.required("root_hash").sha256Hex(),
            window: window)
    }
}

extension Report.Summary {
    var jsonValue: JSONValue {
        [
            "events": .integer(events),
            "links": .integer(links),
            "unreceived": .integer(unreceived),
            "flagged": .integer(flagged),
            "score_threshold": Report.decimal(scoreThreshold, Report.DecimalPlaces.score),
            "rules": .object(rules.mapValues(JSONValue.integer)),
            "model_only": .integer(modelOnly),
            "cluster_count": .integer(clusterCount),
        ]
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let object = try reader.object([
            "events", "links", "unreceived", "flagged", "score_threshold", "rules", "model_only", "cluster_count",
        ])
        var rules: [String: Int] = [:]
        for (name, count) in try object.required("rules").entries() { rules[name] = try count.integer() }
        self.init(
            events: try object.required("events").integer(), links: try object.required("links").integer(),
            unreceived: try object.required("unreceived").integer(), flagged: try object.required("flagged").integer(),
            scoreThreshold: try object.required("score_threshold").decimal(places: Report.DecimalPlaces.score),
            rules: rules, modelOnly: try object.required("model_only").integer(),
            clusterCount: try object.required("cluster_count").integer())
    }
}

// MARK: - Flags

extension Report.Flag {
    var jsonValue: JSONValue {
        let places = Report.DecimalPlaces.score
        let members: [String: JSONValue?] = [
            "id": .string(id),
            "subject": .string(subject),
            "score": Report.decimal(score, places),
            "forest_score": forestScore.map { Report.decimal($0, places) },
            "cluster_score": clusterScore.map { Report.decimal($0, places) },
            "cluster": cluster.map(JSONValue.integer),
            "rules": .array(
                rules.map {
                    ["rule": .string($0.rule), "detail": .string($0.detail), "severity": .string($0.severity)]
                }),
            "drivers": .array(drivers.map(\.jsonValue)),
            "reasons": .array(reasons.map(JSONValue.string)),
            "product": product.map(JSONValue.string),
            "lot": lot.map(JSONValue.string),
            "shipment_id": shipmentID.map(JSONValue.string),
            "parties": .array(parties.map(JSONValue.string)),
            "facilities": .array(facilities.map(JSONValue.string)),
            "records": .array(records.map(\.jsonValue)),
        ]
        return .object(Report.optionalMembers(members))
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let places = Report.DecimalPlaces.score
        let object = try reader.object([
            "id", "subject", "score", "forest_score", "cluster_score", "cluster", "rules", "drivers", "reasons",
            "product", "lot", "shipment_id", "parties", "facilities", "records",
        ])
        var rules: [Report.RuleHit] = []
        for element in try object.required("rules").array() {
            let hit = try element.object(["rule", "detail", "severity"])
            // Reports written before severities were all of high ones.
            rules.append(
                Report.RuleHit(
                    rule: try hit.required("rule").string(), detail: try hit.required("detail").string(),
                    severity: try hit.optional("severity")?.string() ?? RuleName.Severity.high.rawValue))
        }
        var drivers: [Report.Driver] = []
        for element in try object.required("drivers").array() { drivers.append(try Report.Driver(element)) }
        var records: [Report.FlagRecord] = []
        for element in try object.required("records").array() { records.append(try Report.FlagRecord(element)) }
        self.init(
            id: try object.required("id").string(), subject: try object.required("subject").string(),
            score: try object.required("score").decimal(places: places),
            forestScore: try object.optional("forest_score")?.decimal(places: places),
            clusterScore: try object.optional("cluster_score")?.decimal(places: places),
            cluster: try object.optional("cluster")?.integer(), rules: rules, drivers: drivers,
            reasons: try object.required("reasons").strings(), product: try object.optional("product")?.string(),
            lot: try object.optional("lot")?.string(), shipmentID: try object.optional("shipment_id")?.string(),
            parties: try object.required("parties").strings(), facilities: try object.required("facilities").strings(),
            records: records)
    }
}

extension Report.Driver {
    var jsonValue: JSONValue {
        let members: [String: JSONValue?] = [
            "feature": .string(feature),
            "value": value.map { Report.decimal($0, Report.DecimalPlaces.feature) },
            "median": median.map { Report.decimal($0, Report.DecimalPlaces.feature) },
            "z": Report.decimal(z, Report.DecimalPlaces.score),
            "contribution": Report.decimal(contribution, Report.DecimalPlaces.score),
            "text": .string(text),
        ]
        return .object(Report.optionalMembers(members))
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let object = try reader.object(["feature", "value", "median", "z", "contribution", "text"])
        self.init(
            feature: try object.required("feature").string(),
            value: try object.optional("value")?.decimal(places: Report.DecimalPlaces.feature),
            median: try object.optional("median")?.decimal(places: Report.DecimalPlaces.feature),
            z: try object.required("z").decimal(places: Report.DecimalPlaces.score),
            contribution: try object.required("contribution").decimal(places: Report.DecimalPlaces.score),
            text: try object.required("text").string())
    }
}

extension Report.FlagRecord {
    var jsonValue: JSONValue {
        let members: [String: JSONValue?] = [
            "record_id": .string(recordID),
            "event_id": .string(eventID),
            "index": .integer(index),
            "kind": .string(kind),
            "signer": .string(signer),
            "occurred_at": .string(occurredAt),
            "facility": facility.map(JSONValue.string),
            "recorded_product": recordedProduct.map(JSONValue.string),
        ]
        return .object(Report.optionalMembers(members))
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let object = try reader.object([
            "record_id", "event_id", "index", "kind", "signer", "occurred_at", "facility", "recorded_product",
        ])
        self.init(
            recordID: try object.required("record_id").string(), eventID: try object.required("event_id").sha256Hex(),
            index: try object.required("index").integer(), kind: try object.required("kind").string(),
            signer: try object.required("signer").string(), occurredAt: try object.required("occurred_at").string(),
            facility: try object.optional("facility")?.string(),
            recordedProduct: try object.optional("recorded_product")?.string())
    }
}

// MARK: - Clusters and features

extension Report.ClusterView {
    var jsonValue: JSONValue {
        let places = Report.DecimalPlaces.score
        return [
            "silhouettes": .object(
                Dictionary(uniqueKeysWithValues: silhouettes.map { (String($0.key), Report.decimal($0.value, places)) })
            ),
            "explained_variance": .array(explainedVariance.map { Report.decimal($0, places) }),
            "sizes": .array(sizes.map(JSONValue.integer)),
            "points": .array(points.map(\.jsonValue)),
        ]
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let places = Report.DecimalPlaces.score
        let object = try reader.object(["silhouettes", "explained_variance", "sizes", "points"])
        var silhouettes: [Int: Double] = [:]
        for (name, value) in try object.required("silhouettes").entries() {
            guard let k = Int(name), String(k) == name, k >= 1 else {
                throw value.failure("expected a number of clusters (1 or more) as the member name")
            }
            silhouettes[k] = try value.decimal(places: places)
        }
        var points: [Report.ClusterPoint] = []
        for element in try object.required("points").array() {
            let point = try element.object(["x", "y", "cluster", "score", "flag"])
            points.append(
                Report.ClusterPoint(
                    x: try point.required("x").decimal(places: places),
                    y: try point.required("y").decimal(places: places),
                    cluster: try point.required("cluster").integer(),
                    score: try point.required("score").decimal(places: places),
                    flag: try point.optional("flag")?.string()))
        }
        self.init(
            silhouettes: silhouettes,
            explainedVariance: try object.required("explained_variance").decimals(places: places),
            sizes: try object.required("sizes").integers(), points: points)
    }
}

extension Report.ClusterPoint {
    var jsonValue: JSONValue {
        let places = Report.DecimalPlaces.score
        let members: [String: JSONValue?] = [
            "x": Report.decimal(x, places),
            "y": Report.decimal(y, places),
            "cluster": .integer(cluster),
            "score": Report.decimal(score, places),
            "flag": flag.map(JSONValue.string),
        ]
        return .object(Report.optionalMembers(members))
    }
}

extension Report.FeatureSummary {
    var jsonValue: JSONValue {
        [
            "name": .string(name),
            "description": .string(description),
            "median": Report.decimal(median, Report.DecimalPlaces.feature),
            "scale": Report.decimal(scale, Report.DecimalPlaces.feature),
            "missing": .integer(missing),
        ]
    }

    init(_ reader: JSONReader) throws(LedgerError) {
        let object = try reader.object(["name", "description", "median", "scale", "missing"])
        self.init(
            name: try object.required("name").string(), description: try object.required("description").string(),
            median: try object.required("median").decimal(places: Report.DecimalPlaces.feature),
            scale: try object.required("scale").decimal(places: Report.DecimalPlaces.feature),
            missing: try object.required("missing").integer())
    }
}
