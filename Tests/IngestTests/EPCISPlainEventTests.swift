import Foundation
@testable import Ingest
import LedgerCore
import TestSupport
import Testing

/// Plain JSON-LD events (``EPCISPlainEvent``), read without the element tree of their XML form, hash and map exactly
/// as their trees do.
@Suite struct EPCISPlainEventTests {
    /// The event objects of a JSON-LD document's event list.
    static func eventObjects(_ bytes: [UInt8]) throws -> [[String: JSONValue]] {
        guard case .object(let document) = try JSONParser.parse(bytes), case .object(let body)? = document["epcisBody"]
        else { return [] }
        let list: JSONValue? =
            if case .object(let results)? = body["queryResults"],
                case .object(let resultsBody)? = results["resultsBody"]
            {
                resultsBody["eventList"]
            } else {
                body["eventList"]
            }
        return (list?.arrayValue ?? []).compactMap { event in
            if case .object(let object) = event { object } else { nil }
        }
    }

    /// Compares the plain path with the tree's on every event of `objects`; returns how many were plain, and how many
    /// of those were mapped without their tree.
    static func compare(_ objects: [[String: JSONValue]], source: String) throws -> (plain: Int, mapped: Int) {
        var plain = 0
        var mapped = 0
        for (index, object) in objects.enumerated() {
            guard let event = EPCISPlainEvent(json: object) else { continue }
            plain += 1
            let tree = try EPCISJSONEvent.tree(
                object, namespaces: EPCISJSONEvent.Namespaces(), pointer: "/\(index)", line: 1)
            let hash = EPCISEventHash.hash(of: tree)
            #expect(EPCISEventHash.hash(ofPlain: event) == hash, "\(source) event \(index)")
            #expect(
                String(decoding: EPCISEventHash.plainPreHashBytes(of: event), as: UTF8.self)
                    == EPCISEventHash.preHash(of: tree), "\(source) event \(index)")
            let expected = try? EPCISMapping.contents(of: EPCISEvent(tree), file: source, hash: hash)
            guard let contents = EPCISMapping.contents(ofPlain: event, hash: hash) else {
                // Left to the tree: an observation, or a reject.
                #expect(expected?.allSatisfy { $0.kind == .observe } ?? true, "\(source) event \(index)")
                continue
            }
            mapped += 1
            #expect(contents == expected, "\(source) event \(index)")
        }
        return (plain, mapped)
    }

    @Test func plainEventsHashAndMapAsTheirTreesDo() throws {
        let (plain, mapped) = try Self.compare(
            try Self.eventObjects(Array(Self.variants.utf8)), source: "variants")
        #expect(plain == 14)
        #expect(mapped == 8)
    }

    @Test func gs1ExamplesThatArePlainHashAndMapAsTheirTreesDo() throws {
        var plain = 0
        for path in try EPCISEventHashReferenceTests.examples() where path.hasSuffix(".jsonld") {
            guard let data = FileManager.default.contents(atPath: path),
                let objects = try? Self.eventObjects(Array(data))
            else { continue }
            plain += try Self.compare(objects, source: path).plain
        }
        #expect(plain >= 2)
    }

    /// The reader of an event's bytes gives what the parser and ``EPCISPlainEvent/init(json:)`` give, on every
    /// event written in the simplest JSON, whatever its spacing, and nothing for what it leaves to the parser.
    @Test func theBytesReaderReadsWhatTheParserReads() throws {
        for text in Self.variantEvents + Self.generalEvents {
            let parsed = try JSONParser.parse(Array(text.utf8))
            let object = try #require(parsed.objectValue, "\(text)")
            let fromBytes = EPCISPlainEvent(bytes: Array(text.utf8))
            #expect(fromBytes == EPCISPlainEvent(json: object), "\(text)")
            // Spacing is no part of the event.
            let spaced = Self.spaced(text)
            #expect(spaced != text)
            #expect(EPCISPlainEvent(bytes: Array(spaced.utf8)) == fromBytes, "\(spaced)")
        }
        #expect(Self.variantEvents.allSatisfy { EPCISPlainEvent(bytes: Array($0.utf8)) != nil })
        let compact =
            #"{"type":"ObjectEvent","eventTime":"2026-03-01T10:00:00Z","bizStep":"commissioning","quantityList":[{"epcClass":"C","quantity":-0.5e+3}]}"#
        let spaced =
            " {\n \"type\" : \"ObjectEvent\" ,\t\"eventTime\":\"2026-03-01T10:00:00Z\", \"bizStep\" : \"commissioning\" , \"quantityList\" : [ { \"epcClass\" : \"C\" , \"quantity\" : -0.5e+3 } ] } \n"
        let expected = try #require(EPCISPlainEvent(bytes: Array(compact.utf8)))
        #expect(expected.quantityList == [EPCISQuantity(epcClass: "C", quantity: "-0.5e+3")])
        #expect(EPCISPlainEvent(bytes: Array(spaced.utf8)) == expected)
    }

    /// `json` with whitespace around every structural character outside its strings.
    static func spaced(_ json: String) -> String {
        var result = ""
        var inString = false
        var escaped = false
        for character in json {
            if inString {
                result.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                continue
            }
            switch character {
            case "\"":
                inString = true
                result.append(character)
            case "{", "[", ",", ":", "}", "]":
                result += " \n\t" + String(character) + "\r\n "
            default:
                result.append(character)
            }
        }
        return result
    }

    /// What the bytes reader leaves to the parser: escapes and other characters the parser decodes, and JSON it
    /// refuses.
    @Test(arguments: [
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "eventID": "E\u0031"}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "eventID": "É-1"}"#,
        "{\"type\": \"ObjectEvent\", \"eventTime\": \"2026-03-01T10:00:00Z\", \"eventID\": \"E\t1\"}",
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "eventID": "A", "eventID": "B"}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": 01}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": 1.}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": -}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": 1e}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": .5}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": +1}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "epcClass": "D"}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "uom": "KGM", "uom": "KGM"}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "quantityList": [{"epcClass": "C", "quantity": 1, "quantity": "2"}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "bizLocation": {"id": "A", "id": "B"}}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "sourceList": [{"type": "a", "type": "b", "source": "c"}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "sourceList": [{"type": "a", "source": "b", "source": "c"}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "epcList": ["a",]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z",}"#,
        #"{"type": "ObjectEvent" "eventTime": "2026-03-01T10:00:00Z"}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z"} x"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z""#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "readPoint": {}}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "sourceList": [{"type": "location"}]}"#,
        #"{"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "sourceList": [{"type": "a", "source": "b", "x": "c"}]}"#,
        "{}",
    ])
    func theBytesReaderLeavesTheRestToTheParser(text: String) {
        #expect(EPCISPlainEvent(bytes: Array(text.utf8)) == nil)
    }

    @Test func otherFormsAreNotPlain() throws {
        let objects = try Self.eventObjects(Array(Self.general.utf8))
        #expect(objects.count == 9)
        for (index, object) in objects.enumerated() {
            #expect(EPCISPlainEvent(json: object) == nil, "event \(index)")
        }
    }

    /// A JSON-LD document of `events` after `header`, which opens its event list.
    static func document(_ events: [String], header: String) -> String {
        header + "\n" + events.joined(separator: ",\n") + "\n]}}\n"
    }

    /// Supply-chain events in their plain variants, and plain events that map onto no supply-chain kind.
    static let variantEvents = [
        #"""
        {"type": "ObjectEvent", "eventID": "P-1", "eventTime": "2026-03-01T10:00:00Z", "eventTimeZoneOffset": "+00:00",
        "action": "ADD", "bizStep": "commissioning", "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 120.50, "uom": "KGM"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00.1234+02:00", "action": "ADD",
        "bizStep": "urn:epcglobal:cbv:bizstep:commissioning", "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
        "epcList": ["urn:epc:id:sgtin:4012345.011111.9876", "urn:epc:id:sgtin:4012345.011111.1",
        "urn:epc:id:sgtin:4012345.022222.7", "urn:epc:id:sscc:4012345.0000000333"],
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.011111.L1", "quantity": "3"},
        {"epcClass": "https://id.gs1.org/01/04012345111118/10/L2"}, {"epcClass": "LOCAL-CLASS", "quantity": 2}],
        "certificationInfo": "https://cert.example.com/C-1", "recordTime": "2026-03-01T11:00:00Z"}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "S-1", "eventTime": "2026-03-02T00:00:00", "eventTimeZoneOffset": "-05:00",
        "action": "OBSERVE", "bizStep": "https://ref.gs1.org/cbv/BizStep-shipping", "disposition": "in_transit",
        "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 1e2, "uom": "KGM"}],
        "bizTransactionList": [{"type": "po", "bizTransaction": "PO-1"}, {"type": "bol", "bizTransaction": "BOL-1"}],
        "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:4012345.00001"},
        {"type": "location", "destination": "MILL-1"}, {"type": "location", "destination": "MILL-2"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "S-2", "eventTime": "2026-03-02T00:00:00Z", "action": "OBSERVE",
        "bizStep": "shipping", "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5, "uom": "KGM"}],
        "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:4012345.00001"}],
        "sourceList": [{"type": "location", "source": "FARM-1"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "S-3", "eventTime": "2026-03-02T00:00:00Z", "action": "OBSERVE",
        "bizStep": "shipping", "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5, "uom": "KGM"}],
        "destinationList": [{"type": "location", "destination": "MILL-1"}, {"type": "location", "destination": "MILL-1"}],
        "bizTransactionList": [{"type": "urn:epcglobal:cbv:btt:desadv", "bizTransaction": "D-1"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "R-1", "eventTime": "2026-03-03T00:00:00Z", "action": "OBSERVE",
        "bizStep": "receiving", "bizLocation": {"id": "MILL-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5, "uom": "KGM"}],
        "sourceList": [{"type": "possessing_party", "source": "urn:epc:id:pgln:4012345.00002"}],
        "bizTransactionList": [{"type": "desadv", "bizTransaction": "D-1"}, {"type": "po", "bizTransaction": "PO-1"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "R-2", "eventTime": "2026-03-03T00:00:00Z", "action": "OBSERVE",
        "bizStep": "receiving", "readPoint": {"id": "MILL-1-DOCK"}, "bizLocation": {"id": "MILL-1"},
        "epcList": ["urn:epc:id:sgtin:4000001.000005.1", "urn:epc:id:sgtin:4000001.000005.2"]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "R-3", "eventTime": "2026-03-03T00:00:00Z", "action": "OBSERVE",
        "bizStep": "receiving", "bizLocation": {"id": "MILL-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5, "uom": "KGM"}],
        "sourceList": [{"type": "location", "source": "FARM-1"}, {"type": "owning_party", "source": "P-1"}],
        "destinationList": [{"type": "location", "destination": "MILL-1"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "R-4", "eventTime": "2026-03-03T00:00:00Z", "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE", "bizStep": "receiving", "bizLocation": {"id": "MILL-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5},
        {"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-2", "quantity": 0.25, "uom": "TNE"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "P-2", "eventTime": "2026-03-01T10:00:00Z", "action": "ADD",
        "bizStep": "commissioning", "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 7, "uom": "KGM"},
        {"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 8, "uom": "KGM"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "P-3", "eventTime": "2026-03-01T10:00:00Z", "action": "ADD",
        "bizStep": "commissioning", "epcList": ["urn:epc:id:sgtin:4000001.000005.9"], "quantityList": []}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "O-1", "eventTime": "2026-03-01T10:00:00Z", "action": "OBSERVE",
        "bizStep": "storing", "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5, "uom": "KGM"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "S-4", "eventTime": "2026-03-02T00:00:00Z", "action": "OBSERVE",
        "bizStep": "shipping", "bizLocation": {"id": "FARM-1"},
        "quantityList": [{"epcClass": "urn:epc:class:lgtin:4000001.000005.LOT-1", "quantity": 5, "uom": "KGM"}]}
        """#,
        #"""
        {"type": "ObjectEvent", "eventID": "P-4", "eventTime": "2026-03-01T10:00:00Z", "action": "ADD",
        "bizStep": "commissioning", "bizLocation": {"id": "FARM-1"}}
        """#,
    ]

    static let variants = document(
        variantEvents,
        header: #"""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"], "type": "EPCISDocument",
            "schemaVersion": "2.0", "creationDate": "2026-03-01T00:00:00Z", "epcisBody": {"eventList": [
            """#)

    /// Events that are not plain: each is read through its tree.
    static let generalEvents = [
        #"""
        {"type": "AggregationEvent", "eventTime": "2026-03-01T10:00:00Z", "action": "ADD"}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "action": "ADD", "ex:field": "x"}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": " 2026-03-01T10:00:00Z", "action": "ADD"}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "action": ""}
        """#,
        #"""
        {"type": "ObjectEvent", "action": "ADD"}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "bizLocation": {"id": "F", "ex:x": "y"}}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "sourceList": []}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "ilmd": {"cbvmda:lotNumber": "L"}}
        """#,
        #"""
        {"type": "ObjectEvent", "eventTime": "2026-03-01T10:00:00Z", "eventID": 7}
        """#,
    ]

    static let general = document(
        generalEvents,
        header: #"""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"ex": "https://ex.com/"}],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-01T00:00:00Z",
            "epcisBody": {"eventList": [
            """#)
}
