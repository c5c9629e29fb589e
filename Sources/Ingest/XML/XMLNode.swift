/// An expanded XML name: namespace URI and local name. Prefixes are not part of it, so
/// `<a:x xmlns:a="urn:n">` and `<b:x xmlns:b="urn:n">` have the same name.
public struct XMLName: Hashable, Sendable, CustomStringConvertible {
    /// The namespace URI, empty for a name in no namespace.
    public let namespaceURI: String
    public let localName: String

    public init(_ localName: String, namespace namespaceURI: String = "") {
        self.namespaceURI = namespaceURI
        self.localName = localName
    }

    /// The name in Clark notation: `{namespace}local`, or just `local` in no namespace. This is the
    /// key an XML element gets when it is kept in a JSON object (e.g. an event's `extensions`).
    public var clark: String { namespaceURI.isEmpty ? localName : "{\(namespaceURI)}\(localName)" }

    public var description: String { clark }
}

/// One attribute of an element (namespace declarations are not reported as attributes).
public struct XMLAttribute: Hashable, Sendable {
    public let name: XMLName
    public let value: String

    public init(name: XMLName, value: String) {
        self.name = name
        self.value = value
    }
}

/// What ``XMLReader`` reports, in document order. Every start has a matching end, also for an
/// empty element (`<a/>`). Adjacent text and CDATA sections come as one text node; comments,
/// processing instructions and whitespace-only text are not reported.
public enum XMLNode: Hashable, Sendable {
    case start(XMLName, attributes: [XMLAttribute], depth: Int, line: Int)
    case end(XMLName, depth: Int, line: Int)
    case text(String, depth: Int, line: Int)

    /// Nesting depth: 0 for the root element, 1 for its children and for text directly inside it.
    public var depth: Int {
        switch self {
        case .start(_, _, let depth, _), .end(_, let depth, _), .text(_, let depth, _): depth
        }
    }

    /// The 1-based line the node starts on (see ``XMLReader`` for the precision).
    public var line: Int {
        switch self {
        case .start(_, _, _, let line), .end(_, _, let line), .text(_, _, let line): line
        }
    }
}

/// Bounds an XML document must stay within, so that a hostile or broken file cannot exhaust
/// memory or time. Exceeding one is an error naming file and line.
public struct XMLReaderLimits: Sendable, Equatable {
    /// Deepest element nesting accepted (the root is depth 0).
    public var maximumDepth: Int
    /// Most nodes (elements, text, comments…) read from one document.
    public var maximumNodes: Int
    /// Longest text node or attribute value, in UTF-8 bytes.
    public var maximumTextLength: Int

    public init(maximumDepth: Int = 64, maximumNodes: Int = 50_000_000, maximumTextLength: Int = 1 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        self.maximumTextLength = maximumTextLength
    }

    /// The defaults: depth 64, 50 million nodes, 1 MiB of text per node.
    public static let standard = XMLReaderLimits()

    /// Bytes libxml2 may consume while producing a single node before the document is refused: a
    /// start tag holds at most a few maximal attribute values, so this bounds the parser's memory.
    var maximumBytesPerNode: Int { 8 * maximumTextLength + (1 << 20) }
}

/// One place where a document does not match its XML Schema.
public struct XMLSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line, 0 if libxml2 did not know it.
    public let line: Int
    /// The local name of the element at fault, if the message names one.
    public let element: String?
    /// libxml2's message, e.g. `Element 'quantity': 'x' is not a valid value of the atomic type 'xs:decimal'.`
    public let message: String

    public init(line: Int, element: String?, message: String) {
        self.line = line
        self.element = element
        self.message = message
    }

    public var description: String {
        "line \(line)" + (element.map { ", element \($0)" } ?? "") + ": " + message
    }
}
