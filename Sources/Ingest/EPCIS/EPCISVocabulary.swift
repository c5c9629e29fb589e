internal import Foundation
public import LedgerCore

/// One element of EPCIS master data: an entry of a vocabulary (a location, a trade item class) with its attributes, as
/// an `EPCISMasterDataDocument`, the master data of an `EPCISHeader` (XML) or `epcisHeader.epcisMasterData` (JSON)
/// give it.
public struct EPCISVocabularyElement: Sendable, Equatable {
    /// One attribute: its ID (`urn:epcglobal:cbv:mda#name`) and value. A value with structure (an XML attribute with
    /// child elements, a JSON object) is kept as JSON, as ``XMLTree/json`` writes XML.
    public struct Attribute: Sendable, Equatable {
        public let id: String
        public let value: JSONValue

        public init(id: String, value: JSONValue) {
            self.id = id
            self.value = value
        }
    }

    /// The vocabulary's type (`urn:epcglobal:epcis:vtype:BusinessLocation`).
    public let vocabulary: String
    public let id: String
    public let attributes: [Attribute]
    /// The IDs the element lists as its `children` (for a location, its sub-locations).
    public let children: [String]
    /// Where the element is: the line it starts on, and its element name or JSON pointer.
    public let line: Int
    public let place: String

    public init(
        vocabulary: String, id: String, attributes: [Attribute], children: [String] = [], line: Int, place: String
    ) {
        self.vocabulary = vocabulary
        self.id = id
        self.attributes = attributes
        self.children = children
        self.line = line
        self.place = place
    }
}

/// Reads the master data of an EPCIS document, XML or JSON: every ``EPCISVocabularyElement`` it holds, in document
/// order. Events are not read (an `EPCISDocument`'s body is skipped as soon as the header is read).
public enum EPCISVocabularyReader {
    /// The namespaces of an `EPCISMasterDataDocument`, by version.
    public static let masterDataNamespaces = [
        "urn:epcglobal:epcis-masterdata:xsd:1", "urn:epcglobal:epcis-masterdata:xsd:2",
    ]
    /// The most nodes one vocabulary element may hold.
    static let maximumNodesPerElement = 100_000

    /// Whether the file at `path` is an EPCIS document (XML or JSON) rather than a CSV: its first character is `<` or
    /// `{`.
    public static func isDocument(path: String) throws(LedgerError) -> Bool {
        try InputFormat.Syntax(path: path) != .csv
    }

    /// The vocabulary elements of the EPCIS document at `path`.
    ///
    /// - Throws: ``LedgerError`` `io` if the file cannot be read; `invalidRecord` for a document that is not
    ///   well-formed XML or JSON, is not an EPCIS document, or has an element without an ID (with its line and place).
    public static func elements(path: String) throws(LedgerError) -> [EPCISVocabularyElement] {
        switch try InputFormat.Syntax(path: path) {
        case .json: return try JSONMasterData(path: path).elements()
        case .xml, .csv: return try xmlElements(path: path)
        }
    }

    // MARK: XML

    private static func xmlElements(path: String) throws(LedgerError) -> [EPCISVocabularyElement] {
        let reader = try XMLReader(path: path)
        guard case .start(let root, _, _, let line)? = try reader.next() else {
            throw LedgerError(.invalidRecord, "the document has no root element", context: ["\(path):1"])
        }
        let isMasterData =
            root.localName == "EPCISMasterDataDocument" && masterDataNamespaces.contains(root.namespaceURI)
        let isEvents =
            ["EPCISDocument", "EPCISQueryDocument"].contains(root.localName)
            && EPCISDocument.namespaces.contains(root.namespaceURI)
        guard isMasterData || isEvents else {
            throw LedgerError(
                .invalidRecord,
                "not EPCIS master data: the root element is \(root.clark), expected EPCISMasterDataDocument in namespace urn:epcglobal:epcis-masterdata:xsd:2 (or :1), or an EPCISDocument with master data in its header",
                context: ["\(path):\(line)"])
        }
        var elements = [EPCISVocabularyElement]()
        var open = [root]
        var vocabularyTypes = [String?]()
        while let node = try reader.next() {
            switch node {
            case .start(let name, let attributes, let depth, let line):
                // An event document's master data is in its header: its body holds only events.
                if isEvents, name.localName == "EPCISBody", open.count == 1 { return elements }
                if name == XMLName("VocabularyElement"), open.last == XMLName("VocabularyElementList") {
                    let result = try XMLTree.read(
                        name, attributes: attributes, depth: depth, line: line, from: reader,
                        maximumNodes: maximumNodesPerElement)
                    guard case .element(let tree) = result else {
                        throw LedgerError(
                            .invalidRecord,
                            "the vocabulary element holds more than \(maximumNodesPerElement) nodes",
                            context: ["\(path):\(line)", "element VocabularyElement"])
                    }
                    elements.append(try element(tree, vocabulary: vocabularyTypes.last ?? nil, path: path))
                    continue
                }
                if name == XMLName("Vocabulary") {
                    vocabularyTypes.append(attributes.first { $0.name == XMLName("type") }?.value)
                }
                open.append(name)
            case .end(let name, _, _):
                if name == XMLName("Vocabulary") { vocabularyTypes.removeLast() }
                open.removeLast()
            case .text:
                continue
            }
        }
        return elements
    }

    private static func element(_ tree: XMLTree, vocabulary: String?, path: String) throws(LedgerError)
        -> EPCISVocabularyElement
    {
        let place = ["\(path):\(tree.line)", "element VocabularyElement"]
        guard let vocabulary, !vocabulary.isEmpty else {
            throw LedgerError(.invalidRecord, "the vocabulary has no type attribute", context: place)
        }
        guard let id = tree.attribute("id").map(XMLTree.trimmed), !id.isEmpty else {
            throw LedgerError(.invalidRecord, "the vocabulary element has no id attribute", context: place)
        }
        var attributes = [EPCISVocabularyElement.Attribute]()
        for attribute in tree.children("attribute") {
            guard let attributeID = attribute.attribute("id").map(XMLTree.trimmed), !attributeID.isEmpty else {
                throw LedgerError(
                    .invalidRecord, "an attribute of '\(id)' has no id", context: ["\(path):\(attribute.line)"])
            }
            // The value is the element's content: its text, or its child elements as JSON.
            let value: JSONValue =
                attribute.children.isEmpty
                ? .string(attribute.trimmedText)
                : {
                    var members = [String: JSONValue]()
                    XMLTree.addMembers(attribute.children, to: &members)
                    return .object(members)
                }()
            attributes.append(.init(id: attributeID, value: value))
        }
        let children = (tree.child("children")?.children("id") ?? []).map(\.trimmedText).filter { !$0.isEmpty }
        return EPCISVocabularyElement(
            vocabulary: vocabulary, id: id, attributes: attributes, children: children, line: tree.line,
            place: "VocabularyElement")
    }

    // MARK: JSON

    /// The master data of a JSON document: `epcisHeader.epcisMasterData.vocabularyList`.
    private struct JSONMasterData {
        let path: String

        func elements() throws(LedgerError) -> [EPCISVocabularyElement] {
            let stream = try JSONStream(path: path)
            var namespaces = EPCISJSONEvent.Namespaces()
            // The header and the type, read up to the body (the events that follow are not master data).
            let (header, type) = try JSONStream.reading(path) {
                () throws -> ((value: JSONValue, line: Int)?, String?) in
                var header: (value: JSONValue, line: Int)?
                var type: String?
                try stream.skipByteOrderMark()
                try stream.beginObject()
                while let member = try stream.nextMember() {
                    switch member {
                    case "@context":
                        try namespaces.add(
                            try stream.value(limit: EPCISJSONDocument.maximumEventBytes) ?? .null, pointer: "")
                    case "type":
                        type = try stream.value(limit: 1 << 10)?.stringValue
                    case "epcisBody" where header != nil && type != nil:
                        return (header, type)
                    case "epcisHeader":
                        let line = stream.place.line
                        guard let value = try stream.value(limit: EPCISJSONDocument.maximumEventBytes) else {
                            throw LedgerError(
                                .invalidRecord,
                                "the epcisHeader is larger than \(EPCISJSONDocument.maximumEventBytes >> 20) MiB",
                                context: ["\(path):\(line)", "/epcisHeader"])
                        }
                        header = (value, line)
                    default:
                        try stream.skipValue()
                    }
                }
                try stream.finish()
                return (header, type)
            }
            guard let type, ["EPCISDocument", "EPCISQueryDocument"].contains(type) else {
                throw LedgerError(
                    .invalidRecord,
                    "not an EPCIS document: its type is \(type.map { "'\($0)'" } ?? "missing"), expected EPCISDocument",
                    context: [path, "/type"])
            }
            guard let header else { return [] }
            return try vocabularyElements(header.value, line: header.line, namespaces: namespaces)
        }

        private func vocabularyElements(_ header: JSONValue, line: Int, namespaces: EPCISJSONEvent.Namespaces)
            throws(LedgerError) -> [EPCISVocabularyElement]
        {
            let base = "/epcisHeader/epcisMasterData/vocabularyList"
            func fail(_ reason: String, _ pointer: String) -> LedgerError {
                LedgerError(.invalidRecord, reason, context: ["\(path):\(line)", pointer])
            }
            guard case .object(let members) = header else {
                throw fail("the epcisHeader is not an object", "/epcisHeader")
            }
            guard let masterData = members["epcisMasterData"] else { return [] }
            guard case .array(let vocabularies)? = masterData.objectValue?["vocabularyList"] else {
                throw fail("epcisMasterData has no vocabularyList array", "/epcisHeader/epcisMasterData")
            }
            var elements = [EPCISVocabularyElement]()
            for (index, vocabulary) in vocabularies.enumerated() {
                let pointer = "\(base)/\(index)"
                guard let type = vocabulary.objectValue?["type"]?.stringValue, !type.isEmpty else {
                    throw fail("the vocabulary has no type", pointer)
                }
                guard let list = vocabulary.objectValue?["vocabularyElementList"] else { continue }
                guard case .array(let entries) = list else {
                    throw fail("vocabularyElementList is not an array", "\(pointer)/vocabularyElementList")
                }
                for (position, entry) in entries.enumerated() {
                    let place = "\(pointer)/vocabularyElementList/\(position)"
                    guard let object = entry.objectValue, let id = object["id"]?.stringValue, !id.isEmpty else {
                        throw fail("the vocabulary element has no id", place)
                    }
                    var attributes = [EPCISVocabularyElement.Attribute]()
                    if let given = object["attributes"] {
                        guard case .array(let items) = given else {
                            throw fail("attributes is not an array", "\(place)/attributes")
                        }
                        for (number, item) in items.enumerated() {
                            guard let attributeID = item.objectValue?["id"]?.stringValue, !attributeID.isEmpty else {
                                throw fail("the attribute has no id", "\(place)/attributes/\(number)")
                            }
                            attributes.append(
                                .init(
                                    id: namespaces.expand(attributeID),
                                    value: try xmlNamed(
                                        item.objectValue?["attribute"] ?? .null, namespaces: namespaces,
                                        pointer: "\(place)/attributes/\(number)/attribute")))
                        }
                    }
                    let children = (object["children"]?.arrayValue ?? []).compactMap(\.stringValue)
                    elements.append(
                        EPCISVocabularyElement(
                            vocabulary: namespaces.expand(type), id: id, attributes: attributes, children: children,
                            line: line, place: place))
                }
            }
            return elements
        }

        /// `value` with the members of its objects named as in the XML form, by Clark name (`{namespace}local` for
        /// `prefix:local`), so that a structured attribute reads the same in both syntaxes.
        private func xmlNamed(_ value: JSONValue, namespaces: EPCISJSONEvent.Namespaces, pointer: String)
            throws(LedgerError) -> JSONValue
        {
            switch value {
            case .object(let members):
                var named = [String: JSONValue]()
                for (key, member) in members {
                    let name =
                        key.hasPrefix("@") ? key : try namespaces.name(of: key, pointer: "\(pointer)/\(key)").clark
                    named[name] = try xmlNamed(member, namespaces: namespaces, pointer: "\(pointer)/\(key)")
                }
                return .object(named)
            case .array(let items):
                var named = [JSONValue]()
                for (index, item) in items.enumerated() {
                    named.append(try xmlNamed(item, namespaces: namespaces, pointer: "\(pointer)/\(index)"))
                }
                return .array(named)
            default:
                return value
            }
        }
    }
}
