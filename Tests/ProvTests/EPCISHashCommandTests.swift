import Foundation
import LedgerCore
import Testing

/// `prov epcis hash`, and the event hash as the record ID of events without `eventID`: the same event in XML and
/// in JSON-LD is imported once (docs/epcis.md, "Event hash").
@Suite struct EPCISHashCommandTests {
    static let xml = """
        <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
            creationDate="2026-05-04T09:00:00Z">
          <EPCISBody><EventList>
            <ObjectEvent>
              <eventTime>2026-05-03T16:00:00.000+02:00</eventTime>
              <eventTimeZoneOffset>+02:00</eventTimeZoneOffset>
              <epcList><epc>urn:epc:id:sgtin:4012345.011111.9876</epc></epcList>
              <action>OBSERVE</action>
              <bizStep>urn:epcglobal:cbv:bizstep:inspecting</bizStep>
              <bizLocation><id>urn:epc:id:sgln:4012345.00011.0</id></bizLocation>
            </ObjectEvent>
          </EventList></EPCISBody>
        </epcis:EPCISDocument>
        """
    static let json = """
        {"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
         "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-05-04T09:30:00Z",
         "epcisBody": {"eventList": [
           {"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "inspecting",
            "eventTime": "2026-05-03T14:00:00Z", "eventTimeZoneOffset": "+02:00",
            "epcList": ["https://id.gs1.org/01/04012345111118/21/9876"],
            "bizLocation": {"id": "https://id.gs1.org/414/4012345000115"}}]}}
        """

    @Test func twinsHashAlikeAndAreImportedOnce() throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        try Self.xml.write(toFile: prov.path("check.xml"), atomically: true, encoding: .utf8)
        try Self.json.write(toFile: prov.path("check.jsonld"), atomically: true, encoding: .utf8)
        let hashes = try prov.run("epcis", "hash", "check.xml", "check.jsonld")
        #expect(hashes.status == 0, "\(hashes.stderr)")
        let lines = hashes.stdout.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(lines.count == 2 && lines[0] == lines[1] && lines[0].hasPrefix("ni:///sha-256;"), "\(hashes.stdout)")
        let prehash = try prov.run("epcis", "hash", "--prehash", "check.jsonld").stdout
        #expect(prehash.contains("bizLocationid=https://id.gs1.org/414/4012345000115"), "\(prehash)")

        try #require(try prov.run("init").status == 0)
        try #require(try prov.run("keys", "generate", "--out", "lab.pem").status == 0)
        try #require(
            try prov.run(
                "participants", "add", "--id", "lab", "--name", "Lab", "--role", "processor", "--public-key", "lab.pem"
            ).status == 0)
        try """
        facility_id,party,name,kind,country,latitude,longitude
        urn:epc:id:sgln:4012345.00011.0,lab,Inspection Lab,warehouse,DE,50.94,6.96

        """.write(toFile: prov.path("lab.csv"), atomically: true, encoding: .utf8)
        try #require(try prov.run("facilities", "import", "lab.csv", "--key", "lab.pem").status == 0)
        let first = try prov.run("ingest", "check.xml", "--key", "lab.pem")
        #expect(first.status == 0 && first.stdout.contains("1 accepted"), "\(first.stdout)\(first.stderr)")
        // The JSON-LD twin names the same place by its Digital Link: the hash is the same, so is the record.
        let twin = try prov.run("ingest", "check.jsonld", "--key", "lab.pem", "--format", "epcis-json")
        #expect(twin.status == 0 && twin.stdout.contains("Nothing new"), "\(twin.stdout)\(twin.stderr)")
        let history = try JSONParser.parse(try prov.run("history", "04012345111118", "--json").stdout)
        let event = try #require(history["events"]?.arrayValue?.first)
        #expect(event["record_id"]?.stringValue == lines[0])
        #expect(event["fields"]?["event_hash"]?.stringValue == lines[0])

        // An unreadable document is reported with its place, and the status says so.
        try "{\"type\": \"EPCISDocument\", \"epcisBody\": {\"eventList\": [42]}}".write(
            toFile: prov.path("bad.jsonld"), atomically: true, encoding: .utf8)
        let bad = try prov.run("epcis", "hash", "bad.jsonld")
        #expect(bad.status == 1 && bad.stderr.contains("/epcisBody/eventList/0"), "\(bad.stderr)")
    }
}
