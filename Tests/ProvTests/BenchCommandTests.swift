import Foundation
import LedgerCore
import Testing

/// `prov bench ledger`, `prov bench detection` and `prov bench reports` on small sizes: they run end to end and report
/// their figures.
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
            prov.path("kept"), "--gs1-names", "--plots", "--reproduce", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        guard case .array(let seeds) = try JSONParser.parse(result.stdout), let seed = seeds.first else {
            Issue.record("no seeds in \(result.stdout)")
            return
        }
        #expect(seed["seed"] == .string("3") && seed["models_only"] == .bool(true))
        // The report and its model made again from the ledger (--reproduce).
        #expect(seed["reproduce"]?["reproduced"] == .bool(true), "\(result.stdout)")
        #expect((Self.number(seed["model_bytes"]) ?? 0) > 1000)
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
        // The network named by codes has plots (--plots): any lot of cocoa mass is located by its statement.
        let shipments = try FileManager.default.contentsOfDirectory(atPath: prov.path("kept/seed-3/network/shipments"))
        var mass: String?
        for file in shipments where mass == nil {
            let text = try String(contentsOfFile: prov.path("kept/seed-3/network/shipments/\(file)"), encoding: .utf8)
            mass = text.split(separator: "\n").first { $0.contains(",transform,") && $0.contains(",cocoa-mass,") }
                .map { String($0.split(separator: ",", omittingEmptySubsequences: false)[4]) }
        }
        let lot = try #require(mass)
        let statement = try prov.run(
            "report", "eudr", "--lot", lot, "--ledger", prov.path("kept/seed-3/ledger.sqlite"), "--out",
            prov.path("eudr"), "--json")
        #expect(statement.status == 0, "\(statement.stderr)")
        let summary = try JSONParser.parse(statement.stdout)
        #expect(summary["checks"]?.arrayValue?.allSatisfy { $0["passed"] == .bool(true) } == true, "\(summary)")
        #expect(summary["commodities"]?["cocoa"] == .number("1"), "\(summary)")
    }

    /// A network of 300 lots and a lot of 120 harvests from 12 plots: the statement covers every harvest and plot with
    /// a proof of each event it rests on, the spreadsheet has rows, and the kept files verify offline.
    @Test func theReportsBenchmarkMakesBothReports() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let result = try prov.run(
            "bench", "reports", "--lots", "300", "--harvests", "120", "--plots", "12", "--keep", prov.path("kept"),
            "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        let eudr = report["eudr"]
        #expect(eudr?["harvests"] == .integer(120) && eudr?["plots"] == .integer(12), "\(report)")
        // The harvests and the plots' master data.
        #expect(eudr?["proof_bundles"] == .integer(132), "\(report)")
        #expect((Self.number(eudr?["seconds"]) ?? -1) >= 0)
        #expect((Self.number(report["fsma204"]?["rows"]) ?? 0) > 0, "\(report)")
        let verified = try prov.run(
            "verify-proof", prov.path("kept/eudr-EUDR-BENCH.proofs"), "--operator-key",
            prov.path("kept/ledger.operator.pem"))
        #expect(verified.status == 0, "\(verified.stderr)")
        let sheet = try String(contentsOfFile: prov.path("kept/fsma204.csv"), encoding: .utf8)
        #expect(sheet.hasPrefix("Critical Tracking Event,"))
    }
}
