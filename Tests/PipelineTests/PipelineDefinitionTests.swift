import Foundation
import LedgerCore
import Testing
import TestSupport

@testable import Pipeline

/// Reading pipeline definitions: every documented key, and the place of every refusal.
@Suite struct PipelineDefinitionTests {
    static func parse(_ text: String) throws(LedgerError) -> PipelineDefinition {
        try PipelineDefinition(parsing: text, file: "test.yml")
    }

    /// The error parsing `text` throws.
    static func refusal(_ text: String) -> LedgerError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultPipelineHoldsTheDefaults() throws {
        let url = TestPaths.root.appendingPathComponent("Pipelines/default.yml")
        let definition = try PipelineDefinition(parsing: String(contentsOf: url, encoding: .utf8), file: "default.yml")
        var expected = PipelineDefinition()
        expected.name = "default"
        #expect(definition == expected)
        #expect(definition.features == FeatureCatalog.all.map(\.name))
        #expect(RuleName.allCases.allSatisfy(definition.rules.isEnabled))
    }

    /// The schema lists exactly the features the catalog knows, in catalog order.
    @Test func schemaListsEveryFeature() throws {
        let url = TestPaths.root.appendingPathComponent("Schemas/pipeline.schema.json")
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let properties = schema?["properties"] as? [String: Any]
        let features = properties?["features"] as? [String: Any]
        let items = features?["items"] as? [String: Any]
        #expect(items?["enum"] as? [String] == FeatureCatalog.all.map(\.name))
    }

    /// The models-only form of a definition disables every rule and keeps every other value, from YAML or JSON.
    @Test func modelsOnlyTextDisablesEveryRuleAndKeepsTheRest() throws {
        let url = TestPaths.root.appendingPathComponent("Pipelines/default.yml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let original = try PipelineDefinition(parsing: text, file: "default.yml")
        let modelsOnly = try Self.parse(try PipelineDefinition.modelsOnlyText(text, file: "default.yml"))
        #expect(modelsOnly.rules.disabled == Set(RuleName.allCases.map(\.rawValue)))
        #expect(modelsOnly.name == "default (models only)")
        var expected = original
        expected.name = modelsOnly.name
        expected.rules.disabled = modelsOnly.rules.disabled
        #expect(modelsOnly == expected)

        let json = #"{"features": ["loss_ratio", "price_ratio"], "rules": {"mass_balance": {"tolerance": 0.2}}}"#
        let fromJSON = try Self.parse(try PipelineDefinition.modelsOnlyText(json, file: "p.json"))
        #expect(fromJSON.features == ["loss_ratio", "price_ratio"])
        #expect(RuleName.allCases.allSatisfy { !fromJSON.rules.isEnabled($0) })
        #expect(throws: LedgerError.self) { try PipelineDefinition.modelsOnlyText("[1, 2]", file: "p.yml") }
        #expect(throws: LedgerError.self) { try PipelineDefinition.modelsOnlyText("rules: {nope: {}}", file: "p.yml") }
    }

    @Test func emptyTextIsTheDefault() throws {
        #expect(try Self.parse("") == PipelineDefinition())
        #expect(try Self.parse("{}") == PipelineDefinition())
    }

    @Test func everyDocumentedKeyIsRead() throws {
        let definition = try Self.parse(
            """
            name: weekly
            range:
              from_size: 10
              to_size: 500
              from: 2026-03-01T00:00:00+01:00
              to: 2026-04-01T00:00:00Z
            links:
              unreceived_after_hours: 48
              minimum_cohort: 7
            features: [loss_ratio, transit_hours, price_ratio]
            models:
              isolation_forest: { trees: 50, sample_size: 128, extension_level: 2 }
              clusters: { candidates: [3, 5] }
              seed: 42
            threshold:
              score: 0.8
              false_alarms_per_1000: 0.5
              minimum_deviation: 4.5
            rules:
              receive_before_ship: { tolerance_minutes: 10 }
              impossible_speed: { max_kmh: 900, min_distance_km: 20 }
              excess_shrinkage: { tolerance: 0.02 }
              mass_balance: { tolerance: 0.01 }
              transform_yield:
                tolerance: 0.1
                max_yields: { "cocoa-beans->cocoa-nibs": 0.87, "cocoa-nibs -> cocoa-liquor": 0.99 }
              cloned_serial: { enabled: false }
              certificate_invalid: { enabled: true }
              over_capacity: { tolerance: 0.2, enabled: false }
              exploitative_price: { max_ratio: 0.4 }
              plot_cleared_after_cutoff: { enabled: false }
              plot_over_yield: { max_kg_per_ha: { cocoa: 2500, wood: 12000 } }
            explain:
              drivers: 2
            """)
        #expect(definition.name == "weekly")
        #expect(definition.range.fromSize == 10)
        #expect(definition.range.toSize == 500)
        #expect(definition.range.from == "2026-02-28T23:00:00Z")
        #expect(definition.range.to == "2026-04-01T00:00:00Z")
        #expect(definition.links.unreceivedAfterHours == 48)
        #expect(definition.links.minimumCohort == 7)
        #expect(definition.features == ["loss_ratio", "transit_hours", "price_ratio"])
        #expect(definition.models.trees == 50)
        #expect(definition.models.sampleSize == 128)
        #expect(definition.models.extensionLevel == 2)
        #expect(definition.models.clusterCandidates == 3...5)
        #expect(definition.models.seed == 42)
        #expect(definition.threshold.score == 0.8)
        #expect(definition.threshold.falseAlarmsPer1000 == 0.5)
        #expect(definition.threshold.pValue == TailScores.pValue(score: 0.8))
        #expect(definition.threshold.minimumDeviation == 4.5)
        let rules = definition.rules
        #expect(!rules.isEnabled(.plotClearedAfterCutoff) && rules.isEnabled(.plotOverYield))
        #expect(rules.maximumPlotYields["cocoa"] == 2_500 && rules.maximumPlotYields["wood"] == 12_000)
        #expect(rules.maximumPlotYields["coffee"] == 5_000)
        #expect(rules.receiveBeforeShipToleranceMinutes == 10)
        #expect(rules.maximumSpeedKmh == 900)
        #expect(rules.speedMinimumDistanceKm == 20)
        #expect(rules.shrinkageTolerance == 0.02)
        #expect(rules.massBalanceTolerance == 0.01)
        #expect(rules.yieldTolerance == 0.1)
        #expect(rules.maximumYields == ["cocoa-beans -> cocoa-nibs": 0.87, "cocoa-nibs -> cocoa-liquor": 0.99])
        #expect(rules.capacityTolerance == 0.2)
        #expect(rules.exploitativePriceRatio == 0.4)
        #expect(rules.disabled == ["cloned_serial", "over_capacity", "plot_cleared_after_cutoff"])
        #expect(definition.drivers == 2)
    }

    @Test func jsonIsReadToo() throws {
        let definition = try Self.parse(
            #"{"name": "json", "links": {"minimum_cohort": 3}, "rules": {"mass_balance": {"enabled": false}}}"#)
        #expect(definition.name == "json")
        #expect(definition.links.minimumCohort == 3)
        #expect(!definition.rules.isEnabled(.massBalance))
    }

    @Test func disabledRuleIsNotCountedInTheReport() throws {
        let definition = try Self.parse("rules:\n  receive_before_ship: { enabled: false }\n")
        let report = RuleTests.receiveBefore(minutesEarly: 300).run(definition)
        #expect(report.summary.rules["receive_before_ship"] == nil)
        #expect(report.summary.rules["impossible_speed"] == 0)
        #expect(!report.flags.contains { $0.rules.contains { $0.rule == "receive_before_ship" } })

        let enabled = RuleTests.receiveBefore(minutesEarly: 300).run()
        #expect(enabled.summary.rules["receive_before_ship"] == 1)
    }

    // MARK: - Refusals

    @Test func unknownKeyIsRefusedAtItsLine() throws {
        let error = try #require(
            Self.refusal(
                """
                name: x
                rules:
                  receive_before_ship:
                    tolerance_minute: 5
                """))
        #expect(error.context == ["test.yml:4"])
        #expect(error.reason.hasPrefix("unknown key 'tolerance_minute' (known: enabled, tolerance_minutes)"))

        let top = try #require(Self.refusal("name: x\nmodel:\n  seed: 1\n"))
        #expect(top.context == ["test.yml:2"])
        #expect(top.reason.hasPrefix("unknown key 'model'"))

        let rule = try #require(Self.refusal("rules:\n  duplicate_serials: { enabled: true }\n"))
        #expect(rule.context == ["test.yml:2"])
        #expect(rule.reason.hasPrefix("unknown key 'duplicate_serials'"))
    }

    @Test func numberOutOfRangeIsRefusedAtItsLine() throws {
        let error = try #require(Self.refusal("threshold:\n  minimum_deviation: 3\n  false_alarms_per_1000: 200\n"))
        #expect(error.context == ["test.yml:3"])
        #expect(error.reason == "200 is outside 0.0001…100.0")

        let replaced = try #require(Self.refusal("threshold:\n  contamination: 0.01\n"))
        #expect(replaced.context == ["test.yml:2"])
        #expect(replaced.reason.contains("'false_alarms_per_1000'"))

        let weight = try #require(Self.refusal("models:\n  seed: 3\n  forest_weight: 0.5\n"))
        #expect(weight.context == ["test.yml:3"])
        #expect(weight.reason.hasPrefix("'forest_weight' is no longer read"))

        let whole = try #require(Self.refusal("explain:\n  drivers: 4\n"))
        #expect(whole.context == ["test.yml:2"])
        #expect(whole.reason == "4 is outside 1…3")

        let text = try #require(Self.refusal("links:\n  minimum_cohort: many\n"))
        #expect(text.context == ["test.yml:2"])
        #expect(text.reason == "expected a whole number")

        let shrinkage = try #require(Self.refusal("rules:\n  excess_shrinkage:\n    tolerance: 1.5\n"))
        #expect(shrinkage.context == ["test.yml:3"])

        let candidates = try #require(Self.refusal("models:\n  clusters:\n    candidates: [5, 3]\n"))
        #expect(candidates.context == ["test.yml:3"])
        #expect(candidates.reason == "3 is outside 5…64")
    }

    @Test func badFeatureNameIsRefusedAtItsLine() throws {
        let error = try #require(Self.refusal("features:\n  - transit_hours\n  - speed\n"))
        #expect(error.context == ["test.yml:3"])
        #expect(
            error.reason.hasPrefix(
                "unknown feature 'speed' (known: transit_hours, transit_lane_deviation, speed_lane_ratio,"))

        let twice = try #require(Self.refusal("features:\n  - transit_hours\n  - loss_ratio\n  - transit_hours\n"))
        #expect(twice.context == ["test.yml:4"])
        #expect(twice.reason == "feature 'transit_hours' is listed twice")

        let one = try #require(Self.refusal("features: [loss_ratio]\n"))
        #expect(one.context == ["test.yml:1"])
        #expect(one.reason == "list at least two features")
    }

    @Test func badProductPairIsRefusedAtItsLine() throws {
        let error = try #require(
            Self.refusal(
                """
                rules:
                  transform_yield:
                    tolerance: 0.1
                    max_yields: {"a": 1}
                """))
        #expect(error.context == ["test.yml:4"])
        #expect(error.reason == "name a product pair as 'input -> output'")
    }

    @Test func badInstantAndBadYAMLAreRefused() throws {
        let instant = try #require(Self.refusal("range:\n  from: yesterday\n"))
        #expect(instant.context == ["test.yml:2"])
        #expect(instant.reason.hasPrefix("expected an ISO 8601 time with offset"))

        let yaml = try #require(Self.refusal("name: x\nfeatures: [loss_ratio,\n"))
        #expect(yaml.context == ["test.yml:3"])
        #expect(yaml.reason.hasPrefix("not valid YAML or JSON"))
    }

    @Test func keyGivenTwiceIsRefusedAtItsLine() throws {
        let error = try #require(Self.refusal("links:\n  minimum_cohort: 5\nname: first\nname: second\n"))
        #expect(error.context == ["test.yml:3"])
        #expect(error.reason == "not valid YAML or JSON: key 'name' given twice")
    }
}
