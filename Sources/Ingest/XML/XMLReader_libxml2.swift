// No Foundation here: its ICU module clashes with the ICU headers libxml2 includes.
internal import CLibXML2
public import LedgerCore

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Process-wide libxml2 setup, done once before any document or schema is parsed.
private enum LibXML2 {
    /// Initialises the library, makes every external load refuse network URLs (this covers the
    /// `xs:import`/`xs:include` of a schema, since documents themselves never load anything), and
    /// drops the generic error channel that would print to stderr.
    static let initialized: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        provenance_xml_silence_generic_errors_by_default()
    }()

    /// Call on entry to libxml2 from any thread: the generic error channel is per thread.
    static func prepare() {
        _ = initialized
        provenance_xml_silence_generic_errors()
    }

    /// Parser options for every document: no network, CDATA as text, and `XML_PARSE_NO_XXE` where
    /// libxml2 has it (2.13+). Deliberately absent: `XML_PARSE_NOENT` (substitute entities),
    /// `XML_PARSE_DTDLOAD`, `XML_PARSE_DTDATTR`, `XML_PARSE_DTDVALID`, `XML_PARSE_XINCLUDE` and
    /// `XML_PARSE_HUGE`. Without `XML_PARSE_NO_XXE` (libxml2 2.9 here), ``XMLPrologGuard`` is what
    /// refuses entity declarations, before the parser sees them.
    static let documentOptions =
        Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue) | provenance_xml_no_xxe_option()

    static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
}

/// Reads an XML document as a stream of ``XMLNode``s with libxml2's `xmlTextReader`, in constant
/// memory whatever the file size.
///
/// Security: entities are never substituted and no DTD is loaded; a document whose DOCTYPE
/// declares entities is refused before parsing (see ``XMLPrologGuard``), as is any entity
/// reference other than the five predefined ones. Network access is disabled. Depth, node count,
/// and text length are capped by ``XMLReaderLimits``. Every libxml2 error is captured (nothing is
/// printed) and thrown as a ``LedgerError`` naming `file:line`.
///
/// Lines: a start element's line is where its start tag ends, a text node's where it ends. Beyond
/// line 65 535, where libxml2 stops recording node lines, the parser's current line is used, which
/// may be a few lines further on.
public final class XMLReader {
    /// The file being read.
    public let path: String
    public let limits: XMLReaderLimits
    private let input: DocumentInput
    private let errors: ErrorSink
    private let reader: OpaquePointer
    /// Kept alive as long as the reader validates against it.
    private let validator: XMLSchemaValidator?
    private var pendingEnd: XMLNode?
    private var nodeCount = 0
    private var failure: LedgerError?
    private var finished = false
    private var names = [UnsafePointer<xmlChar>: String]()

    /// Opens `path` for reading.
    ///
    /// - Throws: ``LedgerError`` with code `io` if the file cannot be opened.
    public convenience init(path: String, limits: XMLReaderLimits = .standard) throws(LedgerError) {
        try self.init(path: path, limits: limits, validator: nil, maximumViolations: 0)
    }

    /// Opens `path`, validating it against `validator` as it is read; violations are collected
    /// (up to `maximumViolations`, all counted) rather than thrown.
    init(path: String, limits: XMLReaderLimits, validator: XMLSchemaValidator?, maximumViolations: Int)
        throws(LedgerError)
    {
        LibXML2.prepare()
        self.path = path
        self.limits = limits
        self.validator = validator
        input = try DocumentInput(path: path, byteBudget: limits.maximumBytesPerNode)
        errors = ErrorSink(file: path, maximumViolations: maximumViolations)
        let created = xmlReaderForIO(
            readCallback, nil, Unmanaged.passUnretained(input).toOpaque(), nil, nil, LibXML2.documentOptions)
        guard let created else {
            throw input.failure
                ?? LedgerError(.io, "libxml2 could not start reading the document", context: ["\(path):1"])
        }
        reader = created
        xmlTextReaderSetStructuredErrorHandler(
            reader, structuredErrorCallback, Unmanaged.passUnretained(errors).toOpaque())
        if let validator, xmlTextReaderSetSchema(reader, validator.schema) != 0 {
            throw LedgerError(
                .invalidState, "libxml2 could not attach the schema \(validator.name) to the reader", context: [path])
        }
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    /// Bytes of the file read so far, for progress.
    public var bytesRead: Int { input.bytesRead }

    /// The line the parser has reached.
    public var parserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// Schema violations found so far (when validating), at most the maximum asked for.
    var violations: [XMLSchemaViolation] { errors.violations }
    /// How many schema violations were found, including those not kept.
    var violationCount: Int { errors.violationCount }

    /// The next node, or `nil` at the end of the document.
    ///
    /// - Throws: ``LedgerError`` (`invalidRecord`, context `file:line`) for malformed XML, a refused
    ///   DOCTYPE or entity reference, or an exceeded limit; `io` if the file cannot be read. After an
    ///   error every call throws it again.
    public func next() throws(LedgerError) -> XMLNode? {
        if let failure { throw failure }
        if let pending = pendingEnd {
            pendingEnd = nil
            return pending
        }
        guard !finished else { return nil }
        LibXML2.prepare()
        // With a schema attached, libxml2 reports parse errors through the thread's structured
        // handler rather than the reader's: capture that channel too while reading.
        if validator != nil {
            xmlSetStructuredErrorFunc(Unmanaged.passUnretained(errors).toOpaque(), structuredErrorCallback)
        }
        defer { if validator != nil { xmlSetStructuredErrorFunc(nil, nil) } }
        do throws(LedgerError) {
            while true {
                let status = xmlTextReaderRead(reader)
                input.bytesSinceNode = 0
                if let error = input.failure {
                    throw error.context.isEmpty ? error.at("\(path):\(parserLine)") : error
                }
                if let error = errors.failure { throw error }
                if status == 0 {
                    finished = true
                    return nil
                }
                guard status == 1 else {
                    throw LedgerError(
                        .invalidRecord, "libxml2 could not parse the document", context: ["\(path):\(parserLine)"])
                }
                if let node = try currentNode() { return node }
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// The node the reader stands on, or `nil` for one that is not reported.
    private func currentNode() throws(LedgerError) -> XMLNode? {
        nodeCount += 1
        if nodeCount > limits.maximumNodes {
            throw LedgerError(
                .invalidRecord, "the document has more than \(limits.maximumNodes) nodes (the limit)",
                context: ["\(path):\(parserLine)"])
        }
        let depth = Int(xmlTextReaderDepth(reader))
        let type = xmlTextReaderNodeType(reader)
        if depth > limits.maximumDepth {
            throw LedgerError(
                .invalidRecord, "elements are nested deeper than \(limits.maximumDepth) levels (the limit)",
                context: ["\(path):\(nodeLine())"])
        }
        switch type {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue):
            let name = elementName()
            let line = nodeLine()
            let attributes = try currentAttributes(line: line)
            if xmlTextReaderIsEmptyElement(reader) == 1 {
                pendingEnd = .end(name, depth: depth, line: line)
            }
            return .start(name, attributes: attributes, depth: depth, line: line)
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
            return .end(elementName(), depth: depth, line: parserLine)
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
            let line = nodeLine()
            return .text(try value(line: line), depth: depth, line: line)
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
            let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? "?"
            throw LedgerError(
                .invalidRecord,
                "entity references are not allowed (&\(name);); only &amp; &lt; &gt; &quot; &apos; and character references are",
                context: ["\(path):\(nodeLine())"])
        default:
            return nil
        }
    }

    private func elementName() -> XMLName {
        XMLName(
            interned(xmlTextReaderConstLocalName(reader)), namespace: interned(xmlTextReaderConstNamespaceUri(reader)))
    }

    private func currentAttributes(line: Int) throws(LedgerError) -> [XMLAttribute] {
        guard xmlTextReaderHasAttributes(reader) == 1 else { return [] }
        defer { xmlTextReaderMoveToElement(reader) }
        var attributes = [XMLAttribute]()
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let namespace = interned(xmlTextReaderConstNamespaceUri(reader))
            guard namespace != LibXML2.xmlnsNamespace else { continue }
            let name = XMLName(interned(xmlTextReaderConstLocalName(reader)), namespace: namespace)
            attributes.append(XMLAttribute(name: name, value: try value(line: line)))
        }
        return attributes
    }

    /// The value of the current text node or attribute, within the length limit.
    private func value(line: Int) throws(LedgerError) -> String {
        guard let pointer = xmlTextReaderConstValue(reader) else { return "" }
        let length = strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
        guard length <= limits.maximumTextLength else {
            throw LedgerError(
                .invalidRecord,
                "a text or attribute value is longer than \(limits.maximumTextLength) bytes (the limit)",
                context: ["\(path):\(line)"])
        }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// A name string of the reader's dictionary; these live as long as the reader, so the Swift
    /// string is cached by address (up to a bound, against documents with endless distinct names).
    private func interned(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        if let known = names[pointer] { return known }
        let text = String(cString: pointer)
        if names.count < 4096 { names[pointer] = text }
        return text
    }

    private func nodeLine() -> Int {
        let recorded = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
        return recorded > 0 && recorded < 65_535 ? recorded : parserLine
    }
}

/// Validates XML documents against one XML Schema (XSD), compiled once. Loading the schema never
/// uses the network (its imports must be local files); validation streams the document through
/// ``XMLReader`` with the same safety limits.
public final class XMLSchemaValidator {
    /// The schema's name as messages show it (its path, or the name given with its text).
    public let name: String
    fileprivate let schema: OpaquePointer

    /// Compiles the schema at `xsdPath`, resolving its `xs:import`/`xs:include` relative to it.
    ///
    /// - Throws: ``LedgerError`` `io` if the file cannot be read, `invalidRecord` listing libxml2's
    ///   messages if it is not a valid schema.
    public convenience init(xsdPath: String) throws(LedgerError) {
        guard access(xsdPath, R_OK) == 0 else {
            throw LedgerError(.io, "cannot read the XML Schema \(xsdPath)")
        }
        LibXML2.prepare()
        try self.init(name: xsdPath, schema: Self.compile(name: xsdPath, parser: xmlSchemaNewParserCtxt(xsdPath)))
    }

    /// Compiles a schema from its text (e.g. one bundled in the program); it must not import others.
    public convenience init(xsd text: String, name: String) throws(LedgerError) {
        LibXML2.prepare()
        let bytes = Array(text.utf8)
        // The memory parser context reads the buffer in place when it parses, so parsing must
        // happen while the buffer is alive.
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                Result { () throws(LedgerError) in
                    try Self.compile(
                        name: name, parser: xmlSchemaNewMemParserCtxt(characters.baseAddress, Int32(characters.count)))
                }
            }
        }
        try self.init(name: name, schema: compiled.get())
    }

    private init(name: String, schema: OpaquePointer) {
        self.name = name
        self.schema = schema
    }

    /// Parses and compiles the schema `parser` reads, then frees the parser.
    private static func compile(name: String, parser: OpaquePointer?) throws(LedgerError) -> OpaquePointer {
        guard let parser else {
            throw LedgerError(.invalidState, "libxml2 could not create a schema parser for \(name)")
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let errors = ErrorSink(file: name, maximumViolations: 20)
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlSchemaSetParserStructuredErrors(parser, structuredErrorCallback, context)
        // The schema documents themselves are parsed with the thread's handler; capture it too.
        xmlSetStructuredErrorFunc(context, structuredErrorCallback)
        let compiled = withExtendedLifetime(errors) { xmlSchemaParse(parser) }
        xmlSetStructuredErrorFunc(nil, nil)
        guard let compiled else {
            let messages = errors.messages.prefix(20).joined(separator: "; ")
            throw LedgerError(
                .invalidRecord,
                "\(name) is not a usable XML Schema: \(messages.isEmpty ? "libxml2 gave no reason" : messages)")
        }
        return compiled
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Reads all of `path` and returns its schema violations in document order: at most
    /// `maximum` of them, with the total count.
    ///
    /// - Throws: ``LedgerError`` if the document cannot be read or is not well-formed XML (as
    ///   ``XMLReader/next()`` does); violations are returned, not thrown.
    public func violations(
        in path: String, limits: XMLReaderLimits = .standard, maximum: Int = 1000
    ) throws(LedgerError) -> (violations: [XMLSchemaViolation], total: Int) {
        let reader = try XMLReader(path: path, limits: limits, validator: self, maximumViolations: maximum)
        while try reader.next() != nil {}
        return (reader.violations, reader.violationCount)
    }

    /// Checks that `path` matches the schema.
    ///
    /// - Throws: ``LedgerError`` `invalidRecord` whose reason lists the first 20 violations with
    ///   their lines and elements, context `file:line` of the first; or any error of
    ///   ``violations(in:limits:maximum:)``.
    public func validate(_ path: String, limits: XMLReaderLimits = .standard) throws(LedgerError) {
        let (found, total) = try violations(in: path, limits: limits, maximum: 20)
        guard let first = found.first else { return }
        let more = total > found.count ? "\n… and \(total - found.count) more" : ""
        throw LedgerError(
            .invalidRecord,
            "the document does not match the schema \(name) (\(total) violation\(total == 1 ? "" : "s")):\n"
                + found.map(\.description).joined(separator: "\n") + more,
            context: ["\(path):\(first.line)"])
    }
}

/// The file a reader reads, fed to libxml2 through its I/O callback. The callback is where the
/// prolog guard sees every byte before the parser does, and where the bytes consumed for a single
/// node are bounded.
private final class DocumentInput {
    let path: String
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var prolog = XMLPrologGuard()
    private let byteBudget: Int
    private(set) var bytesRead = 0
    /// Reset by the reader after each node.
    var bytesSinceNode = 0
    private(set) var failure: LedgerError?

    init(path: String, byteBudget: Int) throws(LedgerError) {
        self.path = path
        self.byteBudget = byteBudget
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LedgerError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Copies up to `count` bytes into `destination`; returns how many, 0 at the end, -1 on failure.
    func read(into destination: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        guard failure == nil else { return -1 }
        if start == end {
            let got = buffer.withUnsafeMutableBytes { raw in
                var result: Int
                repeat { result = readFile(descriptor, raw.baseAddress, raw.count) } while result < 0 && errno == EINTR
                return result
            }
            guard got >= 0 else {
                failure = LedgerError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
                return -1
            }
            start = 0
            end = got
            bytesRead += got
        }
        let length = min(count, end - start)
        if prolog.current == .undecided {
            for index in start..<start + length {
                if case .refused(let reason, let line) = prolog.feed(buffer[index]) {
                    failure = LedgerError(.invalidRecord, reason, context: ["\(path):\(line)"])
                    return -1
                }
                if prolog.current == .rootReached { break }
            }
        }
        if length == 0, prolog.current == .undecided {
            failure = LedgerError(.invalidRecord, "the document has no root element", context: ["\(path):1"])
            return -1
        }
        bytesSinceNode += length
        if bytesSinceNode > byteBudget {
            // No place: the reader adds the parser's line, which this callback does not know.
            failure = LedgerError(
                .invalidRecord, "a single node takes more than \(byteBudget) bytes (a start tag or text too long)")
            return -1
        }
        buffer.withUnsafeBytes { raw in
            if let base = raw.baseAddress {
                UnsafeMutableRawPointer(destination).copyMemory(from: base + start, byteCount: length)
            }
        }
        start += length
        return Int32(length)
    }
}

/// Collects what libxml2 reports through its structured error channel: the first error that stops
/// the document (malformed XML, I/O), and schema violations.
private final class ErrorSink {
    let file: String
    let maximumViolations: Int
    private(set) var failure: LedgerError?
    private(set) var violations = [XMLSchemaViolation]()
    private(set) var violationCount = 0
    /// Every error message, for schema compilation.
    private(set) var messages = [String]()

    init(file: String, maximumViolations: Int) {
        self.file = file
        self.maximumViolations = maximumViolations
    }

    func record(_ error: xmlError) {
        guard error.level != XML_ERR_WARNING, error.level != XML_ERR_NONE else { return }
        var message = error.message.map { String(cString: $0) } ?? "unknown libxml2 error \(error.code)"
        while message.last?.isWhitespace == true { message.removeLast() }
        let line = Int(error.line)
        if messages.count < 100 { messages.append(line > 0 ? "line \(line): \(message)" : message) }
        if error.domain == Int32(XML_FROM_SCHEMASV.rawValue) {
            violationCount += 1
            if violations.count < maximumViolations {
                violations.append(
                    XMLSchemaViolation(line: line, element: Self.elementName(in: message), message: message))
            }
        } else if failure == nil {
            failure = LedgerError(.invalidRecord, "malformed XML: \(message)", context: ["\(file):\(max(line, 1))"])
        }
    }

    /// The local name in libxml2's "Element '{namespace}name': …" prefix.
    private static func elementName(in message: String) -> String? {
        guard message.hasPrefix("Element '") else { return nil }
        let rest = message.dropFirst("Element '".count)
        guard let close = rest.firstIndex(of: "'") else { return nil }
        let name = rest[..<close]
        return String(name.lastIndex(of: "}").map { name[name.index(after: $0)...] } ?? name)
    }
}

/// `read(2)`, named apart from ``DocumentInput/read(into:count:)``.
private func readFile(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private let readCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, Int32) -> Int32 = {
    context, buffer, length in
    guard let context, let buffer, length >= 0 else { return -1 }
    return Unmanaged<DocumentInput>.fromOpaque(context).takeUnretainedValue().read(into: buffer, count: Int(length))
}

private let structuredErrorCallback: @convention(c) (UnsafeMutableRawPointer?, xmlErrorPtr?) -> Void = {
    context, error in
    guard let context, let error else { return }
    Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
}
