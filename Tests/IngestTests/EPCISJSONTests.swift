import Foundation
@testable import Ingest
import LedgerCore
import TestSupport
import Testing

/// EPCIS 2.0 JSON-LD documents, read as their XML form is (``EPCISJSONDocument``).
@Suite struct EPCISJSONTests {
    static let demo = ShipmentXMLTests.repository.appendingPathComponent("SampleData/demo")

    /// A document of `events` (JSON texts) with the standard context and the `acme` prefix.
    static func document(_ events: String, context: String = #""acme": "https://ns.acme.example/epcis/""#) -> String {
        """
        {
          "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {\(context)}],
          "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-05-04T09:00:00Z",
          "epcisBody": {"eventList": [
        \(events)
          ]}
        }
        """
    }

    /// A new file holding `text`, removed by the caller.
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prov-epcis-\(UUID().uuidString).jsonld"
        )
        .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func read(_ text: String) throws -> (records: [SourceRecord], rejects: [SourceReject]) {
        let path = try file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try readAll(EPCISJSONDocument(path: path))
    }

    /// The demo's dispatch, written in JSON-LD beside its XML: the same ledger events, field for field, but for the
    /// extension element each writes its own way.
    @Test func theDemoDispatchInJSONIsTheSameAsInXML() throws {
        let (json, jsonRejects) = try readAll(
            EPCISJSONDocument(path: Self.demo.appendingPathComponent("factory-de-dispatch.epcis.jsonld").path))
        let (xml, xmlRejects) = try readAll(
            EPCISDocument(path: Self.demo.appendingPathComponent("factory-de-dispatch.epcis.xml").path))
        #expect(jsonRejects.isEmpty && xmlRejects.isEmpty, "\(jsonRejects.map(\.error))")
        #expect(json.map(\.content.kind) == [.observe, .ship])
        func withoutTruck(_ content: EventContent) -> [String: JSONValue] {
            var fields = content.publicFields
            if case .object(var extensions)? = fields["extensions"] {
                extensions = extensions.filter { !$0.key.contains("truck") }
                fields["extensions"] = .object(extensions)
            }
            // The event hash covers the truck too.
            fields["event_hash"] = nil
            return fields
        }
        #expect(json.count == xml.count)
        for (left, right) in zip(json, xml) {
            #expect(left.content.recordID == right.content.recordID)
            #expect(left.content.occurredAt == right.content.occurredAt)
            #expect(left.content.sensitiveFields == right.content.sensitiveFields)
            #expect(withoutTruck(left.content) == withoutTruck(right.content))
        }
        // The packing, written alike in both, has the same CBV event hash in both; the dispatch does not (its truck).
        #expect(json[0].content.publicFields["event_hash"] == xml[0].content.publicFields["event_hash"])
        #expect(json[1].content.publicFields["event_hash"] != xml[1].content.publicFields["event_hash"])
        let ship = json[1].content
        #expect(ship.product == "04012345123456" && ship.lot == "LOT-DE-CHOC-31")
        #expect(ship.sensitiveFields["destination"] == "urn:epc:id:sgln:4098765.00001.0")
        #expect(
            ship.publicFields["extensions"]?["{https://ns.cologne-chocolate.example/epcis/}truck"] == [
                "{https://ns.cologne-chocolate.example/epcis/}plate": "K-CC-3101",
                "{https://ns.cologne-chocolate.example/epcis/}body": "reefer",
            ])
        // Each record names its line and its JSON pointer.
        #expect(json[1].line == 25 && json[1].cells.first == "/epcisBody/eventList/1")
    }

    /// Read in chunks of 16 bytes, so that names, strings, numbers and events span chunks, a document gives what it
    /// gives read at once, with the same lines.
    @Test func smallChunksReadTheSameRecords() throws {
        var paths = [Self.demo.appendingPathComponent("factory-de-dispatch.epcis.jsonld").path]
        if EPCISCorpus.shouldRun { paths += try EPCISCorpus.jsonExamples().filter { !$0.hasSuffix("-h.jsonld") } }
        for path in paths {
            let whole = try readAll(EPCISJSONDocument(path: path))
            let chunked = try readAll(EPCISJSONDocument(path: path, chunkSize: 16))
            #expect(whole.records.map(\.content) == chunked.records.map(\.content), "\(path)")
            #expect(whole.records.map(\.line) == chunked.records.map(\.line), "\(path)")
            #expect(whole.records.map(\.cells) == chunked.records.map(\.cells), "\(path)")
            #expect(whole.rejects.count == chunked.rejects.count, "\(path)")
        }
    }

    /// The context and the type after the body, as one of GS1's examples writes them: the file is read twice.
    @Test func aContextAfterTheBodyStillDefinesItsPrefixes() throws {
        let (records, rejects) = try Self.read(
            """
            {"epcisBody": {"eventList": [
              {"type": "ObjectEvent", "eventTime": "2026-05-04T07:30:00Z", "eventTimeZoneOffset": "+00:00",
               "action": "OBSERVE", "epcList": ["urn:epc:id:sgtin:4012345.012345.7001"], "late:mark": "x"}
             ], "note": [1, {"a": "]"}]},
             "type": "EPCISDocument",
             "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"late": "urn:late:"}]}
            """)
        #expect(rejects.isEmpty, "\(rejects.map(\.error))")
        #expect(records.first?.content.publicFields["extensions"]?["{urn:late}mark"] == "x")
    }

    @Test func sensorsErrorsAndPersistentDispositionKeepTheirXMLShape() throws {
        let (records, rejects) = try Self.read(
            Self.document(
                """
                {"type": "ObjectEvent", "eventTime": "2026-05-04T07:30:00Z", "eventTimeZoneOffset": "+00:00",
                 "action": "OBSERVE", "bizStep": "inspecting", "readPoint": {"id": "urn:epc:id:sgln:4012345.00020.0"},
                 "epcList": ["urn:epc:id:sgtin:4012345.012345.7001"],
                 "sensorElementList": [{"sensorMetadata": {"time": "2026-05-04T07:00:00Z"},
                   "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}]}],
                 "persistentDisposition": {"set": ["completeness_verified"], "unset": ["needs_replacement"]},
                 "errorDeclaration": {"declarationTime": "2026-05-05T00:00:00Z", "reason": "incorrect_data",
                   "correctiveEventIDs": ["urn:uuid:1", "urn:uuid:2"]},
                 "acme:note": null}
                """))
        #expect(rejects.isEmpty, "\(rejects.map(\.error))")
        let extensions = try #require(records.first?.content.publicFields["extensions"])
        #expect(
            extensions["sensorElementList"]?["sensorElement"]?["sensorReport"] == [
                "@type": "Temperature", "@value": "4.5", "@uom": "CEL",
            ])
        #expect(extensions["persistentDisposition"] == ["set": "completeness_verified", "unset": "needs_replacement"])
        #expect(
            extensions["errorDeclaration"]?["correctiveEventIDs"] == [
                "correctiveEventID": ["urn:uuid:1", "urn:uuid:2"]
            ])
        #expect(extensions["{https://ns.acme.example/epcis/}note"] == .null)
    }

    /// Bad input is refused with the file, line and column, or the event's pointer and field.
    @Test func badDocumentsAreRefusedWithTheirPlace() throws {
        #expect {
            try Self.read("{\n  \"type\": \"EPCISDocument\",\n  \"epcisBody\": {\"eventList\": [1,]}\n}")
        } throws: { error in
            "\(error)".contains("not valid JSON") && "\(error)".contains(":3:")
        }
        #expect {
            try Self.read(
                #"{"@context": "https://example.com/other-context.jsonld", "type": "EPCISDocument", "epcisBody": {}}"#)
        } throws: { error in
            "\(error)".contains("unknown @context 'https://example.com/other-context.jsonld'")
        }
        #expect {
            try Self.read(#"{"type": "EPCISMasterDataDocument", "epcisBody": {"eventList": []}}"#)
        } throws: { error in
            "\(error)".contains("its type is 'EPCISMasterDataDocument'")
        }
        // Events are parsed in batches, after they are cut out of the stream: an event's syntax error is still
        // reported before a later one the stream meets first (here, the document's missing end).
        #expect {
            try Self.read(
                #"{"@context": [], "type": "EPCISDocument", "epcisBody": {"eventList": ["# + "\n"
                    + #"{"type" "ObjectEvent"},"# + "\n" + #"{"type": 1},"# + "\n")
        } throws: { error in
            "\(error)".contains("not valid JSON") && "\(error)".contains(":2:") && !"\(error)".contains("unterminated")
        }
        let (records, rejects) = try Self.read(
            Self.document(
                """
                {"type": "ObjectEvent", "action": "OBSERVE", "epcList": []},
                {"type": "ObjectEvent", "eventTime": "2026-05-04T07:30:00Z", "eventTimeZoneOffset": "+00:00",
                 "action": "OBSERVE", "other:field": "x"},
                "not an event"
                """))
        #expect(records.isEmpty)
        let messages = rejects.map { "\($0.error)" }
        #expect(messages.count == 3)
        #expect(messages[0].contains("/epcisBody/eventList/0") && messages[0].contains("eventTime"), "\(messages)")
        #expect(
            messages[1].contains("/epcisBody/eventList/1/other:field")
                && messages[1].contains("the prefix 'other', which no @context defines"), "\(messages)")
        #expect(messages[2].contains("an EPCIS event is a JSON object"), "\(messages)")
    }

    @Test func aFileThatStartsWithABraceIsEPCISJSON() throws {
        let path = try Self.file("\u{FEFF}  \n{\"type\": \"EPCISDocument\"}")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try InputFormat.detect(path: path) == .epcisJSON)
        #expect(try InputChoice(format: "epcis-json").source(for: path) is EPCISJSONDocument)
        // The byte-order mark is skipped when the document is read too.
        let (records, rejects) = try Self.read(
            "\u{FEFF}"
                + Self.document(
                    #"{"type": "ObjectEvent", "eventTime": "2026-05-04T07:30:00Z", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE"}"#
                ))
        #expect(records.count == 1 && rejects.isEmpty, "\(rejects.map(\.error))")
    }
}

/// GS1's JSON-LD examples (``EPCISCorpus``).
@Suite(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
struct EPCISJSONCorpusTests {
    /// Every example reads without rejects, but one: GS1's `AssociationEvent-h.jsonld` gives its event two
    /// `eventID` members with different values. RFC 8259 leaves such an object's meaning to the reader ("many
    /// implementations report the last name/value pair only"); a ledger does not guess which ID an event has, so the
    /// document is refused, naming the member and its line.
    @Test func everyGS1JSONExampleReadsWithoutRejects() throws {
        let examples = try EPCISCorpus.jsonExamples()
        #expect(examples.count >= 15)
        for path in examples {
            if path.hasSuffix("AssociationEvent-h.jsonld") {
                #expect {
                    try readAll(EPCISJSONDocument(path: path))
                } throws: { error in
                    "\(error)".contains(
                        "AssociationEvent-h.jsonld:15:5: not valid JSON: duplicate member name \"eventID\"")
                }
                continue
            }
            let (records, rejects) = try readAll(EPCISJSONDocument(path: path))
            #expect(rejects.isEmpty, "\(path): \(rejects.map(\.error))")
            #expect(!records.isEmpty, "\(path)")
        }
    }

    /// GS1's example 9.6.1 in both syntaxes: the same kinds, goods, places and times (the JSON gives its events IDs
    /// and bare CBV words where the XML has none and URNs).
    @Test func example961IsTheSameInBothSyntaxes() throws {
        let json = try readAll(
            EPCISJSONDocument(
                path: try EPCISCorpus.require().appendingPathComponent("JSON/Example_9.6.1-ObjectEvent.jsonld").path)
        ).records.map(\.content)
        let xml = try EPCISCorpusTests.records("Example_9.6.1-ObjectEvent-2020_06_18a.xml")
        func essentials(_ content: EventContent) -> [String?] {
            [
                content.kind.rawValue, content.product, content.lot, content.facility, content.occurredAt.utc,
                content.sensitiveFields["quantity"]?.stringValue, content.publicFields["unit"]?.stringValue,
                content.publicFields["shipment_id"]?.stringValue,
            ]
        }
        #expect(json.map(essentials) == xml.map(essentials))
    }
}
