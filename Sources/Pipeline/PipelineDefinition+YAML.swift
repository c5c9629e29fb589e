public import LedgerCore
internal import Foundation
internal import Yams

extension PipelineDefinition {
    /// Parses a definition from YAML or JSON text. Errors name `file`, the line and the key.
    public init(parsing text: String, file: String) throws(LedgerError) {
        self.init()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Self.syntaxError(error, file: file)
        }
        guard let root else { return }
        let reader = DefinitionReader(file: file)
        for (key, value) in try reader.members(
            root, allowed: ["name", "range", "links", "features", "models", "threshold", "rules", "explain"])
        {
            switch key {
            case "name":
                name = try reader.text(value)
            case "range":
                for (key, value) in try reader.members(value, allowed: ["from_size", "to_size", "from", "to"]) {
                    switch key {
                    case "from_size": range.fromSize = try reader.integer(value, in: 0...Int.max)
                    case "to_size": range.toSize = try reader.integer(value, in: 1...Int.max)
                    case "from": range.from = try reader.instant(value)
                    default: range.to = try reader.instant(value)
                    }
                }
            case "links":
                for (key, value) in try reader.members(value, allowed: ["unreceived_after_hours", "minimum_cohort"]) {
                    if key == "minimum_cohort" {
                        links.minimumCohort = try reader.integer(value, in: 1...1_000_000)
                    } else {
                        links.unreceivedAfterHours = try reader.number(value, in: 0...1e6)
                    }
                }
            case "features":
                var names = [String]()
                for item in try reader.list(value) {
                    let feature = try reader.text(item)
                    guard FeatureCatalog.feature(named: feature) != nil else {
                        let known = FeatureCatalog.all.map(\.name).joined(separator: ", ")
                        throw reader.error(item, "unknown feature '\(feature)' (known: \(known))")
                    }
                    guard !names.contains(feature) else {
                        throw reader.error(item, "feature '\(feature)' is listed twice")
                    }
                    names.append(feature)
                }
                guard names.count >= 2 else { throw reader.error(value, "list at least two features") }
                features = names
            case "models":
                try readModels(value, reader)
            case "threshold":
                try readThreshold(value, reader)
            case "rules":
                try readRules(value, reader)
            default:
                for (_, value) in try reader.members(value, allowed: ["drivers"]) {
                    drivers = try reader.integer(value, in: 1...3)
                }
            }
        }
    }

    private mutating func readThreshold(_ node: Node, _ reader: DefinitionReader) throws(LedgerError) {
        for (keyNode, _) in try reader.mapping(node) where keyNode.scalar?.string == "contamination" {
            throw reader.error(
                keyNode,
                "'contamination' is no longer read: the threshold is a false-alarm rate, 'false_alarms_per_1000' (flags per 1,000 ordinary links, default 0.25)"
            )
        }
        for (key, value) in try reader.members(node, allowed: ["score", "false_alarms_per_1000", "minimum_deviation"]) {
            switch key {
            case "score": threshold.score = try reader.number(value, in: 0...1)
            case "false_alarms_per_1000": threshold.falseAlarmsPer1000 = try reader.number(value, in: 0.0001...100)
            default: threshold.minimumDeviation = try reader.number(value, in: 0...1e6)
            }
        }
    }

    private mutating func readModels(_ node: Node, _ reader: DefinitionReader) throws(LedgerError) {
        for (keyNode, _) in try reader.mapping(node) where keyNode.scalar?.string == "forest_weight" {
            throw reader.error(
                keyNode,
                "'forest_weight' is no longer read: the forest, the clusters and the feature tails each give a p-value, and the smallest counts (threshold 'false_alarms_per_1000')"
            )
        }
        for (key, value) in try reader.members(node, allowed: ["isolation_forest", "clusters", "seed"]) {
            switch key {
            case "isolation_forest":
                for (key, value) in try reader.members(value, allowed: ["trees", "sample_size", "extension_level"]) {
                    switch key {
                    case "trees": models.trees = try reader.integer(value, in: 1...10_000)
                    case "sample_size": models.sampleSize = try reader.integer(value, in: 2...1_000_000)
                    default: models.extensionLevel = try reader.integer(value, in: 0...64)
                    }
                }
            case "clusters":
                for (_, value) in try reader.members(value, allowed: ["candidates"]) {
                    let bounds = try reader.list(value)
                    guard bounds.count == 2 else { throw reader.error(value, "candidates is [smallest k, largest k]") }
                    let low = try reader.integer(bounds[0], in: 1...64)
                    let high = try reader.integer(bounds[1], in: low...64)
                    models.clusterCandidates = low...high
                }
            default:
                models.seed = UInt64(try reader.integer(value, in: 0...Int.max))
            }
        }
    }

    private mutating func readRules(_ node: Node, _ reader: DefinitionReader) throws(LedgerError) {
        let parameters: [RuleName: [String]] = [
            .receiveBeforeShip: ["tolerance_minutes"],
            .impossibleSpeed: ["max_kmh", "min_distance_km"],
            .excessShrinkage: ["tolerance"],
            .massBalance: ["tolerance"],
            .transformYield: ["tolerance", "max_yields"],
            .clonedSerial: [],
            .certificateInvalid: [],
            .overCapacity: ["tolerance"],
            .exploitativePrice: ["max_ratio"],
            .unrecordedTransfer: [],
            .plotClearedAfterCutoff: [],
            .plotOverYield: ["max_kg_per_ha"],
            .plotOverlap: [],
            .plotCoverage: [],
        ]
        for (key, value) in try reader.members(node, allowed: RuleName.allCases.map(\.rawValue)) {
            guard let rule = RuleName(rawValue: key) else { continue }
            for (parameter, setting) in try reader.members(value, allowed: ["enabled"] + (parameters[rule] ?? [])) {
                switch (rule, parameter) {
                case (_, "enabled"):
                    if try reader.flag(setting) { rules.disabled.remove(key) } else { rules.disabled.insert(key) }
                case (.receiveBeforeShip, _):
                    rules.receiveBeforeShipToleranceMinutes = try reader.number(setting, in: 0...1e6)
                case (.impossibleSpeed, "max_kmh"): rules.maximumSpeedKmh = try reader.number(setting, in: 1...1e6)
                case (.impossibleSpeed, _): rules.speedMinimumDistanceKm = try reader.number(setting, in: 0...1e5)
                case (.excessShrinkage, _): rules.shrinkageTolerance = try reader.number(setting, in: 0...1)
                case (.massBalance, _): rules.massBalanceTolerance = try reader.number(setting, in: 0...10)
                case (.transformYield, "tolerance"): rules.yieldTolerance = try reader.number(setting, in: 0...10)
                case (.transformYield, _):
                    for (pairNode, yieldNode) in try reader.mapping(setting) {
                        let pair = try reader.text(pairNode)
                        guard pair.contains("->") else {
                            throw reader.error(pairNode, "name a product pair as 'input -> output'")
                        }
                        rules.maximumYields[Self.productPair(pair)] = try reader.number(yieldNode, in: 0...1e6)
                    }
                case (.overCapacity, _): rules.capacityTolerance = try reader.number(setting, in: 0...10)
                case (.plotOverYield, _):
                    for (commodityNode, yieldNode) in try reader.mapping(setting) {
                        rules.maximumPlotYields[try reader.text(commodityNode)] = try reader.number(
                            yieldNode, in: 0...1e7)
                    }
                default: rules.exploitativePriceRatio = try reader.number(setting, in: 0...1)
                }
            }
        }
    }

    /// A YAML syntax error, placed at its line when the parser gives one.
    /// The text of a definition that runs the models alone: `text` (YAML or JSON) with its `rules` replaced by every
    /// rule disabled and " (models only)" added to its name, as YAML. Every other key keeps its value; comments are
    /// not kept. The result parses to the same definition with ``Rules/disabled`` holding every rule.
    public static func modelsOnlyText(_ text: String, file: String) throws(LedgerError) -> String {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Self.syntaxError(error, file: file)
        }
        let original = try PipelineDefinition(parsing: text, file: file)
        var mapping: Node.Mapping
        switch root {
        case .mapping(let members): mapping = members
        case nil: mapping = Node.Mapping([])
        default: throw LedgerError(.invalidRecord, "a pipeline definition is a mapping", context: [file])
        }
        var rules = [(Node, Node)]()
        for rule in RuleName.allCases {
            rules.append((Node(rule.rawValue), Node([(Node("enabled"), Node("false", Tag(.bool)))])))
        }
        mapping[Node("rules")] = Node(rules)
        mapping[Node("name")] = Node(original.name + " (models only)")
        do {
            return try Yams.serialize(node: .mapping(mapping))
        } catch {
            throw LedgerError(.invalidState, "cannot write the models-only definition: \(error)", context: [file])
        }
    }

    private static func syntaxError(_ error: any Error, file: String) -> LedgerError {
        let line: Int?
        var reason = "not valid YAML or JSON: \(error)"
        switch error as? YamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            line = mark.line
        case .duplicatedKeysInMapping(let duplicates, let context):
            line = context.mark.line
            reason =
                "not valid YAML or JSON: " + duplicates.sorted().map { "key '\($0)'" }.joined(separator: ", ")
                + " given twice"
        default:
            line = nil
        }
        return LedgerError(.invalidRecord, reason, context: [line.map { "\(file):\($0)" } ?? file])
    }

    /// `input -> output` with the spaces around the arrow normalised.
    static func productPair(_ text: String) -> String {
        let parts = text.split(separator: "->", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        return parts.joined(separator: " -> ")
    }
}

/// Reads a definition's nodes, naming the file and line of what is wrong.
private struct DefinitionReader {
    let file: String

    func error(_ node: Node, _ reason: String) -> LedgerError {
        LedgerError(.invalidRecord, reason, context: [node.mark.map { "\(file):\($0.line)" } ?? file])
    }

    func mapping(_ node: Node) throws(LedgerError) -> [(Node, Node)] {
        guard let mapping = node.mapping else { throw error(node, "expected an object") }
        return mapping.map { ($0.key, $0.value) }
    }

    /// The members of an object, refusing keys not in `allowed`.
    func members(_ node: Node, allowed: [String]) throws(LedgerError) -> [(String, Node)] {
        var members = [(String, Node)]()
        for (keyNode, value) in try mapping(node) {
            let key = try text(keyNode)
            guard allowed.contains(key) else {
                throw error(keyNode, "unknown key '\(key)' (known: \(allowed.joined(separator: ", ")))")
            }
            members.append((key, value))
        }
        return members
    }

    func list(_ node: Node) throws(LedgerError) -> [Node] {
        guard let sequence = node.sequence else { throw error(node, "expected a list") }
        return Array(sequence)
    }

    func text(_ node: Node) throws(LedgerError) -> String {
        guard let text = node.scalar?.string, !text.isEmpty else { throw error(node, "expected a text value") }
        return text
    }

    func number(_ node: Node, in bounds: ClosedRange<Double>) throws(LedgerError) -> Double {
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            throw error(node, "expected a number")
        }
        guard bounds.contains(value) else {
            throw error(node, "\(text) is outside \(bounds.lowerBound)…\(bounds.upperBound)")
        }
        return value
    }

    func integer(_ node: Node, in bounds: ClosedRange<Int>) throws(LedgerError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text) else {
            throw error(node, "expected a whole number")
        }
        guard bounds.contains(value) else {
            throw error(node, "\(value) is outside \(bounds.lowerBound)…\(bounds.upperBound)")
        }
        return value
    }

    func flag(_ node: Node) throws(LedgerError) -> Bool {
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default: throw error(node, "expected true or false")
        }
    }

    func instant(_ node: Node) throws(LedgerError) -> String {
        let value = try text(node)
        do {
            return try Timestamp(iso8601: value).utc
        } catch {
            throw self.error(node, "expected an ISO 8601 time with offset: \(error.reason)")
        }
    }
}
