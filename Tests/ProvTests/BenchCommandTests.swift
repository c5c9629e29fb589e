import Foundation
import LedgerCore
import Testing

/// `prov bench ledger` and `prov bench detection` on small sizes: they run end to end and report their figures.
@Suite struct BenchCommandTests {
    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let lexeme)?, .string(let lexeme)?: Double(lexeme)
        default: nil
        }
    }

    /// The records' farms are registered before the records, as the admission checks require.
    @Test func theLedgerBenchmarkAppendsAndVerifies() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let result = try prov.run(
            "bench", "ledger", "--events", "400", "--batch", "100", "--reference-seconds", "0.2", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        #expect(report["events"] == .integer(400))
        #expect((Self.number(report["append_ratio_to_sign"]) ?? 0) > 0)
        #expect((Self.number(report["verify_ratio_to_verify"]) ?? 0) > 0)
    }

    /// A generated network of 300 lots with every rule disabled, named by codes and by GS1 names: a row per seed with
    /// recall per pattern, the same flagged records under both names, and the kept ledger verifies.
    @Test func theDetectionBenchmarkScoresAKeptNetwork() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let pipeline =
            ProvRunner.sampleData.deletingLastPathComponent().appendingPathComponent("Pipelines/default.yml").path
        let result = try prov.run(
            "bench", "detection", "--lots", "300", "--seeds", "3", "--pipeline", pipeline, "--models-only", "--keep",
            prov.path("kept"), "--gs1-names", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        guard case .array(let seeds) = try JSONParser.parse(result.stdout), let seed = seeds.first else {
            Issue.record("no seeds in \(result.stdout)")
            return
        }
        #expect(seed["seed"] == .string("3") && seed["models_only"] == .bool(true))
        guard case .object(let recall)? = seed["recall"] else {
            Issue.record("no recall in \(result.stdout)")
            return
        }
        #expect(!recall.isEmpty && recall.values.allSatisfy { (Self.number($0) ?? -1) >= 0 })
        // The same network with GS1 names: its flags list the same records.
        #expect(seed["gs1_names_comparison"]?["same_flagged_records"] == .bool(true), "\(result.stdout)")
        #expect(seed["gs1_names"]?["recall"] == seed["recall"])
        #expect(FileManager.default.fileExists(atPath: prov.path("kept/models-only.yml")))
        let verify = try prov.run("verify", "--ledger", prov.path("kept/seed-3/ledger.sqlite"))
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}
