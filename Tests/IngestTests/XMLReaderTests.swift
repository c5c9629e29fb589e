import Foundation
import Ingest
import LedgerCore
import Testing

/// Temporary files for XML tests, removed by the caller.
enum XMLFixture {
    static func file(_ text: String, suffix: String = ".xml") throws -> String {
        try file(Array(text.utf8), suffix: suffix)
    }

    static func file(_ bytes: [UInt8], suffix: String = ".xml") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prov-xml-\(UUID().uuidString)\(suffix)"
        ).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// All nodes of `text`.
    static func nodes(_ text: String, limits: XMLReaderLimits = .standard) throws -> [XMLNode] {
        let path = try file(text)
        defer { remove(path) }
        let reader = try XMLReader(path: path, limits: limits)
        var nodes = [XMLNode]()
        while let node = try reader.next() { nodes.append(node) }
        return nodes
    }

    /// The error reading `text` throws, as text ("" if none).
    static func failure(_ text: String, limits: XMLReaderLimits = .standard) -> String {
        do {
            _ = try nodes(text, limits: limits)
            return ""
        } catch {
            return (error as? LedgerError)?.description ?? "\(error)"
        }
    }
}

@Suite struct XMLReaderTests {
    @Test func nodesCarryNamesNamespacesAttributesDepthAndLines() throws {
        let nodes = try XMLFixture.nodes(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <r:root xmlns:r="urn:one" xmlns="urn:default" a="1">
              <child r:b="2" c="x &amp; y">text &lt;1&gt; <![CDATA[<raw>]]></child>
              <empty/>
            </r:root>
            """)
        #expect(
            nodes == [
                .start(
                    XMLName("root", namespace: "urn:one"), attributes: [XMLAttribute(name: XMLName("a"), value: "1")],
                    depth: 0, line: 3),
                .start(
                    XMLName("child", namespace: "urn:default"),
                    attributes: [
                        XMLAttribute(name: XMLName("b", namespace: "urn:one"), value: "2"),
                        XMLAttribute(name: XMLName("c"), value: "x & y"),
                    ],
                    depth: 1, line: 4),
                .text("text <1> <raw>", depth: 2, line: 4),
                .end(XMLName("child", namespace: "urn:default"), depth: 1, line: nodes[3].line),
                .start(XMLName("empty", namespace: "urn:default"), attributes: [], depth: 1, line: 5),
                .end(XMLName("empty", namespace: "urn:default"), depth: 1, line: 5),
                .end(XMLName("root", namespace: "urn:one"), depth: 0, line: nodes[6].line),
            ])
    }

    /// Node lines are exact, not the parser's look-ahead position.
    @Test func linesAreExactAcrossManyElements() throws {
        var text = "<root>\n"
        for index in 0..<3000 { text += "  <item n=\"\(index)\">\(index)</item>\n" }
        text += "</root>\n"
        let starts = try XMLFixture.nodes(text).compactMap { node -> (String, Int)? in
            guard case .start(_, let attributes, _, let line) = node, let n = attributes.first?.value else {
                return nil
            }
            return (n, line)
        }
        #expect(starts.count == 3000)
        #expect(starts.allSatisfy { Int($0.0).map { $0 + 2 } == $0.1 })
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let path = try XMLFixture.file([0xEF, 0xBB, 0xBF] + Array("<a>ü</a>".utf8))
        defer { XMLFixture.remove(path) }
        let reader = try XMLReader(path: path)
        var texts = [String]()
        while let node = try reader.next() { if case .text(let text, _, _) = node { texts.append(text) } }
        #expect(texts == ["ü"])
    }

    @Test func malformedXMLNamesTheLine() {
        let message = XMLFixture.failure("<a>\n<b>\n</a>\n")
        #expect(message.contains(".xml:3"), "\(message)")
        #expect(message.contains("malformed XML"), "\(message)")
        let unbound = XMLFixture.failure("<a>\n\n<x:b/></a>")
        #expect(unbound.contains(".xml:3") && unbound.contains("x"), "\(unbound)")
        #expect(XMLFixture.failure("").contains("no root element"))
        #expect(XMLFixture.failure("record_id,event\n").contains("not an XML document"))
    }

    @Test func billionLaughsIsRefusedBeforeParsing() {
        var entities = "<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        let message = XMLFixture.failure(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n\(entities)]>\n<lolz>&lol9;</lolz>\n")
        #expect(message.contains("entity declarations are not allowed"), "\(message)")
        #expect(message.contains(".xml:3"), "\(message)")
    }

    @Test func externalEntitiesAreRefusedWithoutReadingThem() {
        let message = XMLFixture.failure(
            """
            <?xml version="1.0"?>
            <!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <r>&xxe;</r>
            """)
        #expect(message.contains("entity declarations are not allowed"), "\(message)")
        #expect(!message.contains("root:"))
        // Tricks that would end a naive scan early: a `]>` and a `<x` inside a comment and a literal.
        let hidden = XMLFixture.failure(
            """
            <!DOCTYPE r [ <!-- ]> <x --> <!ATTLIST r a CDATA "]><y"> <!ENTITY e "boom"> ]>
            <r>&e;</r>
            """)
        #expect(hidden.contains("entity declarations are not allowed"), "\(hidden)")
    }

    @Test func undeclaredEntityReferencesAreRefused() {
        let plain = XMLFixture.failure("<r>\n&nope;</r>")
        #expect(plain.contains(".xml:2") && plain.contains("nope"), "\(plain)")
        // An external DTD is never loaded, so the entity stays undeclared and is refused.
        let external = XMLFixture.failure("<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n<r>\n&nope;</r>")
        #expect(external.contains(".xml:3") && external.contains("nope"), "\(external)")
        #expect(!external.contains("root:"))
        // A DOCTYPE without entities is harmless and accepted.
        #expect(XMLFixture.failure("<!DOCTYPE r [ <!ELEMENT r (#PCDATA)> ]><r>&amp;&#65;</r>") == "")
    }

    @Test func nonUTF8EncodingsAreRefused() throws {
        let path = try XMLFixture.file(
            [0xFF, 0xFE] + Array("<a/>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        defer { XMLFixture.remove(path) }
        #expect { try XMLReader(path: path).next() } throws: { error in
            (error as? LedgerError)?.reason.contains("UTF-8") == true
        }
    }

    @Test func limitsAreEnforced() {
        let deep = String(repeating: "<a>", count: 70) + String(repeating: "</a>", count: 70)
        let depth = XMLFixture.failure(deep)
        #expect(depth.contains("deeper than 64 levels"), "\(depth)")
        #expect(XMLFixture.failure(deep, limits: XMLReaderLimits(maximumDepth: 80)) == "")
        let many = "<r>" + String(repeating: "<i/>", count: 50) + "</r>"
        #expect(XMLFixture.failure(many, limits: XMLReaderLimits(maximumNodes: 20)).contains("more than 20 nodes"))
        let long = "<r>" + String(repeating: "x", count: 5000) + "</r>"
        #expect(
            XMLFixture.failure(long, limits: XMLReaderLimits(maximumTextLength: 1000)).contains(
                "longer than 1000 bytes"))
        // Text far beyond the limit is refused while libxml2 is still reading it, not after.
        let huge = "<r>\n" + String(repeating: "x", count: 3 << 20) + "</r>"
        let budget = XMLFixture.failure(huge, limits: XMLReaderLimits(maximumTextLength: 1000))
        #expect(budget.contains("a single node takes more than") && budget.contains(".xml:2"), "\(budget)")
        let attribute = "<r a=\"" + String(repeating: "x", count: 5000) + "\"/>"
        #expect(
            XMLFixture.failure(attribute, limits: XMLReaderLimits(maximumTextLength: 1000)).contains(
                "longer than 1000 bytes"))
    }

    @Test func missingFileIsAnIOError() {
        #expect { try XMLReader(path: "/nonexistent/file.xml") } throws: { error in
            (error as? LedgerError)?.code == .io
        }
    }

    @Test func treeAndJSONConversion() throws {
        let path = try XMLFixture.file(
            """
            <r xmlns:x="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <e x:k="v"><x:a>1</x:a><x:a>2</x:a><b/><q xsi:nil="true"/>text</e>
            </r>
            """)
        defer { XMLFixture.remove(path) }
        let reader = try XMLReader(path: path)
        _ = try reader.next()
        guard case .start(let name, let attributes, let depth, let line)? = try reader.next(),
            case .element(let tree) = try XMLTree.read(
                name, attributes: attributes, depth: depth, line: line, from: reader)
        else {
            Issue.record("expected the element e")
            return
        }
        #expect(tree.line == 2)
        #expect(tree.json == ["@{urn:x}k": "v", "{urn:x}a": ["1", "2"], "b": "", "q": .null, "#text": "text"])
        #expect(try reader.next() == .end(XMLName("r"), depth: 0, line: 3))
    }

    @Test func oversizedRecordsAreSkippedWhole() throws {
        let path = try XMLFixture.file("<r><e>" + String(repeating: "<i>1</i>", count: 100) + "</e><f/></r>")
        defer { XMLFixture.remove(path) }
        let reader = try XMLReader(path: path)
        _ = try reader.next()
        guard case .start(let name, let attributes, let depth, let line)? = try reader.next() else { return }
        let result = try XMLTree.read(
            name, attributes: attributes, depth: depth, line: line, from: reader, maximumNodes: 50)
        guard case .tooLarge = result else {
            Issue.record("expected tooLarge")
            return
        }
        guard case .start(let next, _, _, _)? = try reader.next() else { return }
        #expect(next == XMLName("f"))
    }
}

@Suite struct XMLSchemaValidatorTests {
    static let schema = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
          <xs:element name="list">
            <xs:complexType><xs:sequence>
              <xs:element name="item" maxOccurs="unbounded">
                <xs:complexType><xs:sequence><xs:element name="n" type="xs:decimal"/></xs:sequence></xs:complexType>
              </xs:element>
            </xs:sequence></xs:complexType>
          </xs:element>
        </xs:schema>
        """

    @Test func collectsEveryViolationWithLineAndElement() throws {
        let validator = try XMLSchemaValidator(xsd: Self.schema, name: "t.xsd")
        let path = try XMLFixture.file(
            """
            <list xmlns="urn:t">
              <item><n>1</n></item>
              <item><n>x</n></item>
              <item><m>2</m></item>
            </list>
            """)
        defer { XMLFixture.remove(path) }
        let (violations, total) = try validator.violations(in: path)
        #expect(total == 2)
        #expect(violations.map(\.line) == [3, 4])
        #expect(violations.map(\.element) == ["n", "m"])
        #expect { try validator.validate(path) } throws: { error in
            let text = (error as? LedgerError)?.description ?? ""
            return text.contains(".xml:3") && text.contains("2 violations") && text.contains("line 4, element m")
        }
    }

    @Test func validDocumentPasses() throws {
        let validator = try XMLSchemaValidator(xsd: Self.schema, name: "t.xsd")
        let path = try XMLFixture.file("<list xmlns=\"urn:t\"><item><n>1.5</n></item></list>")
        defer { XMLFixture.remove(path) }
        try validator.validate(path)
    }

    @Test func brokenSchemasAndMissingFilesAreReported() throws {
        #expect {
            try XMLSchemaValidator(
                xsd: "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element/></xs:schema>",
                name: "bad.xsd")
        } throws: { error in
            (error as? LedgerError)?.reason.contains("bad.xsd is not a usable XML Schema") == true
        }
        #expect { try XMLSchemaValidator(xsdPath: "/nonexistent.xsd") } throws: { error in
            (error as? LedgerError)?.code == .io
        }
    }

    @Test func schemaImportsNeverUseTheNetwork() throws {
        let schema = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">
              <xs:import namespace="urn:remote" schemaLocation="http://127.0.0.1:9/remote.xsd"/>
              <xs:element name="a" type="xs:string"/>
            </xs:schema>
            """
        // The import cannot be loaded (network disabled): libxml2 skips it with a warning, the rest compiles.
        let validator = try XMLSchemaValidator(xsd: schema, name: "net.xsd")
        let path = try XMLFixture.file("<a xmlns=\"urn:t\">x</a>")
        defer { XMLFixture.remove(path) }
        try validator.validate(path)
    }
}
