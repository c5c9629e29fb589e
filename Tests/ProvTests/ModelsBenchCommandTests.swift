import Foundation
import LedgerCore
import Testing

/// `prov bench models` on data sets already in place (no peers, so no Python): the models' figures, and a data set
/// that does not parse named by file, line and column.
@Suite struct ModelsBenchCommandTests {
    /// Rows of two features around (0, 0) with the label last, the last `anomalies` of them far out.
    static func dataSet(rows: Int, anomalies: Int) -> String {
        var text = "f0,f1,label\n"
        for row in 0..<rows {
            let far = row >= rows - anomalies
            let x = far ? 40 + Double(row) : Double(row % 7) - 3
            let y = far ? -35 - Double(row) : Double(row % 5) * 0.5
            text += "\(x),\(y),\(far ? 1 : 0)\n"
        }
        return text
    }

    @Test func theModelsAreMeasuredOnEachDataSet() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let data = prov.path("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try Self.dataSet(rows: 200, anomalies: 4).write(
            toFile: "\(data)/synth_200.csv", atomically: true, encoding: .utf8)
        for name in ["breast_cancer", "breast_cancer_malignant10pct"] {
            try Self.dataSet(rows: 60, anomalies: 6).write(
                toFile: "\(data)/\(name).csv", atomically: true, encoding: .utf8)
        }
        let result = try prov.run(
            "bench", "models", "--data", data, "--sizes", "200", "--skip-peers", "--repeats", "1", "--threads", "1",
            "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        guard case .array(let sets)? = report["datasets"] else {
            Issue.record("no data sets in \(result.stdout)")
            return
        }
        let names: [JSONValue?] = sets.map { $0["dataset"] }
        let expected: [JSONValue?] = ["synth_200", "breast_cancer", "breast_cancer_malignant10pct"].map { .string($0) }
        #expect(names == expected)
        for set in sets {
            guard case .array(let models)? = set["results"] else { continue }
            let combined = models.first { $0["model"] == .string("ours_combined") }
            guard case .number(let auc)? = combined?["roc_auc"] else {
                Issue.record("no combined detector in \(set)")
                continue
            }
            #expect((Double(auc) ?? 0) > 0.9, "anomalies this far out rank near the top")
        }
    }

    @Test func anUnknownPeerIsRefusedWithTheChoices() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let result = try prov.run("bench", "models", "--peer-models", "pyod_copod,pyod_knn")
        #expect(result.status != 0)
        #expect(result.stderr.contains("'pyod_knn' is not a peer; choose from sklearn_iforest"), "\(result.stderr)")
    }

    @Test func aDataSetThatDoesNotParseIsNamedByLineAndColumn() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let data = prov.path("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try "f0,f1,label\n1,2,0\n3,x,1\n".write(toFile: "\(data)/synth_2.csv", atomically: true, encoding: .utf8)
        for name in ["breast_cancer", "breast_cancer_malignant10pct"] {
            try Self.dataSet(rows: 20, anomalies: 2).write(
                toFile: "\(data)/\(name).csv", atomically: true, encoding: .utf8)
        }
        let result = try prov.run("bench", "models", "--data", data, "--sizes", "2", "--skip-peers")
        #expect(result.status == 4)
        #expect(result.stderr.contains("synth_2.csv:3, column 2: 'x' is not a number"), "\(result.stderr)")
    }
}
