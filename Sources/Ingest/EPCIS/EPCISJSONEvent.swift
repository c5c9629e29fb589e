internal import LedgerCore

/// An EPCIS 2.0 JSON / JSON-LD event as the element tree of its XML form, so that one mapping (``EPCISMapping``)
/// serves both syntaxes: the event's `type` names the element; list fields hold their items as the XML list elements
/// do (`epcList` → `epc`, `quantityList` → `quantityElement`, `bizTransactionList` → `bizTransaction` with its `type`
/// attribute…); the members of `sensorMetadata` and `sensorReport` become attributes, as in XML; a member named with a
/// prefix (`example:myField`, `cbvmda:lotNumber`) becomes an element in the namespace the document's `@context` gives
/// the prefix.
enum EPCISJSONEvent {
    /// The namespaces of the prefixes a document (or an event) defines in `@context`, on top of the standard EPCIS
    /// context's.
    struct Namespaces: Sendable {
        /// The standard EPCIS 2.0 context, built in: it is never fetched.
        static let standardContexts: Set<String> = [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
            "https://gs1.github.io/EPCIS/epcis-context.jsonld",
        ]

        /// The prefixes of the standard context. `cbvmda` is the namespace EPCIS XML writes master data attributes
        /// in (`urn:epcglobal:cbv:mda`), which JSON-LD spells with a trailing colon to form IRIs.
        private(set) var prefixes: [String: String] = [
            "epcis": "https://ref.gs1.org/epcis/", "cbv": "https://ref.gs1.org/cbv/",
            "cbvmda": "urn:epcglobal:cbv:mda:", "gs1": "https://gs1.org/voc/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "dcterms": "http://purl.org/dc/terms/",
        ]

        /// Adds the prefixes a `@context` value defines: the standard context by its URL, and objects of prefix →
        /// IRI (or `{"@id": IRI}`); a term that only sets the type of its values is skipped.
        ///
        /// - Throws: ``LedgerError`` `invalidRecord` naming a remote context other than the standard one (it is
        ///   never fetched), or a definition that is not an IRI.
        mutating func add(_ context: JSONValue, pointer: String) throws(LedgerError) {
            switch context {
            case .string(let url):
                guard Self.standardContexts.contains(url) else {
                    throw LedgerError(
                        .invalidRecord,
                        "unknown @context '\(url)': remote contexts are never fetched; only the standard EPCIS 2.0 context is built in (define extension prefixes inline, as {\"prefix\": \"namespace IRI\"})",
                        context: ["\(pointer)/@context"])
                }
            case .array(let items):
                for item in items { try add(item, pointer: pointer) }
            case .object(let members):
                for (prefix, definition) in members where !prefix.hasPrefix("@") {
                    switch definition {
                    case .string(let iri):
                        prefixes[prefix] = iri
                    case .object(let term):
                        // A term with an IRI defines a prefix; one without (`{"@type": "xsd:integer"}`) only coerces
                        // the values of a term, which the XML form does not type.
                        if let iri = term["@id"]?.stringValue { prefixes[prefix] = iri }
                    default:
                        throw LedgerError(
                            .invalidRecord, "the @context defines '\(prefix)' as something other than an IRI",
                            context: ["\(pointer)/@context/\(prefix)"])
                    }
                }
            default:
                throw LedgerError(
                    .invalidRecord, "a @context is a URL, an object of prefixes or an array of them",
                    context: ["\(pointer)/@context"])
            }
        }

        /// `value` with a defined prefix (`cbvmda:countryCode`) expanded to its IRI; anything else as it is.
        func expand(_ value: String) -> String {
            guard let colon = value.firstIndex(of: ":") else { return value }
            let local = value[value.index(after: colon)...]
            guard !local.hasPrefix("//"), let iri = prefixes[String(value[..<colon])] else { return value }
            return iri + local
        }

        /// The element name of the member `key`: no namespace for a standard field; the prefix's namespace for
        /// `prefix:local`; for an absolute IRI, the part up to its last `/` or `#`. A namespace that JSON-LD ends with
        /// `:` to form IRIs (a URN) is written without it, as XML declares it.
        func name(of key: String, pointer: @autoclosure () -> String) throws(LedgerError) -> XMLName {
            guard let colon = key.utf8.firstIndex(of: UInt8(ascii: ":")) else { return XMLName(key) }
            let prefix = String(key[..<colon])
            let local = String(key[key.utf8.index(after: colon)...])
            if local.hasPrefix("//"), let cut = key.lastIndex(where: { $0 == "/" || $0 == "#" }) {
                return XMLName(String(key[key.index(after: cut)...]), namespace: String(key[...cut]))
            }
            guard let iri = prefixes[prefix] else {
                throw LedgerError(
                    .invalidRecord,
                    "the member '\(key)' uses the prefix '\(prefix)', which no @context defines",
                    context: [pointer()])
            }
            return XMLName(local, namespace: iri.hasSuffix(":") ? String(iri.dropLast()) : iri)
        }
    }

    /// The list fields, by JSON name, with the name of their items' elements.
    static let listItems: [String: String] = [
        "epcList": "epc", "childEPCs": "epc", "inputEPCList": "epc", "outputEPCList": "epc",
        "quantityList": "quantityElement", "childQuantityList": "quantityElement",
        "inputQuantityList": "quantityElement", "outputQuantityList": "quantityElement",
        "bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination",
        "sensorElementList": "sensorElement", "correctiveEventIDs": "correctiveEventID",
    ]

    /// Items whose `type` member is an XML attribute and whose member of the item's own name is the element's text.
    static let typedItems: Set<String> = ["bizTransaction", "source", "destination"]

    /// The event `object`, found at `pointer`, as the element tree of its XML form.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` for an event without a `type`, or a member whose prefix no context
    ///   defines; the context is the member's JSON pointer.
    static func tree(_ object: [String: JSONValue], namespaces: Namespaces, pointer: String, line: Int)
        throws(LedgerError) -> XMLTree
    {
        var namespaces = namespaces
        if let context = object["@context"] { try namespaces.add(context, pointer: pointer) }
        guard let type = object["type"]?.stringValue, !type.isEmpty else {
            throw LedgerError(
                .invalidRecord, "an EPCIS event needs a type (ObjectEvent…)", context: ["\(pointer)/type"])
        }
        var children = [XMLTree]()
        children.reserveCapacity(object.count)
        for (key, value) in sortedMembers(object) where key != "type" && !key.hasPrefix("@") {
            try elements(key, value, namespaces: namespaces, pointer: "\(pointer)/\(key)", line: line, into: &children)
        }
        return XMLTree(name: try namespaces.name(of: type, pointer: "\(pointer)/type"), children: children, line: line)
    }

    /// The members of an object in the order of their names.
    private static func sortedMembers(_ object: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        object.sorted { $0.key < $1.key }
    }

    /// Appends the elements the member `key` with `value` becomes to `trees`.
    private static func elements(
        _ key: String, _ value: JSONValue, namespaces: Namespaces, pointer: @autoclosure () -> String, line: Int,
        into trees: inout [XMLTree]
    ) throws(LedgerError) {
        let name = try namespaces.name(of: key, pointer: pointer())
        if name.namespaceURI.isEmpty, let item = listItems[key] {
            let items = value.arrayValue ?? [value]
            var children = [XMLTree]()
            children.reserveCapacity(items.count)
            for (index, element) in items.enumerated() {
                try itemElements(
                    item, element, namespaces: namespaces, pointer: "\(pointer())/\(index)", line: line,
                    into: &children)
            }
            trees.append(XMLTree(name: name, children: children, line: line))
            return
        }
        if name.namespaceURI.isEmpty, key == "persistentDisposition", case .object(let members) = value {
            // `set` and `unset` lists become repeated elements.
            var children = [XMLTree]()
            for (member, terms) in sortedMembers(members) {
                for (index, term) in (terms.arrayValue ?? [terms]).enumerated() {
                    try elements(
                        member, term, namespaces: namespaces, pointer: "\(pointer())/\(member)/\(index)", line: line,
                        into: &children)
                }
            }
            trees.append(XMLTree(name: name, children: children, line: line))
            return
        }
        try generic(name, value, namespaces: namespaces, pointer: pointer(), line: line, into: &trees)
    }

    /// Appends the elements of one item of a list field to `trees`.
    private static func itemElements(
        _ item: String, _ value: JSONValue, namespaces: Namespaces, pointer: @autoclosure () -> String, line: Int,
        into trees: inout [XMLTree]
    ) throws(LedgerError) {
        let name = XMLName(item)
        if typedItems.contains(item), case .object(let members) = value {
            let attributes = members["type"]?.stringValue.map { [XMLAttribute(name: XMLName("type"), value: $0)] } ?? []
            trees.append(
                XMLTree(name: name, attributes: attributes, text: members[item]?.stringValue ?? "", line: line))
            return
        }
        if item == "sensorElement", case .object(let members) = value {
            var children = [XMLTree]()
            if case .object(let metadata)? = members["sensorMetadata"] {
                children.append(
                    XMLTree(
                        name: XMLName("sensorMetadata"),
                        attributes: try attributes(
                            metadata, namespaces: namespaces, pointer: "\(pointer())/sensorMetadata"),
                        line: line))
            }
            for (index, report) in (members["sensorReport"]?.arrayValue ?? []).enumerated() {
                guard case .object(let fields) = report else { continue }
                children.append(
                    XMLTree(
                        name: XMLName("sensorReport"),
                        attributes: try attributes(
                            fields, namespaces: namespaces, pointer: "\(pointer())/sensorReport/\(index)"),
                        line: line))
            }
            for (key, member) in sortedMembers(members) where key != "sensorMetadata" && key != "sensorReport" {
                try elements(
                    key, member, namespaces: namespaces, pointer: "\(pointer())/\(key)", line: line, into: &children)
            }
            trees.append(XMLTree(name: name, children: children, line: line))
            return
        }
        try generic(name, value, namespaces: namespaces, pointer: pointer(), line: line, into: &trees)
    }

    /// Scalar members as attributes, in name order.
    private static func attributes(
        _ members: [String: JSONValue], namespaces: Namespaces, pointer: @autoclosure () -> String
    )
        throws(LedgerError) -> [XMLAttribute]
    {
        var attributes = [XMLAttribute]()
        for key in members.keys.sorted() {
            guard let text = members[key].flatMap(scalarText) else { continue }
            attributes.append(
                XMLAttribute(name: try namespaces.name(of: key, pointer: "\(pointer())/\(key)"), value: text))
        }
        return attributes
    }

    /// Appends a value as elements named `name` to `trees`: a scalar as the element's text, `null` as an `xsi:nil`
    /// element, an array as the element repeated, an object as an element with a child per member.
    private static func generic(
        _ name: XMLName, _ value: JSONValue, namespaces: Namespaces, pointer: @autoclosure () -> String, line: Int,
        into trees: inout [XMLTree]
    ) throws(LedgerError) {
        switch value {
        case .null:
            let nilAttribute = XMLAttribute(
                name: XMLName("nil", namespace: XMLTree.schemaInstanceNamespace), value: "true")
            trees.append(XMLTree(name: name, attributes: [nilAttribute], line: line))
        case .array(let items):
            for (index, item) in items.enumerated() {
                try generic(
                    name, item, namespaces: namespaces, pointer: "\(pointer())/\(index)", line: line, into: &trees)
            }
        case .object(let members):
            var children = [XMLTree]()
            for (key, member) in sortedMembers(members) where !key.hasPrefix("@") {
                try elements(
                    key, member, namespaces: namespaces, pointer: "\(pointer())/\(key)", line: line, into: &children)
            }
            trees.append(
                XMLTree(name: name, children: children, text: members["@value"].flatMap(scalarText) ?? "", line: line))
        default:
            trees.append(XMLTree(name: name, text: scalarText(value) ?? "", line: line))
        }
    }

    /// A string, number or boolean as text.
    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}
