import Foundation
import LedgerCore
import Testing
import TestSupport

@testable import Pipeline

@Suite struct ReportSchemaTests {
    static func checker() throws -> SchemaChecker {
        let url = TestPaths.root.appendingPathComponent("Schemas/report.schema.json")
        let bytes = [UInt8](try Data(contentsOf: url))
        return SchemaChecker(document: try JSONParser.parse(bytes))
    }

    @Test func sampleReportMatchesTheSchema() throws {
        var checker = try Self.checker()
        var report = SampleReport.make()
        report.pipeline.parameters["$odd"] = .group([
            "$decimal": .number(0.5), "list": .list([.text("a"), .flag(false)]),
        ])
        checker.check(report.json())
        #expect(checker.problems == [])
    }

    @Test func everyMemberTheSchemaDeclaresIsWritten() throws {
        var checker = try Self.checker()
        checker.check(SampleReport.make().json())
        #expect(checker.membersDeclared.subtracting(checker.membersSeen).sorted() == [])
    }

    @Test func reportWithoutOptionalValuesMatchesTheSchema() throws {
        var checker = try Self.checker()
        var report = SampleReport.make()
        report.ledger.window = nil
        report.flags = [SampleReport.flags[0]]
        report.clusters.points = report.clusters.points.map {
            Report.ClusterPoint(x: $0.x, y: $0.y, cluster: $0.cluster, score: $0.score, flag: nil)
        }
        checker.check(report.json())
        #expect(checker.problems == [])
    }

    @Test func theCheckerSeesDrift() throws {
        var json = SampleReport.make().json()
        Step.edit(&json, [.key("flags"), .index(0), .key("score")]) { $0 = .number("1") }
        Step.edit(&json, [.key("flags"), .index(1), .key("records"), .index(0), .key("signer")]) { $0 = nil }
        Step.edit(&json, [.key("summary"), .key("mode")]) { $0 = "batch" }
        Step.edit(&json, [.key("features"), .index(0), .key("median")]) { $0 = "312.5" }
        Step.edit(&json, [.key("clusters"), .key("silhouettes"), .key("0")]) { $0 = "0.1000" }
        var checker = try Self.checker()
        checker.check(json)
        #expect(
            checker.problems.sorted()
                == [
                    #"report.flags[0].score: expected string, got number("1")"#,
                    "report.flags[1].records[0].signer: required by the schema but missing",
                    #"report.summary.mode: not in the schema"#,
                    #"report.clusters.silhouettes.0 (name): "0" does not match ^[1-9][0-9]*$"#,
                    #"report.features[0].median: "312.5" does not match ^-?(0|[1-9][0-9]*)\.[0-9]{6}$"#,
                ].sorted())
    }
}
