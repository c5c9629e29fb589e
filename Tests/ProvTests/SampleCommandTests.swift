import Foundation
import LedgerCore
import Testing

/// `prov sample generate`, and its output ingested by `prov` as participants would.
@Suite(.serialized) struct SampleCommandTests {
    @Test func generateThenIngestAsTheParticipants() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let generated = try prov.run("sample", "generate", "--lots", "60", "--seed", "42", "--out", "net")
        try #require(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("60 lots"))
        #expect(generated.stdout.contains("labels.csv"))
        for file in ["README.md", "participants.csv", "labels.csv", "network.json", "keys/compliance-office.pem"] {
            #expect(FileManager.default.fileExists(atPath: prov.path("net/\(file)")), "\(file)")
        }

        let keyAttributes = try FileManager.default.attributesOfItem(
            atPath: prov.path("net/keys/compliance-office.pem"))
        #expect((keyAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let refused = try prov.run("sample", "generate", "--lots", "60", "--seed", "42", "--out", "net")
        #expect(refused.status == 5)
        #expect(refused.stderr.contains("not empty") && refused.stderr.contains("--force"))
        let replaced = try prov.run(
            "sample", "generate", "--lots", "60", "--seed", "42", "--out", "net", "--force", "--json")
        try #require(replaced.status == 0, "\(replaced.stderr)")
        let summary = try JSONParser.parse(replaced.stdout)
        #expect(summary["lots"]?.integerValue == 60)
        #expect((summary["rows"]?.integerValue ?? 0) > 600)
        #expect(try prov.run("sample", "generate", "--lots", "0", "--seed", "1", "--out", "other").status == 4)

        // Register three participants with their generated keys; each imports its facilities, then its shipments.
        #expect(try prov.run("init").status == 0)
        let participants = try String(contentsOfFile: prov.path("net/participants.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let chosen = ["producer", "processor", "retailer"].compactMap { role in
            participants.first {
                $0[2] == role
                    && (try? String(contentsOfFile: prov.path("net/shipments/\($0[0]).csv"), encoding: .utf8))?
                        .split(separator: "\n").count ?? 0 > 1
            }
        }
        #expect(chosen.count == 3)
        for participant in chosen {
            let key = "net/\(participant[3])"
            let added = try prov.run(
                "participants", "add", "--id", participant[0], "--name", participant[1], "--role", participant[2],
                "--public-key", key)
            #expect(added.status == 0, "\(added.stderr)")
            let facilities = try prov.run("facilities", "import", "net/facilities/\(participant[0]).csv", "--key", key)
            #expect(facilities.status == 0, "\(participant[0]): \(facilities.stderr)")
            let ingested = try prov.run("ingest", "net/shipments/\(participant[0]).csv", "--key", key)
            #expect(ingested.status == 0, "\(participant[0]): \(ingested.stderr)")
            #expect(ingested.stdout.contains("0 rejected"))
        }
        #expect(try prov.run("verify").status == 0)
    }

    @Test func explainsItself() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        let help = try prov.run("sample", "generate", "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: prov sample generate"))
        #expect(help.stdout.contains("--anomaly-rate"))
    }
}
