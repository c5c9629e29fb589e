import Foundation
import GRDB
import LedgerCore
import Testing

/// The `prov` binary on the demo records: the paths a producer, an operator and a consumer take.
@Suite(.serialized) struct EndToEndTests {
    /// init → keys → register → append → history → proof → offline verify-proof → verify.
    @Test func producerToConsumerPath() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")

        let created = try prov.run("init")
        try #require(created.status == 0, "\(created.stderr)")
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: prov.path("ledger.operator.pem"))
        #expect((keyAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try prov.run("init")
        #expect(again.status == 5)
        #expect(again.stderr.contains("already exists"))

        #expect(
            try prov.run("keys", "generate", "--out", "farm.pem", "--public-out", "farm.pub.pem").stdout.contains(
                "BEGIN PUBLIC KEY"))
        // A key made by the openssl command line works unchanged.
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["genpkey", "-algorithm", "ed25519", "-out", prov.path("mill.pem")]
        try openssl.run()
        openssl.waitUntilExit()
        #expect(
            try prov.run(
                "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key",
                "farm.pub.pem"
            ).status == 0)
        #expect(
            try prov.run(
                "participants", "add", "--id", "mill-nl", "--name", "Mill", "--role", "processor", "--public-key",
                "mill.pem"
            ).status == 0)

        for (file, key) in [("farm-gh-facilities.csv", "farm.pem"), ("mill-nl-facilities.csv", "mill.pem")] {
            let facilities = try prov.run("facilities", "import", demo.appendingPathComponent(file).path, "--key", key)
            #expect(facilities.status == 0, "\(facilities.stderr)")
        }
        let farm = try prov.run("append", demo.appendingPathComponent("farm-harvest.json").path, "--key", "farm.pem")
        #expect(farm.status == 0, "\(farm.stderr)")
        #expect(
            try prov.run("append", demo.appendingPathComponent("mill-processing.json").path, "--key", "mill.pem").status
                == 0)
        let reimport = try prov.run(
            "append", demo.appendingPathComponent("farm-harvest.json").path, "--key", "farm.pem")
        #expect(reimport.stdout.contains("already in the ledger"))

        let history = try prov.run("history", "LOT-NL-MASS-07", "--json")
        try #require(history.status == 0, "\(history.stderr)")
        let timeline = try JSONParser.parse(history.stdout)
        let events = try #require(timeline["events"]?.arrayValue)
        #expect(
            events.compactMap { $0["record_id"]?.stringValue } == [
                "GH-H-0001", "GH-S-0001", "NL-R-0001", "NL-T-0001", "NL-S-0001",
            ])
        #expect(timeline["upstream_lots"] == .array(["LOT-GH-001"]))
        #expect(timeline["unrecorded_transfers"] == .array([]))
        // The factory the mill ships to has no facility record in this ledger; the farm's mill has one.
        let text = try prov.run("history", "LOT-NL-MASS-07").stdout
        #expect(text.contains("destination=FACTORY-DE-02 (outside the ledger)"), "\(text)")
        #expect(text.contains("destination=MILL-NL-01 ") || text.contains("destination=MILL-NL-01\n"), "\(text)")

        // A product code is paged: two events at a time, each page after the last one's index.
        var seen = [String]()
        var arguments = ["history", "cocoa-beans", "--limit", "2", "--json"]
        while true {
            let page = try prov.run(arguments)
            try #require(page.status == 0, "\(page.stderr)")
            let body = try JSONParser.parse(page.stdout)
            seen += body["events"]?.arrayValue?.compactMap { $0["record_id"]?.stringValue } ?? []
            guard let next = body["next_after"]?.integerValue else {
                #expect(body["total"] == .integer(seen.count))
                break
            }
            arguments = ["history", "cocoa-beans", "--limit", "2", "--after", String(next), "--json"]
        }
        #expect(Set(seen).count == seen.count && seen.contains("GH-S-0001") && seen.count > 2)
        let firstPage = try prov.run("history", "cocoa-beans", "--limit", "2")
        #expect(firstPage.stdout.contains("next page: prov history cocoa-beans --after "), "\(firstPage.stdout)")
        let shipID = try #require(events[1]["id"]?.stringValue)

        #expect(try prov.run("proof", shipID, "--out", "ship.proof").status == 0)
        #expect(try prov.run("proof", shipID, "--out", "ship-redacted.proof", "--redact", "price,quantity").status == 0)
        #expect(try prov.run("proof", shipID, "--out", "x.proof", "--redact", "product").status == 4)

        // A consumer's machine: only the bundle and the operator's public key, no ledger.
        let consumer = try ProvRunner()
        defer { consumer.remove() }
        for file in ["ship.proof", "ship-redacted.proof", "ledger.operator.pub.pem"] {
            try FileManager.default.copyItem(atPath: prov.path(file), toPath: consumer.path(file))
        }
        let full = try consumer.run("verify-proof", "ship.proof", "--operator-key", "ledger.operator.pub.pem")
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.contains("VERIFIED") && full.stdout.contains("unit_price=2.61"))
        let redacted = try consumer.run(
            "verify-proof", "ship-redacted.proof", "--operator-key", "ledger.operator.pub.pem", "--json")
        #expect(redacted.status == 0, "\(redacted.stderr)")
        let redactedJSON = try JSONParser.parse(redacted.stdout)
        #expect(redactedJSON["withheld"] == .array(["currency", "quantity", "unit_price"]))
        #expect(
            !String(
                decoding: try Data(contentsOf: URL(fileURLWithPath: consumer.path("ship-redacted.proof"))),
                as: UTF8.self
            ).contains("1200.5"))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: consumer.path("ship.proof")))
        bytes[bytes.count / 2] ^= 0x04
        try bytes.write(to: URL(fileURLWithPath: consumer.path("tampered.proof")))
        let tampered = try consumer.run("verify-proof", "tampered.proof", "--operator-key", "ledger.operator.pub.pem")
        #expect(tampered.status != 0)
        #expect(tampered.stderr.hasPrefix("error:"))

        let verified = try prov.run("verify", "--json")
        #expect(verified.status == 0, "\(verified.stdout)")
        // The farm's and the mill's three facilities, then the eight records.
        #expect(try JSONParser.parse(verified.stdout)["events"] == .number("11"))

        let checkpoint = try prov.run("checkpoint")
        try checkpoint.stdout.write(toFile: prov.path("old.checkpoint"), atomically: true, encoding: .utf8)
        #expect(try prov.run("consistency", "old.checkpoint").stdout.hasPrefix("CONSISTENT"))
    }

    @Test func verifyNamesTheTamperedBlock() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        try prov.run("keys", "generate", "--out", "farm.pem")
        try prov.run(
            "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key", "farm.pem"
        )
        try prov.run(
            "facilities", "import", ProvRunner.sampleData.appendingPathComponent("demo/farm-gh-facilities.csv").path,
            "--key", "farm.pem")
        try prov.run(
            "append", ProvRunner.sampleData.appendingPathComponent("demo/farm-harvest.json").path, "--key", "farm.pem")
        #expect(try prov.run("verify").status == 0)

        // Change the product index column of the farm's shipment outside the program, as an attacker with the file would.
        try DatabaseQueue(path: prov.path("ledger.sqlite")).write { db in
            try db.execute(sql: "UPDATE events SET product = 'cocoa-nibs' WHERE record_id = 'GH-S-0001'")
        }
        let result = try prov.run("verify")
        #expect(result.status == 1)
        #expect(result.stderr.contains("block 3"))
        #expect(result.stderr.contains("field product") || result.stderr.contains("product"))
        let all = try prov.run("verify", "--all", "--json")
        #expect(all.status == 1)
        let failures = try JSONParser.parse(all.stdout)["failures"]?.arrayValue ?? []
        #expect(failures.count == 1 && failures.first?["place"]?.arrayValue?.last == "product", "\(all.stdout)")
    }

    @Test func badInputAndRefusedSignersExplainThemselves() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        try prov.run("keys", "generate", "--out", "farm.pem")
        try prov.run("keys", "generate", "--out", "stranger.pem")
        try prov.run(
            "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key", "farm.pem"
        )
        try
            #"[{"record_id": "A1", "event": "produce", "occurred_at": "2026-03-01T08:00:00+01:00", "product": "p", "lot": "l", "quantity": "0", "unit": "kg", "facility": "f"}]"#
            .write(toFile: prov.path("bad.json"), atomically: true, encoding: .utf8)
        let bad = try prov.run("append", "bad.json", "--key", "farm.pem")
        #expect(bad.status == 4)
        #expect(bad.stderr.contains("bad.json: record 1, record A1, field quantity: must be greater than 0"))
        try "[{\"record_id\": ".write(toFile: prov.path("broken.json"), atomically: true, encoding: .utf8)
        let broken = try prov.run("append", "broken.json", "--key", "farm.pem")
        #expect(broken.status == 4)
        #expect(broken.stderr.contains("line 1, column"))

        let stranger = try prov.run(
            "append", ProvRunner.sampleData.appendingPathComponent("demo/farm-harvest.json").path, "--key",
            "stranger.pem")
        #expect(stranger.status == 6)
        #expect(stranger.stderr.contains("not registered"))
        try prov.run("participants", "revoke", "farm-gh")
        let revoked = try prov.run(
            "append", ProvRunner.sampleData.appendingPathComponent("demo/farm-harvest.json").path, "--key", "farm.pem")
        #expect(revoked.status == 6)
        #expect(revoked.stderr.contains("revoked"))
        let list = try prov.run("participants", "list", "--json")
        #expect(try JSONParser.parse(list.stdout).arrayValue?.last?["status"] == .string("revoked"))
        #expect(try prov.run("verify").status == 0, "refused batches wrote nothing")
        #expect(try prov.run("history", "l").status == 3)
        #expect(try prov.run("verify", "--ledger", "missing.sqlite").stderr.contains("no ledger at missing.sqlite"))
    }

    @Test func ingestCSVIsAllOrNothingUnlessSkippingInvalid() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        try prov.run("keys", "generate", "--out", "farm.pem")
        try prov.run(
            "participants", "add", "--id", "farm-gh", "--name", "Farm", "--role", "producer", "--public-key", "farm.pem"
        )
        let sample = ProvRunner.sampleData.appendingPathComponent("demo/farm-shipments.csv").path
        let facilities = ProvRunner.sampleData.appendingPathComponent("demo/farm-gh-facilities.csv").path

        let unknown = try prov.run("ingest", sample, "--key", "farm.pem")
        #expect(unknown.status == 4)
        #expect(unknown.stderr.contains("farm-shipments.csv:2, column Facility: unknown facility 'FARM-GH-01'"))
        let imported = try prov.run("facilities", "import", facilities, "--key", "farm.pem")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("1 accepted in block 2"))
        #expect(try prov.run("facilities", "import", facilities, "--key", "farm.pem").stdout.contains("Nothing new"))
        #expect(try prov.run("facilities", "list").stdout.contains("FARM-GH-01  farm-gh  farm  GH"))
        // The harvests name the farm's plots, which it registers first (block 3).
        let plots = ProvRunner.sampleData.appendingPathComponent("demo/farm-gh-plots.geojson").path
        #expect(try prov.run("facilities", "import", plots, "--key", "farm.pem").status == 0)

        let first = try prov.run("ingest", sample, "--key", "farm.pem", "--json")
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try JSONParser.parse(first.stdout)
        #expect(summary["accepted"] == .number("4"))
        #expect(summary["block"] == .number("4"))
        let again = try prov.run("ingest", sample, "--key", "farm.pem", "--json")
        #expect(try JSONParser.parse(again.stdout)["duplicates"] == .number("4"))

        var text = try String(contentsOfFile: sample, encoding: .utf8).replacingOccurrences(of: "GH-H-", with: "GH2-H-")
            .replacingOccurrences(of: "GH-S-", with: "GH2-S-")
        text = text.replacingOccurrences(of: "980.25", with: "-980.25")
        try text.write(toFile: prov.path("mixed.csv"), atomically: true, encoding: .utf8)
        let refused = try prov.run("ingest", "mixed.csv", "--key", "farm.pem")
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("mixed.csv:2, column Quantity: must be greater than 0"))
        #expect(refused.stderr.contains("nothing was written"))
        let dry = try prov.run("ingest", "mixed.csv", "--key", "farm.pem", "--dry-run", "--skip-invalid")
        #expect(dry.stdout.contains("Dry run of mixed.csv: 2 would be appended, 0 already in the ledger, 2 rejected"))
        #expect(!FileManager.default.fileExists(atPath: prov.path("mixed.csv.rejects.csv")))
        #expect(try JSONParser.parse(prov.run("verify", "--json").stdout)["tree_size"] == .number("9"))

        let skipped = try prov.run("ingest", "mixed.csv", "--key", "farm.pem", "--skip-invalid")
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stdout.contains("2 accepted in block 5") && skipped.stdout.contains("2 rejected"))
        let rejects = try String(contentsOfFile: prov.path("mixed.csv.rejects.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("line,reason,Record_ID,Event"))
        #expect(rejects.contains("GH2-H-0101") && rejects.contains("GH2-S-0101"))
        #expect(try prov.run("verify").status == 0)
    }

    /// The mill, with its own valid key, tries through `prov append` and `prov ingest` what the admission checks
    /// refuse (docs/security.md): each exits 4 naming the record and field, and the ledger stays as it was.
    @Test func aHostileParticipantIsRefusedAtEveryCommandLineDoor() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try #require(try prov.run("init").status == 0)
        let demo = ProvRunner.sampleData.appendingPathComponent("demo")
        for (id, role) in [("farm-gh", "producer"), ("mill-nl", "processor")] {
            try prov.run("keys", "generate", "--out", "\(id).pem")
            try prov.run("participants", "add", "--id", id, "--name", id, "--role", role, "--public-key", "\(id).pem")
            try prov.run(
                "facilities", "import", demo.appendingPathComponent("\(id)-facilities.csv").path, "--key", "\(id).pem")
        }
        #expect(
            try prov.run("append", demo.appendingPathComponent("farm-harvest.json").path, "--key", "farm-gh.pem")
                .status == 0)
        let before = try prov.run("checkpoint").stdout

        let attempts: [(String, String)] = [
            (
                #"{"record_id": "F1", "event": "facility", "occurred_at": "2026-05-01T00:00:00Z", "facility": "FARM-GH-01", "party": "mill-nl", "name": "Mine", "kind": "farm", "country": "GH", "latitude": "6.7", "longitude": "-1.6"}"#,
                "field facility: facility 'FARM-GH-01' is registered to 'farm-gh'"
            ),
            (
                #"{"record_id": "N1", "event": "produce", "occurred_at": "2026-05-01T00:00:00Z", "product": "cocoa-mass", "lot": "LOT-GH-001\u0000x", "quantity": "1", "unit": "kg", "facility": "MILL-NL-01"}"#,
                "field lot: contains U+0000"
            ),
            (
                #"{"record_id": "L1", "event": "produce", "occurred_at": "2026-05-01T00:00:00Z", "product": "cocoa-beans", "lot": "LOT-GH-001", "quantity": "1", "unit": "kg", "facility": "MILL-NL-01"}"#,
                "field lot: lot 'LOT-GH-001' was made by 'farm-gh'"
            ),
            (
                #"{"record_id": "C1", "event": "produce", "occurred_at": "2026-05-01T00:00:00Z", "product": "cocoa-mass", "lot": "LOT-NL-X", "quantity": "1", "unit": "kg", "facility": "MILL-NL-01", "certificate": "FAKE-CERT"}"#,
                "field certificate: certificate 'FAKE-CERT' is not facility 'MILL-NL-01''s"
            ),
            (
                #"{"record_id": "Y1", "event": "produce", "occurred_at": "9999-05-01T00:00:00Z", "product": "cocoa-mass", "lot": "LOT-NL-Y", "quantity": "1", "unit": "kg", "facility": "MILL-NL-01"}"#,
                "field occurred_at: occurred_at 9999-05-01T00:00:00Z lies outside the ledger's window"
            ),
        ]
        for (offset, (record, expected)) in attempts.enumerated() {
            try "[\(record)]".write(toFile: prov.path("attempt-\(offset).json"), atomically: true, encoding: .utf8)
            let appended = try prov.run("append", "attempt-\(offset).json", "--key", "mill-nl.pem")
            #expect(appended.status == 4, "\(appended.stderr)")
            #expect(appended.stderr.contains(expected), "\(appended.stderr)")
        }
        // The same takeover as a facilities file, and a shipment at the farm's facility as a CSV.
        try "facility_id,party,name,kind,country,latitude,longitude\nFARM-GH-01,mill-nl,Mine,farm,GH,6.7,-1.6\n"
            .write(toFile: prov.path("takeover.csv"), atomically: true, encoding: .utf8)
        let takeover = try prov.run("facilities", "import", "takeover.csv", "--key", "mill-nl.pem")
        #expect(takeover.status == 4)
        #expect(
            takeover.stderr.contains(
                "takeover.csv:2, column facility_id: facility 'FARM-GH-01' is registered to 'farm-gh'"))
        try
            "record_id,event,occurred_at,product,lot,quantity,unit,facility\nX1,produce,2026-05-01T00:00:00Z,cocoa-mass,LOT-NL-Z,1,kg,FARM-GH-01\n"
            .write(toFile: prov.path("elsewhere.csv"), atomically: true, encoding: .utf8)
        let elsewhere = try prov.run("ingest", "elsewhere.csv", "--key", "mill-nl.pem")
        #expect(elsewhere.status == 4)
        #expect(
            elsewhere.stderr.contains("column facility: facility 'FARM-GH-01' belongs to 'farm-gh', not to 'mill-nl'"))
        #expect(try prov.run("checkpoint").stdout == before, "nothing was written")
        #expect(try prov.run("verify").status == 0)
    }

    @Test func ingestBenchmarkMeasuresItsReferenceBothWays() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let bench = try prov.run(
            "bench", "ingest", "--records", "300", "--reference-seconds", "1", "--keep", prov.path("bench"), "--format",
            "epcis-json", "--json")
        #expect(bench.status == 0, "\(bench.stderr)")
        let result = try JSONParser.parse(bench.stdout)
        #expect(result["records"] == .number("300"))
        let number = { (key: String) -> Double in
            if case .number(let lexeme)? = result[key] { return Double(lexeme) ?? 0 }
            return 0
        }
        #expect(
            number("in_process_sign_per_s") > 1000 && number("ingest_records_per_s") > 0
                && number("ingest_ratio_to_sign") > 0)
        // The same rows with the product named by its GTIN and ships at docks, imported in the same run.
        #expect(number("gs1_names_records_per_s") > 0 && number("gs1_names_time_ratio") > 0)
        // And as an EPCIS 2.0 JSON-LD document of the same rows.
        #expect(number("epcis_json_records_per_s") > 0 && number("epcis_json_ratio_to_csv") > 0, "\(bench.stdout)")
        // The reference is the higher of OpenSSL's two measurements, when `openssl speed` ran.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
            #expect(number("openssl_speed_sign_per_s") > 1000, "\(bench.stdout)")
            #expect(
                number("openssl_sign_per_s") == max(number("in_process_sign_per_s"), number("openssl_speed_sign_per_s"))
            )
        }
        // SQLite alone wrote the ledger's rows (the benchmark's records after the registrations and
        // facilities), and the bound combines it with the in-process sign rate on all cores.
        #expect(number("sqlite_rows") == 300 + 12 && number("sqlite_rows_per_s") > 0)
        let cores = number("cores")
        let bound = cores / (cores / number("in_process_sign_per_s") + 1 / number("sqlite_rows_per_s"))
        #expect(abs(number("bound_records_per_s") - bound) <= 0.001 * bound + 1, "\(bench.stdout)")
        #expect(number("bound_records_per_s") < number("in_process_sign_per_s"))
    }

    @Test func everyCommandExplainsItself() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        for command in [
            ["init"], ["keys", "generate"], ["participants", "add"], ["participants", "revoke"],
            ["participants", "list"],
            ["append"], ["ingest"], ["facilities", "import"], ["facilities", "list"], ["history"], ["proof"],
            ["verify-proof"], ["verify"], ["checkpoint"], ["consistency"], ["bench", "ledger"], ["bench", "ingest"],
        ] {
            let help = try prov.run(command + ["--help"])
            #expect(help.status == 0, "\(command)")
            #expect(help.stdout.contains("USAGE: prov \(command.joined(separator: " "))"), "\(command): \(help.stdout)")
        }
    }
}
