import Foundation
@testable import Ingest
import LedgerCore
import TestSupport
import Testing

/// EPCIS export (``EPCISExport``, ``EPCISJSONLDWriter``): events read from a document, written back as EPCIS 2.0
/// JSON-LD and read again give the same ledger contents, and the document is valid against GS1's JSON schema.
@Suite struct EPCISExportTests {
    static let creationDate = Timestamp(epochSeconds: 1_830_297_600)

    /// The contents of the EPCIS document at `path`, XML or JSON-LD.
    static func contents(_ path: String) throws -> [EventContent] {
        let source: any RecordSource =
            try InputFormat.detect(path: path) == .epcisJSON ? EPCISJSONDocument(path: path) : EPCISDocument(path: path)
        return try readAll(source).records.map(\.content)
    }

    /// `contents` exported as a JSON-LD document (or, with `xml`, an XML one), written to a new file whose path is
    /// returned.
    static func exported(_ contents: [EventContent], xml: Bool = false) throws -> String {
        let events = contents.enumerated().map { index, content in
            EPCISExport.Event(content: content, ledgerID: String(repeating: "0", count: 63) + String(index % 10))
        }
        let trees = EPCISExport.events(events)
        let text =
            xml
            ? EPCISXMLWriter.document(trees, creationDate: creationDate)
            : EPCISJSONLDWriter.document(trees, creationDate: creationDate).prettyPrinted()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prov-export-\(UUID().uuidString).\(xml ? "xml" : "jsonld")"
        ).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Where a round trip through JSON-LD cannot give back the same contents, and why (docs/epcis.md).
    static let differences: [String: (reason: String, sameHash: Bool)] = [
        "EPCIS/object-events.xml": attributes, "EPCIS/transformation-events.xml": attributes,
        "WithExtension/TransformationEvent.xml": attributes, "EPCIS/error-declarations.xml": unknownQuantity,
        "WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml": unknownQuantity,
    ]
    static let attributes = (
        reason:
            "XML attributes of extension elements: JSON-LD has none, so they come back as child elements (the event hash, which counts attributes as children, is the same)",
        sameHash: true
    )
    static let unknownQuantity = (
        reason:
            "a quantity written as xsi:nil in XML, which JSON can only leave out: the ledger's fields are the same, the kept input list and the event hash are not",
        sameHash: false
    )

    static func documents() throws -> [String] {
        var paths = [
            TestPaths.epcisFixture("object-events.xml"), TestPaths.epcisFixture("transformation-events.xml"),
            TestPaths.epcisFixture("aggregation-events.xml"), TestPaths.epcisFixture("association-events.xml"),
            TestPaths.epcisFixture("transaction-events.xml"), TestPaths.epcisFixture("error-declarations.xml"),
            TestPaths.epcisFixture("epcis-1_2.xml"),
            TestPaths.sampleData.appendingPathComponent("demo/factory-de-dispatch.epcis.jsonld").path,
        ]
        if EPCISCorpus.directory != nil { paths += try EPCISEventHashReferenceTests.examples() }
        return paths.filter { !$0.hasSuffix("AssociationEvent-h.jsonld") }
    }

    /// `fields` with every CBV term in JSON-LD's bare form (`urn:epcglobal:cbv:bizstep:shipping` → `shipping`),
    /// which is how an export writes them: the same terms, and the same event hash.
    static func bareTerms(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        func bare(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text):
                for (urn, web) in [
                    ("bizstep", "BizStep"), ("disp", "Disp"), ("btt", "BTT"), ("sdt", "SDT"), ("er", "ER"),
                ] where text.contains(":") {
                    if let term = CBV.term(text, urn: urn, web: web) { return .string(term) }
                }
                return value
            case .array(let items): return .array(items.map(bare))
            case .object(let members): return .object(members.mapValues(bare))
            default: return value
            }
        }
        return fields.mapValues(bare)
    }

    /// Where a round trip through XML cannot give back the same contents, and why (docs/epcis.md).
    static let xmlDifferences: [String: (reason: String, sameHash: Bool)] = [:]

    @Test(arguments: [false, true]) func everyDocumentComesBackTheSame(throughXML xml: Bool) throws {
        var compared = 0
        for path in try Self.documents() {
            let name = path.components(separatedBy: "/").suffix(2).joined(separator: "/")
            let original = try Self.contents(path)
            let file = try Self.exported(original, xml: xml)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let again: [EventContent]
            do {
                again = try Self.contents(file)
            } catch {
                Issue.record("\(name): the export does not read back: \(error)")
                continue
            }
            if let (reason, sameHash) = (xml ? Self.xmlDifferences : Self.differences)[name] {
                #expect(again.map(\.publicFields) != original.map(\.publicFields), "\(name) comes back now (\(reason))")
                #expect(
                    (again.map { $0.publicFields["event_hash"] } == original.map { $0.publicFields["event_hash"] })
                        == sameHash, "\(name)")
                continue
            }
            #expect(again.count == original.count, "\(name)")
            for (leftContent, right) in zip(original, again) {
                let fields = leftContent.publicFields.merging(leftContent.sensitiveFields) { visible, _ in visible }
                let left = try EventContent(
                    kind: leftContent.kind, recordID: leftContent.recordID, occurredAt: leftContent.occurredAt,
                    fields: xml ? fields : Self.bareTerms(fields))
                let differing = Set(left.publicFields.keys).union(right.publicFields.keys).filter {
                    left.publicFields[$0] != right.publicFields[$0]
                }.sorted()
                let extensionKeys = Set(left.publicFields["extensions"]?.objectValue?.keys ?? [:].keys).union(
                    right.publicFields["extensions"]?.objectValue?.keys ?? [:].keys
                ).filter { left.publicFields["extensions"]?[$0] != right.publicFields["extensions"]?[$0] }.sorted()
                #expect(left.recordID == right.recordID, "\(name): record ID")
                #expect(left.kind == right.kind, "\(name) \(left.recordID)")
                #expect(left.occurredAt == right.occurredAt, "\(name) \(left.recordID)")
                #expect(
                    differing.isEmpty,
                    "\(name): \(differing) extensions \(extensionKeys.map { "\($0): \(String(describing: left.publicFields["extensions"]?[$0])) → \(String(describing: right.publicFields["extensions"]?[$0]))" })"
                )
                #expect(left.sensitiveFields == right.sensitiveFields, "\(name) \(left.recordID)")
            }
            compared += original.count
        }
        #expect(compared > 20)
    }

    /// A shipping event's due-diligence statement, in the `urn:provenance:eudr` extension, becomes the ship event's
    /// `dds_reference` and `dds_verification`, and an export writes it back where it came from.
    @Test(arguments: [false, true]) func theDueDiligenceStatementComesAndGoesAsAnExtension(throughXML xml: Bool) throws
    {
        let document = EPCISJSONTests.document(
            """
            {"type": "ObjectEvent", "eventTime": "2026-05-04T09:00:00Z", "eventTimeZoneOffset": "+00:00",
             "action": "OBSERVE", "bizStep": "shipping", "bizLocation": {"id": "FARM-GH-01"},
             "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.011111.LOT-1", "quantity": 900, "uom": "KGM"}],
             "destinationList": [{"type": "location", "destination": "MILL-NL-01"}],
             "bizTransactionList": [{"type": "desadv", "bizTransaction": "SHP-1"}],
             "eudr:ddsReference": "26GHAB12345678", "eudr:ddsVerification": "KX7PQ2RM"}
            """, context: #""eudr": "urn:provenance:eudr:""#)
        let path = try EPCISJSONTests.file(document)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = try #require(try Self.contents(path).first)
        #expect(original.kind == .ship)
        #expect(original.publicFields["dds_reference"] == "26GHAB12345678")
        #expect(original.publicFields["dds_verification"] == "KX7PQ2RM")
        #expect(original.publicFields["extensions"]?.objectValue?.keys.contains { $0.contains("eudr") } == false)
        let file = try Self.exported([original], xml: xml)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let again = try #require(try Self.contents(file).first)
        #expect(again.publicFields["dds_reference"] == "26GHAB12345678")
        #expect(again.publicFields["dds_verification"] == "KX7PQ2RM")
        #expect(again.publicFields["event_hash"] == original.publicFields["event_hash"])
    }

    /// Every exported document is valid against GS1's EPCIS 2.0 JSON schema, checked with Python's `jsonschema`.
    @Test(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
    func everyExportIsValidAgainstGS1sJSONSchema() throws {
        var files = [String]()
        defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
        for path in try Self.documents() { files.append(try Self.exported(try Self.contents(path))) }
        let (status, text) = try EPCISCorpus.validateJSON(files)
        #expect(status == 0, "\(text)")
        #expect(text.contains("checked \(files.count) invalid 0"), "\(text)")
    }

    /// Every XML export is valid against GS1's EPCIS 2.0 schema, checked by libxml2 as `prov ingest --xsd` checks a
    /// document.
    @Test(.enabled(if: EPCISCorpus.shouldRun, Comment(rawValue: EPCISCorpus.absence)))
    func everyXMLExportIsValidAgainstGS1sSchema() throws {
        let schema = try EPCISCorpus.schema()
        for path in try Self.documents() {
            let file = try Self.exported(try Self.contents(path), xml: true)
            defer { try? FileManager.default.removeItem(atPath: file) }
            do {
                _ = try readAll(EPCISDocument(path: file, xsd: schema))
            } catch {
                Issue.record("\(path): \(error)")
            }
        }
    }

    /// The query index reads an exported event's terms from its element tree: the same terms its JSON-LD form
    /// gives, for every example.
    @Test func anEventsTermsAreTheSameFromItsTreeAndItsJSONLD() throws {
        var compared = 0
        for path in try Self.documents() {
            let events = try Self.contents(path).enumerated().map { index, content in
                EPCISExport.Event(content: content, ledgerID: String(repeating: "0", count: 63) + String(index % 10))
            }
            for tree in EPCISExport.events(events) {
                var writer = EPCISJSONLDWriter()
                let fromJSON = Set(EPCISQuery.terms(of: writer.event(tree)).map { "\($0.name)=\($0.value)" })
                let fromTree = Set(EPCISQuery.terms(ofExported: tree).map { "\($0.name)=\($0.value)" })
                #expect(fromTree == fromJSON, "\(path): \(fromTree.symmetricDifference(fromJSON))")
                compared += 1
            }
        }
        #expect(compared > 50)
    }
}
