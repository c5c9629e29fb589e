public import LedgerCore

/// One element with everything inside it, read whole from an ``XMLReader``: the unit an XML adapter
/// maps onto an event (a `<event>` of the shipment XML, an EPCIS event). Only one record is held in
/// memory at a time, so reading stays constant in memory whatever the file size.
public struct XMLTree: Sendable, Hashable {
    public let name: XMLName
    public let attributes: [XMLAttribute]
    public internal(set) var children: [XMLTree]
    /// The element's own text (not its children's), pieces concatenated, untrimmed.
    public internal(set) var text: String
    /// The line of the start tag.
    public let line: Int

    public init(name: XMLName, attributes: [XMLAttribute] = [], children: [XMLTree] = [], text: String = "", line: Int)
    {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The XML Schema instance namespace, whose `nil` attribute marks an explicitly empty value.
    public static let schemaInstanceNamespace = "http://www.w3.org/2001/XMLSchema-instance"

    /// The text without leading and trailing XML whitespace (space, tab, CR, LF), as XML Schema's
    /// `collapse`/`replace` facets read most values.
    public var trimmedText: String { Self.trimmed(text) }

    /// Whether the element carries `xsi:nil="true"`.
    public var isNil: Bool {
        attributes.contains {
            $0.name == XMLName("nil", namespace: Self.schemaInstanceNamespace)
                && ($0.value == "true" || $0.value == "1")
        }
    }

    /// The children in no namespace with local name `localName`.
    public func children(_ localName: String) -> [XMLTree] {
        children.filter { $0.name.localName == localName && $0.name.namespaceURI.isEmpty }
    }

    /// The first child in no namespace with local name `localName`.
    public func child(_ localName: String) -> XMLTree? {
        children.first { $0.name.localName == localName && $0.name.namespaceURI.isEmpty }
    }

    /// The value of the attribute in no namespace named `localName`.
    public func attribute(_ localName: String) -> String? {
        attributes.first { $0.name.localName == localName && $0.name.namespaceURI.isEmpty }?.value
    }

    /// The element as JSON, losslessly up to the order of differently named siblings:
    ///
    /// - `xsi:nil="true"` → `null`;
    /// - no attributes and no child elements → its trimmed text (a string, also for numbers);
    /// - otherwise an object: attributes as `"@name"`, child elements by name, text (if not only
    ///   whitespace) as `"#text"`; a name repeated among siblings becomes an array in document
    ///   order.
    ///
    /// Names are in Clark notation (``XMLName/clark``): `{namespace-uri}local`, never the prefix.
    public var json: JSONValue {
        if isNil { return .null }
        let text = trimmedText
        if attributes.isEmpty && children.isEmpty { return .string(text) }
        var members = [String: JSONValue]()
        for attribute in attributes {
            members["@" + attribute.name.clark] = .string(attribute.value)
        }
        Self.addMembers(children, to: &members)
        if !text.isEmpty { members["#text"] = .string(text) }
        return .object(members)
    }

    /// Adds `elements` to `members` by their Clark names, repeated names as arrays in document order.
    /// (An element's own JSON is never an array, so an array here always means repetition.)
    static func addMembers(_ elements: [XMLTree], to members: inout [String: JSONValue]) {
        for element in elements {
            let key = element.name.clark
            switch members[key] {
            case nil: members[key] = element.json
            case .array(let values)?: members[key] = .array(values + [element.json])
            case let existing?: members[key] = .array([existing, element.json])
            }
        }
    }

    static func trimmed(_ text: String) -> String {
        // The trimmed characters are ASCII, so UTF-8 positions are character boundaries.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }
}

extension XMLTree {
    /// What reading one element whole produced.
    public enum ReadResult: Sendable {
        case element(XMLTree)
        /// The element held more than the allowed number of nodes; it was read to its end and
        /// dropped.
        case tooLarge(nodes: Int)
    }

    /// Reads the element whose start `reader` has just returned (`name`, `attributes`, `depth`,
    /// `line`), up to and including its end, keeping at most `maximumNodes` nodes.
    public static func read(
        _ name: XMLName, attributes: [XMLAttribute], depth: Int, line: Int, from reader: XMLReader,
        maximumNodes: Int = 100_000
    ) throws(LedgerError) -> ReadResult {
        var stack = [XMLTree(name: name, attributes: attributes, line: line)]
        var nodes = 1
        var overflowed = false
        while let node = try reader.next() {
            nodes += 1
            if nodes > maximumNodes, !overflowed {
                overflowed = true
                stack.removeAll()
            }
            switch node {
            case .start(let childName, let childAttributes, _, let childLine):
                if !overflowed { stack.append(XMLTree(name: childName, attributes: childAttributes, line: childLine)) }
            case .text(let text, _, _):
                if !overflowed, let last = stack.indices.last { stack[last].text += text }
            case .end(_, let endDepth, _):
                if endDepth == depth { return overflowed ? .tooLarge(nodes: nodes) : .element(stack[0]) }
                if !overflowed, let finished = stack.popLast(), let parent = stack.indices.last {
                    stack[parent].children.append(finished)
                }
            }
        }
        throw LedgerError(
            .invalidRecord, "the document ends inside element \(name.localName)",
            context: ["\(reader.path):\(reader.parserLine)"])
    }
}

extension XMLTree {
    /// The elements named `name` that `value`, in the form ``json`` writes, stands for: the inverse of ``json`` (a
    /// `null` is an `xsi:nil` element, an array repeated elements, an object's `"@name"` members attributes, its
    /// `"#text"` the text and its other members child elements, named in Clark notation).
    public static func elements(_ name: XMLName, json value: JSONValue) -> [XMLTree] {
        switch value {
        case .null:
            return [
                XMLTree(
                    name: name,
                    attributes: [XMLAttribute(name: XMLName("nil", namespace: schemaInstanceNamespace), value: "true")],
                    line: 0)
            ]
        case .array(let items):
            return items.flatMap { elements(name, json: $0) }
        case .object(let members):
            var element = XMLTree(name: name, line: 0)
            var attributes = [XMLAttribute]()
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                if key.hasPrefix("@") {
                    attributes.append(
                        XMLAttribute(name: XMLName(clark: String(key.dropFirst())), value: member.stringValue ?? ""))
                } else if key == "#text" {
                    element.text = member.stringValue ?? ""
                } else {
                    element.children += elements(XMLName(clark: key), json: member)
                }
            }
            return [
                XMLTree(name: name, attributes: attributes, children: element.children, text: element.text, line: 0)
            ]
        case .string(let text):
            return [XMLTree(name: name, text: text, line: 0)]
        case .number(let lexeme):
            return [XMLTree(name: name, text: lexeme, line: 0)]
        case .bool(let flag):
            return [XMLTree(name: name, text: flag ? "true" : "false", line: 0)]
        default:
            return [XMLTree(name: name, line: 0)]
        }
    }
}

extension XMLName {
    /// The name written in Clark notation: `{namespace}local`, or `local` for no namespace.
    public init(clark: String) {
        if clark.hasPrefix("{"), let close = clark.firstIndex(of: "}") {
            self.init(
                String(clark[clark.index(after: close)...]),
                namespace: String(clark[clark.index(after: clark.startIndex)..<close]))
        } else {
            self.init(clark)
        }
    }
}
