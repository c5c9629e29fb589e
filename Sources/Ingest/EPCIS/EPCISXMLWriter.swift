public import LedgerCore

/// EPCIS events, as the element trees of their XML form (``EPCISExport``), written as an EPCIS 2.0 XML document: an
/// `EPCISDocument`, or the `EPCISQueryDocument` that answers a query. Each event's children are put in the order
/// GS1's schema (`EPCglobal-epcis-2_0.xsd`) gives its type, the standard fields first and the fields of other
/// namespaces after them, so that the document is valid against it; namespaces are declared once, on the root, with
/// the prefixes the JSON-LD writer uses (``EPCISExport/namespace`` as `prov`).
public enum EPCISXMLWriter {
    static let documentNamespace = "urn:epcglobal:epcis:xsd:2"
    static let queryNamespace = "urn:epcglobal:epcis-query:xsd:2"

    /// The document holding `events`, created at `creationDate`; with `queryResults`, the query document.
    public static func document(_ events: [XMLTree], creationDate: Timestamp, queryResults: Bool = false) -> String {
        var prefixes = Prefixes()
        var list = ""
        let depth = queryResults ? 5 : 3
        for event in events { element(ordered(event), depth: depth, prefixes: &prefixes, into: &list) }
        let (root, namespace, prefix) =
            queryResults
            ? ("EPCISQueryDocument", queryNamespace, "epcisq") : ("EPCISDocument", documentNamespace, "epcis")
        var declarations = " xmlns:\(prefix)=\"\(namespace)\""
        for (uri, name) in prefixes.declared { declarations += " xmlns:\(name)=\"\(escaped(uri, attribute: true))\"" }
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<\(prefix):\(root)\(declarations) schemaVersion=\"2.0\" creationDate=\"\(creationDate.utc)\">\n"
        text += "  <EPCISBody>\n"
        if queryResults {
            text += "    <epcisq:QueryResults>\n      <queryName>SimpleEventQuery</queryName>\n      <resultsBody>\n"
            text += events.isEmpty ? "        <EventList/>\n" : "        <EventList>\n\(list)        </EventList>\n"
            text += "      </resultsBody>\n    </epcisq:QueryResults>\n"
        } else {
            text += events.isEmpty ? "    <EventList/>\n" : "    <EventList>\n\(list)    </EventList>\n"
        }
        text += "  </EPCISBody>\n</\(prefix):\(root)>\n"
        return text
    }

    // MARK: Order

    /// The fields every event starts with, in the schema's order.
    static let commonFields = [
        "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo",
    ]

    /// Each type's own fields, in the schema's order.
    static let typeFields: [String: [String]] = [
        "ObjectEvent": [
            "epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList",
            "quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition", "ilmd",
        ],
        "AggregationEvent": [
            "parentID", "childEPCs", "action", "bizStep", "disposition", "readPoint", "bizLocation",
            "bizTransactionList", "childQuantityList", "sourceList", "destinationList", "sensorElementList",
            "persistentDisposition",
        ],
        "TransactionEvent": [
            "bizTransactionList", "parentID", "epcList", "action", "bizStep", "disposition", "readPoint",
            "bizLocation", "quantityList", "sourceList", "destinationList", "sensorElementList",
            "persistentDisposition",
        ],
        "TransformationEvent": [
            "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "bizStep",
            "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
            "sensorElementList", "persistentDisposition", "ilmd",
        ],
        "AssociationEvent": [
            "parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition", "readPoint",
            "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
            "persistentDisposition",
        ],
    ]

    /// `event` with its children in the schema's order: standard fields by their place, then the others as they
    /// came.
    static func ordered(_ event: XMLTree) -> XMLTree {
        let order = commonFields + (typeFields[event.name.localName] ?? [])
        let place = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let ranked = event.children.enumerated().map { offset, child -> (rank: Int, offset: Int, child: XMLTree) in
            let rank = child.name.namespaceURI.isEmpty ? place[child.name.localName] ?? order.count : order.count + 1
            return (rank, offset, child)
        }
        var result = event
        result.children = ranked.sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }.map(\.child).map { child in
            // A persistent disposition's terms: those unset, then those set.
            guard child.name == XMLName("persistentDisposition") else { return child }
            var terms = child
            terms.children =
                child.children.filter { $0.name.localName == "unset" }
                + child.children.filter { $0.name.localName != "unset" }
            return terms
        }
        return result
    }

    // MARK: Writing

    /// Namespace prefixes, assigned in the order namespaces are met.
    struct Prefixes {
        private(set) var declared = [(uri: String, name: String)]()

        mutating func prefix(for namespace: String) -> String {
            if let known = declared.first(where: { $0.uri == namespace }) { return known.name }
            var name = Self.wellKnown[namespace] ?? "ext\(declared.count + 1)"
            if declared.contains(where: { $0.name == name }) { name += "\(declared.count + 1)" }
            declared.append((namespace, name))
            return name
        }

        static let wellKnown = EPCISExport.prefixes.merging([XMLTree.schemaInstanceNamespace: "xsi"]) { own, _ in own }
    }

    private static func qualified(_ name: XMLName, prefixes: inout Prefixes) -> String {
        name.namespaceURI.isEmpty ? name.localName : prefixes.prefix(for: name.namespaceURI) + ":" + name.localName
    }

    private static func element(_ tree: XMLTree, depth: Int, prefixes: inout Prefixes, into text: inout String) {
        let indent = String(repeating: "  ", count: depth)
        let name = qualified(tree.name, prefixes: &prefixes)
        var start = indent + "<" + name
        for attribute in tree.attributes {
            start +=
                " \(qualified(attribute.name, prefixes: &prefixes))=\"\(escaped(attribute.value, attribute: true))\""
        }
        if tree.children.isEmpty {
            let content = tree.text
            text += content.isEmpty ? start + "/>\n" : start + ">" + escaped(content, attribute: false) + "</\(name)>\n"
            return
        }
        text += start + ">\n"
        for child in tree.children { element(child, depth: depth + 1, prefixes: &prefixes, into: &text) }
        text += indent + "</\(name)>\n"
    }

    /// `value` with the characters XML reserves as references (in an attribute, quotes and white space too).
    static func escaped(_ value: String, attribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "\n" where attribute: result += "&#10;"
            case "\t" where attribute: result += "&#9;"
            case "\r": result += "&#13;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
