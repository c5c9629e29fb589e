import Foundation
import GRDB
import LedgerCore
import Testing

/// `prov pipeline run`, `prov reports` and `prov anomalies` on the demo network, as an officer uses them.
@Suite(.serialized) struct PipelineCommandTests {
    /// The demo network: three parties and a compliance officer, their facilities and shipments,
    /// with one harvest beyond the farm's daily capacity.
    static func demoLedger() throws -> ProvRunner {
        let prov = try ProvRunner()
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        let keys = demo.appendingPathComponent("keys")
        func key(_ name: String) -> String { keys.appendingPathComponent("DEMO-ONLY-\(name).pem").path }
        try #require(try prov.run("init", "--operator-key", key("operator")).status == 0)
        for (id, role) in [
            ("farm-gh", "producer"), ("mill-nl", "processor"), ("factory-de", "processor"),
            ("compliance", "compliance"),
        ] {
            let added = try prov.run(
                "participants", "add", "--id", id, "--name", id, "--role", role, "--public-key", key(id))
            try #require(added.status == 0, "\(added.stderr)")
        }
        for (file, party) in [
            ("farm-gh-facilities.csv", "farm-gh"), ("mill-nl-facilities.csv", "mill-nl"),
            ("factory-de-facilities.csv", "factory-de"),
        ] {
            let imported = try prov.run(
                "facilities", "import", demo.appendingPathComponent(file).path, "--key", key(party))
            try #require(imported.status == 0, "\(imported.stderr)")
        }
        // The farm's harvests name its plots.
        let plots = try prov.run(
            "facilities", "import", demo.appendingPathComponent("farm-gh-plots.geojson").path, "--key", key("farm-gh"))
        try #require(plots.status == 0, "\(plots.stderr)")
        for (file, party) in [
            ("farm-shipments.csv", "farm-gh"), ("farm-shipments-may.csv", "farm-gh"), ("mill-shipments.csv", "mill-nl"),
        ] {
            let ingested = try prov.run("ingest", demo.appendingPathComponent(file).path, "--key", key(party))
            try #require(ingested.status == 0, "\(ingested.stderr)")
        }
        return prov
    }

    static var pipeline: String {
        ProvRunner.sampleData.deletingLastPathComponent().appendingPathComponent("Pipelines/default.yml").path
    }

    static var officerKey: String {
        ProvRunner.sampleData.appendingPathComponent("demo/keys/DEMO-ONLY-compliance.pem").path
    }

    @Test func reportIsAnchoredVerifiedAndReviewed() throws {
        let prov = try Self.demoLedger()
        defer { prov.remove() }

        let run = try prov.run("pipeline", "run", Self.pipeline, "--key", Self.officerKey, "--out", "reports", "--json")
        try #require(run.status == 0, "\(run.stderr)")
        let summary = try JSONParser.parse(run.stdout)
        let reportPath = try #require(summary["report"]?.stringValue)
        let htmlPath = try #require(summary["html"]?.stringValue)
        #expect(summary["rules"]?["over_capacity"] == .integer(1))
        #expect(FileManager.default.fileExists(atPath: prov.path(htmlPath)))
        let html = try String(contentsOfFile: prov.path(htmlPath), encoding: .utf8)
        #expect(html.contains("FARM-GH-01") && html.contains("<svg"))

        // The report file is the anchored one, over an unchanged range.
        let verified = try prov.run("reports", "verify", reportPath)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("anchored at index") && verified.stdout.contains("by compliance"))

        // One changed character in the report and it is no longer the anchored one.
        let original = try String(contentsOfFile: prov.path(reportPath), encoding: .utf8)
        let tampered = original.replacingOccurrences(of: "\"over_capacity\"", with: "\"over_kapacity\"")
        #expect(tampered != original)
        try tampered.write(toFile: prov.path("tampered.json"), atomically: true, encoding: .utf8)
        let refused = try prov.run("reports", "verify", "tampered.json")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no anchor on the chain carries this report's digest"))

        // The flag, its reason with numbers, and its events.
        let listed = try prov.run("anomalies", "list", "--json")
        try #require(listed.status == 0, "\(listed.stderr)")
        let flags = try #require(try JSONParser.parse(listed.stdout).arrayValue)
        let capacity = try #require(
            flags.first { $0["rules"]?.arrayValue?.contains { $0["rule"] == "over_capacity" } == true })
        let id = try #require(capacity["id"]?.stringValue)
        #expect(capacity["status"] == "open")
        let detail = try #require(capacity["rules"]?.arrayValue?.first?["detail"]?.stringValue)
        #expect(
            detail.contains("FARM-GH-01 put out 2,400 kg on 2026-05-10, 160 % of its capacity of 1,500 kg a day"),
            "\(detail)")
        #expect(capacity["records"]?.arrayValue?.compactMap { $0["record_id"]?.stringValue } == ["GH-H-0301"])

        // Only a compliance participant may review; the decision is a signed event and shows.
        let farmKey = ProvRunner.sampleData.appendingPathComponent("demo/keys/DEMO-ONLY-farm-gh.pem").path
        let notAllowed = try prov.run(
            "anomalies", "review", id, "--decision", "dismissed", "--note", "fine", "--key", farmKey)
        #expect(notAllowed.status == 6)
        #expect(notAllowed.stderr.contains("only compliance participants review flags"))
        let reviewed = try prov.run(
            "anomalies", "review", id, "--decision", "confirmed", "--note",
            "harvest exceeds the farm's capacity; asked for the weighbridge slips",
            "--key", Self.officerKey)
        #expect(reviewed.status == 0, "\(reviewed.stderr)")
        let shown = try prov.run("anomalies", "show", id)
        #expect(shown.stdout.contains("status confirmed"))
        #expect(shown.stdout.contains("review: confirmed by compliance"))
        #expect(shown.stdout.contains("weighbridge slips"))
        #expect(try prov.run("anomalies", "list", "--status", "open", "--json").stdout.contains(id) == false)
        #expect(try prov.run("anomalies", "list", "--status", "confirmed").stdout.contains(id))

        // The anchor and the review are ordinary signed events: the whole ledger still verifies,
        // and the report still verifies after later blocks.
        #expect(try prov.run("verify").status == 0)
        #expect(try prov.run("reports", "verify", reportPath).status == 0)
    }

    @Test func sameChainAndDefinitionGiveTheSameReport() throws {
        let first = try Self.demoLedger()
        defer { first.remove() }
        let second = try Self.demoLedger()
        defer { second.remove() }
        var digests = [String]()
        var matrices = [Data]()
        var models = [Data]()
        for prov in [first, second] {
            let run = try prov.run(
                "pipeline", "run", Self.pipeline, "--key", Self.officerKey, "--json", "--features-out", "links.csv")
            try #require(run.status == 0, "\(run.stderr)")
            let summary = try JSONParser.parse(run.stdout)
            digests.append(try #require(summary["digest"]?.stringValue))
            matrices.append(try Data(contentsOf: URL(fileURLWithPath: prov.path("links.csv"))))
            models.append(
                try Data(contentsOf: URL(fileURLWithPath: prov.path(try #require(summary["model"]?.stringValue)))))
        }
        #expect(digests[0] == digests[1])
        #expect(matrices[0] == matrices[1])
        // The same fitted model, to the byte.
        #expect(models[0] == models[1] && models[0].count > 1000)
    }

    /// `prov reports reproduce`: the anchored report and its model are made again, to the byte, from the ledger alone
    /// (and from a copy of it); a byte changed in the stored model or definition is named.
    @Test func anAnchoredReportIsReproducedAndATamperedFileIsNamed() throws {
        let prov = try Self.demoLedger()
        defer { prov.remove() }
        let run = try prov.run("pipeline", "run", Self.pipeline, "--key", Self.officerKey, "--json")
        try #require(run.status == 0, "\(run.stderr)")
        let summary = try JSONParser.parse(run.stdout)
        let digest = try #require(summary["digest"]?.stringValue)
        let modelDigest = try #require(summary["model_digest"]?.stringValue)
        let reportPath = try #require(summary["report"]?.stringValue)

        let reproduced = try prov.run("reports", "reproduce", String(digest.prefix(12)))
        #expect(reproduced.status == 0, "\(reproduced.stderr)")
        #expect(reproduced.stdout.contains("reproduced: report \(digest)"), "\(reproduced.stdout)")
        #expect(reproduced.stdout.contains("model  \(modelDigest)"), "\(reproduced.stdout)")
        let fromFile = try JSONParser.parse(try prov.succeed(["reports", "reproduce", reportPath, "--json"]).stdout)
        #expect(fromFile["reproduced"] == .bool(true) && fromFile["model_digest"] == .string(modelDigest))
        #expect(fromFile["reproduced_model_digest"] == .string(modelDigest))

        // The definition and the model are served and exported with the report, as stored.
        let exported = try prov.succeed(["reports", "export", String(digest.prefix(12)), "--out", "exported"]).stdout
        let definitionFile = "exported/report-\(digest.prefix(16)).definition.yml"
        #expect(exported.contains(definitionFile) && exported.contains("exported/model-\(modelDigest.prefix(16)).json"))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: prov.path(definitionFile)))
                == Data(contentsOf: URL(fileURLWithPath: Self.pipeline)))

        // A copy of the ledger reproduces it too.
        _ = try prov.succeed(["migrate", "--from", "ledger.sqlite", "--to", "copy.sqlite"])
        let onCopy = try prov.run("reports", "reproduce", digest, "--ledger", "copy.sqlite", "--json")
        #expect(onCopy.status == 0, "\(onCopy.stderr)")
        #expect(try JSONParser.parse(onCopy.stdout)["reproduced"] == .bool(true), "\(onCopy.stdout)")

        // One byte of the stored model changed: named by its place, and no longer the anchored model.
        func tamper(_ name: String, _ edit: String) throws -> ProvRunner.Result {
            let copy = prov.path("tampered-\(name).sqlite")
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: prov.path("copy.sqlite"), toPath: copy)
            try DatabaseQueue(path: copy).write { db in
                try db.execute(sql: "UPDATE report_files SET body = \(edit) WHERE name = ?", arguments: [name])
            }
            return try prov.run("reports", "reproduce", digest, "--ledger", copy)
        }
        let model = try tamper("model", "replace(body, '\"format\":1', '\"format\":2')")
        #expect(model.status == 1, "\(model.stderr)")
        #expect(
            model.stdout.contains(
                "NOT reproduced: the model differs at /format: the stored model's SHA-256 is not the model digest its anchor carries; stored 2, reproduced 1"
            ), "\(model.stdout)")
        let definition = try tamper("definition", "replace(body, 'trees: ', 'trees:  ')")
        #expect(definition.status == 1, "\(definition.stderr)")
        #expect(definition.stdout.contains("NOT reproduced: the definition differs"), "\(definition.stdout)")
        // A report that is not the anchored one is refused before anything is re-run.
        let original = try String(contentsOfFile: prov.path(reportPath), encoding: .utf8)
        try original.replacingOccurrences(of: "\"over_capacity\"", with: "\"over_kapacity\"")
            .write(toFile: prov.path("tampered.json"), atomically: true, encoding: .utf8)
        let refused = try prov.run("reports", "reproduce", "tampered.json")
        #expect(refused.status == 1 && refused.stderr.contains("no anchor on the chain carries"), "\(refused.stderr)")
    }

    /// `--features-out`: one row per scored link, every feature raw and scaled, the scores, and the flagged links
    /// under their flags' IDs.
    @Test func theFeatureMatrixHasEveryScoredLinkAndItsFlag() throws {
        let prov = try Self.demoLedger()
        defer { prov.remove() }
        // The factory makes 2,200 kg of chocolate and dispatches them from its dock, a location of the factory; then
        // the dock ships 900 kg more of the same lot, which the mass-balance rule flags on the link, at the site.
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        try """
        Record_ID,Event,Occurred_At,Product,Lot,Quantity,Unit,Facility,Shipment_ID,Destination
        DE-S-0399,ship,2026-05-05T08:00:00+02:00,dark-chocolate-70,LOT-DE-CHOC-31,900,kg,urn:epc:id:sgln:4012345.00020.0,DE-SH-0399,urn:epc:id:sgln:4098765.00001.0

        """.write(toFile: prov.path("extra.csv"), atomically: true, encoding: .utf8)
        for file in [
            demo.appendingPathComponent("factory-de-receipts.xml").path,
            demo.appendingPathComponent("factory-de-dispatch.epcis.xml").path, prov.path("extra.csv"),
        ] {
            let ingested = try prov.run(
                "ingest", file, "--key", demo.appendingPathComponent("keys/DEMO-ONLY-factory-de.pem").path)
            try #require(ingested.status == 0, "\(ingested.stderr)")
        }
        let run = try prov.run(
            "pipeline", "run", Self.pipeline, "--key", Self.officerKey, "--out", "reports", "--json", "--features-out",
            "links.csv")
        try #require(run.status == 0, "\(run.stderr)")
        let summary = try JSONParser.parse(run.stdout)
        #expect(summary["features"] == "links.csv")
        let report = try JSONParser.parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: prov.path(try #require(summary["report"]?.stringValue))))))
        let definitionFeatures = try #require(report["pipeline"]?["parameters"]?["features"]?.arrayValue).compactMap(
            \.stringValue)

        let lines = try String(contentsOfFile: prov.path("links.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // The link's IDs, each feature raw and scaled, each feature family's tail p-value, then the scores.
        let leading =
            ["link_id", "subject", "event_ids", "record_ids"] + definitionFeatures
            + definitionFeatures.map { $0 + "_scaled" }
        let trailing = [
            "tail_p", "combined_p", "combined_score", "forest_score", "cluster_score", "cluster", "flagged",
        ]
        #expect(Array(header.prefix(leading.count)) == leading)
        #expect(Array(header.suffix(trailing.count)) == trailing)
        let families = header.dropFirst(leading.count).dropLast(trailing.count)
        #expect(!families.isEmpty && families.allSatisfy { $0.hasPrefix("p_") }, "\(families)")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == summary["links"]?.integerValue)
        #expect(rows.allSatisfy { $0.count == header.count })

        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let (id, records, flagged, transit) = (
            try column("link_id"), try column("record_ids"), try column("flagged"), try column("transit_hours")
        )
        // The demo farm's shipment GH-S-0101 reaches the mill as NL-R-0101, 386 hours later.
        let shipment = try #require(rows.first { $0[records] == "GH-S-0101;NL-R-0101" })
        #expect(abs((Double(shipment[transit]) ?? 0) - 386.083) < 0.01)
        // Every flagged row is a flag of the report, and every link flag of the report is a flagged row.
        let linkFlags = Set(
            try #require(report["flags"]?.arrayValue).filter {
                ["shipment", "transform"].contains($0["subject"]?.stringValue ?? "")
            }.compactMap { $0["id"]?.stringValue })
        #expect(!linkFlags.isEmpty)
        let details = try #require(report["flags"]?.arrayValue).flatMap { $0["rules"]?.arrayValue ?? [] }.compactMap {
            $0["detail"]?.stringValue
        }
        #expect(
            details.contains {
                $0.hasPrefix("lot LOT-DE-CHOC-31 at FACTORY-DE-02: 3,100 kg shipped out, but only 2,200 kg produced")
            }, "\(details)")
        #expect(Set(rows.filter { $0[flagged] == "1" }.map { $0[id] }) == linkFlags)
        #expect(Set(rows.map { $0[id] }).count == rows.count)
    }

    @Test func badDefinitionsNameTheLineAndOnlyOfficersAnchor() throws {
        let prov = try Self.demoLedger()
        defer { prov.remove() }
        try "name: x\nthreshold:\n  false_alarms_per_1000: 200\n".write(
            toFile: prov.path("bad.yml"), atomically: true, encoding: .utf8)
        let bad = try prov.run("pipeline", "run", "bad.yml", "--key", Self.officerKey)
        #expect(bad.status == 4)
        #expect(bad.stderr.contains("bad.yml:3") && bad.stderr.contains("outside"))
        try "name: x\nmodels:\n  trees: 10\n".write(toFile: prov.path("unknown.yml"), atomically: true, encoding: .utf8)
        let unknown = try prov.run("pipeline", "run", "unknown.yml", "--key", Self.officerKey)
        #expect(unknown.stderr.contains("unknown.yml:3") && unknown.stderr.contains("unknown key 'trees'"))
        let farmKey = ProvRunner.sampleData.appendingPathComponent("demo/keys/DEMO-ONLY-farm-gh.pem").path
        let farm = try prov.run("pipeline", "run", Self.pipeline, "--key", farmKey)
        #expect(farm.status == 6)
        #expect(farm.stderr.contains("needs the compliance role"))
        #expect(try prov.run("anomalies", "list").stderr.contains("no anomaly report yet"))
    }
}
