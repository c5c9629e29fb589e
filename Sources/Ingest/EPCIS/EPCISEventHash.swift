internal import Foundation
internal import LedgerCrypto
public import LedgerCore

/// The EPCIS event hash ID of CBV 2.0 (§8.9): `ni:///sha-256;{hex}?ver=CBV2.0`, the SHA-256 of a canonical pre-hash
/// string of the event, the same whichever syntax (XML or JSON-LD), element order, namespace prefixes or identifier
/// forms the event was written in (docs/epcis.md, "Event hash").
///
/// The pre-hash string is built as GS1's reference implementation builds it (PyPI `epcis-event-hash-generator`
/// 1.9.3), which the tests run on every example GS1 publishes:
///
/// - `eventType=` and the event's type, then the fields of ``order`` in that order: each `name=value`, with the
///   members of a structured field (a quantity element, a sensor report) after its name in their own order, repeated
///   fields sorted;
/// - then every other child of the event but `recordTime`, `eventID` and `errorDeclaration` (user extensions,
///   `ilmd`, the business transaction, source and destination lists with their types, what a structured field held
///   beyond its order), each as `name=value` followed by its children, sorted;
/// - values trimmed; CBV terms as web URIs (`https://ref.gs1.org/cbv/BizStep-shipping`, from a URN, a bare word or
///   a `cbv:`/`gs1:` CURIE); numbers in their shortest form; EPC and Digital Link URIs as constrained canonical
///   Digital Link URIs (``GS1DigitalLink``); times of the ordered fields in UTC with milliseconds;
/// - names in Clark notation (`{namespace}local`); an element's attributes count as its children; EPCIS 1.2's
///   `extension` wrappers are dropped.
///
/// The few places where that reference departs from the text of the standard are followed too, so that the ledger's
/// hashes match what other EPCIS systems compute with it; they are listed in docs/epcis.md.
public enum EPCISEventHash {
    /// The event hash ID of `event`, an event element as ``EPCISDocument`` or ``EPCISJSONDocument`` read it.
    public static func hash(of event: XMLTree) -> String {
        hashID(preHashBytes: preHashBytes(of: event))
    }

    /// The `ni` URI of a pre-hash string.
    public static func hashID(preHash: String) -> String {
        hashID(preHashBytes: Array(preHash.utf8))
    }

    static func hashID(preHashBytes: [UInt8]) -> String {
        "ni:///sha-256;" + Hex.encode(SHA256.hash(preHashBytes).bytes) + "?ver=CBV2.0"
    }

    /// The canonical pre-hash string of `event`.
    public static func preHash(of event: XMLTree) -> String {
        String(decoding: preHashBytes(of: event), as: UTF8.self)
    }

    /// The UTF-8 bytes of the canonical pre-hash string of `event`.
    static func preHashBytes(of event: XMLTree) -> [UInt8] {
        plainPreHashBytes(of: event) ?? generalPreHashBytes(of: event)
    }

    /// The UTF-8 bytes of the canonical pre-hash string of `event`, read through the general model, whatever the
    /// event holds.
    static func generalPreHashBytes(of event: XMLTree) -> [UInt8] {
        var children = Node.element(event, parent: nil).children
        var result = Array("eventType=".utf8)
        result += event.name.clark.utf8
        Builder.ordered(&children, order, into: &result)
        let rest = children.filter {
            guard case .element(let element) = $0 else { return true }
            switch element.name {
            case "recordTime", "eventID", "type", "errorDeclaration": return false
            default: return true
            }
        }
        Builder.generic(rest, into: &result)
        return result
    }

    // MARK: The model

    /// A field in the canonical order, with the order of its members if it has any.
    struct Property {
        let name: String
        let members: Properties?
        /// Whether the field's value is a time, written in UTC with milliseconds: its name holds `time` in any case,
        /// but not `offset`.
        let isTime: Bool

        init(_ name: String, _ members: [Property]? = nil) {
            self.name = name
            self.members = members.map(Properties.init)
            isTime = name.containsASCII("time", ignoringCase: true) && !name.containsASCII("offset", ignoringCase: true)
        }
    }

    /// Fields in their canonical order, with where each name stands in it.
    struct Properties: ExpressibleByArrayLiteral {
        let list: [Property]
        let position: [String: Int]

        init(_ list: [Property]) {
            self.list = list
            position = Dictionary(list.enumerated().map { ($1.name, $0) }) { first, _ in first }
        }

        init(arrayLiteral elements: Property...) {
            self.init(elements)
        }
    }

    private static let quantityElement = [
        Property("quantityElement", [.init("epcClass"), .init("quantity"), .init("uom")])
    ]

    /// The canonical property order.
    static let order: Properties = [
        .init("eventTime"), .init("eventTimeZoneOffset"), .init("certificationInfo"), .init("parentID"),
        .init("epcList", [.init("epc")]), .init("inputEPCList", [.init("epc")]), .init("childEPCs", [.init("epc")]),
        .init("quantityList", quantityElement), .init("childQuantityList", quantityElement),
        .init("inputQuantityList", quantityElement), .init("outputEPCList", [.init("epc")]),
        .init("outputQuantityList", quantityElement), .init("action"), .init("transformationID"), .init("bizStep"),
        .init("disposition"), .init("persistentDisposition", [.init("set"), .init("unset")]),
        .init("readPoint", [.init("id")]), .init("bizLocation", [.init("id")]),
        .init(
            "sensorElementList",
            [
                .init(
                    "sensorElement",
                    [
                        .init(
                            "sensorMetadata",
                            [
                                "time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
                                "dataProcessingMethod", "bizRules",
                            ].map { Property($0) }),
                        .init(
                            "sensorReport",
                            [
                                "type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
                                "time", "microorganism", "chemicalSubstance", "value", "component", "stringValue",
                                "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue",
                                "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem",
                            ].map { Property($0) }),
                    ])
            ]),
    ]

    /// An element as the pre-hash string sees it: its name, trimmed text and children (attributes first as leaf
    /// children, all sorted), or an item of a business transaction, source or destination list as its type and value.
    enum Node: Equatable {
        struct Element: Equatable {
            var name: String
            var text: String
            var children: [Node]
        }

        case element(Element)
        indirect case typed(type: Node, value: Node)

        var children: [Node] {
            guard case .element(let element) = self else { return [] }
            return element.children
        }

        var name: String? {
            guard case .element(let element) = self else { return nil }
            return element.name
        }

        static func element(_ tree: XMLTree, parent: String?) -> Node {
            let name = tree.name.clark
            var children = tree.attributes.map { attribute in
                Node.element(
                    Element(
                        name: attribute.name.clark,
                        text: Vocabulary.expand(XMLTree.trimmed(attribute.value), name: attribute.name.clark, in: name),
                        children: []))
            }
            children.reserveCapacity(children.count + tree.children.count)
            for child in flattened(tree.children) { children.append(element(child, parent: name)) }
            children.sort(by: Node.precedes)
            // A typed list item (a business transaction, a source, a destination) becomes its type and its value, and
            // the list holds only those.
            if children.contains(where: \.isTypedItem) {
                children = children.compactMap { child -> Node? in
                    guard case .element(let item) = child, child.isTypedItem else { return nil }
                    guard let type = item.children.first else { return child }
                    return .typed(type: type, value: .element(Element(name: item.name, text: item.text, children: [])))
                }
            }
            let text = Vocabulary.expand(tree.trimmedText, name: name, in: parent)
            return .element(Element(name: name, text: text, children: children))
        }

        /// Children with EPCIS 1.2's `extension` and `baseExtension` wrappers replaced by what they hold, and without
        /// comments (`rdfs:comment`, which JSON-LD documents use to annotate an event; not part of it).
        private static func flattened(_ children: [XMLTree]) -> [XMLTree] {
            func isKept(_ child: XMLTree) -> Bool {
                switch (child.name.namespaceURI, child.name.localName) {
                case ("", "extension"), ("", "baseExtension"), ("", "comment"),
                    ("http://www.w3.org/2000/01/rdf-schema#", "comment"), (EPCISExport.namespace, _):
                    false
                default: true
                }
            }
            // Most elements hold none of these: keep their children as they are.
            if children.allSatisfy(isKept) { return children }
            return children.flatMap { child -> [XMLTree] in
                if child.name.namespaceURI.isEmpty && ["extension", "baseExtension"].contains(child.name.localName) {
                    return flattened(child.children)
                }
                let isComment =
                    child.name.localName == "comment"
                    && ["", "http://www.w3.org/2000/01/rdf-schema#"].contains(child.name.namespaceURI)
                // Nor is what a ledger's export adds (the ledger event it came from).
                return isComment || child.name.namespaceURI == EPCISExport.namespace ? [] : [child]
            }
        }

        /// Runs `body` on the element this node is, in place (without copying its children), and returns its
        /// result; nil for a typed item.
        mutating func modifyElement<Result>(_ body: (inout Element) -> Result) -> Result? {
            guard case .element(var element) = self else { return nil }
            // Let go of this node's reference first, so that `body` changes the element's only copy.
            self = .element(Element(name: "", text: "", children: []))
            defer { self = .element(element) }
            return body(&element)
        }

        /// Whether the node is an item of a business transaction, source or destination list.
        var isTypedItem: Bool {
            guard case .element(let element) = self else { return false }
            switch element.name {
            case "bizTransaction", "source", "destination": return true
            default: return false
            }
        }

        /// The order of sorted children: by name, then text, then children; an element before a typed item.
        static func precedes(_ left: Node, _ right: Node) -> Bool {
            switch (left, right) {
            case (.element(let a), .element(let b)):
                if a.name != b.name { return Builder.precedes(a.name, b.name) }
                if a.text != b.text { return Builder.precedes(a.text, b.text) }
                return a.children.lexicographicallyPrecedes(b.children, by: precedes)
            case (.typed(let a, let b), .typed(let c, let d)):
                return a != c ? precedes(a, c) : precedes(b, d)
            case (.element, .typed): return true
            case (.typed, .element): return false
            }
        }
    }

    // MARK: Building the string

    enum Builder {
        /// Strings in the order of their UTF-8 bytes (that of their code points).
        static func precedes(_ left: String, _ right: String) -> Bool {
            left.utf8.lexicographicallyPrecedes(right.utf8)
        }

        /// Writes the fields of `children` that `order` names, in its order, each removed from `children` once
        /// nothing of it is left; a structured field's user extensions (in a namespace ending with `/`) follow its
        /// fields.
        static func ordered(_ children: inout [Node], _ order: Properties, into result: inout [UInt8]) {
            let extensions = userExtensions(&children)
            // The children that `order` names, by their place in it, in the order they come.
            var named = [(property: Int, child: Int)]()
            for (index, child) in children.enumerated() {
                if case .element(let element) = child, let position = order.position[element.name] {
                    named.append((position, index))
                }
            }
            named.sort { $0.property != $1.property ? $0.property < $1.property : $0.child < $1.child }
            var consumed = [Int]()
            var start = 0
            while start < named.count {
                let property = order.list[named[start].property]
                var end = start + 1
                while end < named.count, named[end].property == named[start].property { end += 1 }
                // A field that comes once is written as it is; repeated ones in sorted order.
                var values = [[UInt8]]()
                for entry in named[start..<end] {
                    let emptied = children[entry.child].modifyElement { element in
                        if end - start == 1 {
                            field(&element, property, into: &result)
                        } else {
                            var text = [UInt8]()
                            field(&element, property, into: &text)
                            if !text.isEmpty { values.append(text) }
                        }
                        return element.children.isEmpty
                    }
                    if emptied == true { consumed.append(entry.child) }
                }
                for value in values.sorted(by: { $0.lexicographicallyPrecedes($1) }) { result += value }
                start = end
            }
            if !consumed.isEmpty {
                var isConsumed = [Bool](repeating: false, count: children.count)
                for index in consumed { isConsumed[index] = true }
                var index = 0
                children.removeAll { _ in
                    defer { index += 1 }
                    return isConsumed[index]
                }
            }
            if !extensions.isEmpty { generic(extensions, into: &result) }
        }

        /// Writes one field: `name=value` and its members in their order; nothing if it has neither.
        private static func field(_ element: inout Node.Element, _ property: Property, into result: inout [UInt8]) {
            let start = result.count
            result += element.name.utf8
            let named = result.count
            if !element.text.isEmpty {
                let value = property.isTime ? time(element.text) : canonical(element.text)
                if !value.isEmpty {
                    result.append(UInt8(ascii: "="))
                    result += value.utf8
                }
            }
            if let members = property.members { ordered(&element.children, members, into: &result) }
            if result.count == named { result.removeSubrange(start...) }
        }

        /// Removes and returns the user extensions among the members of a structured field: children whose namespace
        /// ends with `/`. (The event's own children are not a structured field: they hold `eventTime` or `action`.)
        private static func userExtensions(_ children: inout [Node]) -> [Node] {
            guard children.count > 1 else { return [] }
            let isEvent = children.contains { child in
                child.name.map { $0.containsASCII("eventTime") || $0.containsASCII("action") } ?? false
            }
            if isEvent { return [] }
            let isExtension = { (node: Node) in
                node.name.map { $0.containsASCII("{") && $0.containsASCII("/}") } ?? false
            }
            guard children.contains(where: isExtension) else { return [] }
            let extensions = children.filter(isExtension)
            children.removeAll(where: isExtension)
            return extensions
        }

        /// Writes nodes in no set order: each `name=value` followed by its children, sorted unless they are a typed
        /// item's type and value.
        static func generic(_ nodes: [Node], into result: inout [UInt8]) {
            if nodes.count <= 1 || nodes.contains(where: \.isTypedItem) {
                for node in nodes { write(node, into: &result) }
                return
            }
            let values = nodes.map { node in
                var bytes = [UInt8]()
                write(node, into: &bytes)
                return bytes
            }
            for value in values.sorted(by: { $0.lexicographicallyPrecedes($1) }) { result += value }
        }

        /// Writes one node of ``generic(_:into:)``.
        private static func write(_ node: Node, into result: inout [UInt8]) {
            switch node {
            case .typed(let type, let value):
                generic([type, value], into: &result)
            case .element(let element):
                result += element.name.utf8
                if !element.text.isEmpty {
                    result.append(UInt8(ascii: "="))
                    result += canonical(element.text).utf8
                }
                generic(element.children, into: &result)
            }
        }

        /// A value in canonical form: CBV URNs as web URIs, numbers in their shortest form, GS1 identifiers as
        /// Digital Link URIs.
        static func canonical(_ value: String) -> String {
            // CBV URNs, EPC URIs and Digital Links all hold a colon; other values can only be numbers.
            guard value.utf8.contains(UInt8(ascii: ":")) else { return CanonicalNumber.text(value) }
            let number = CanonicalNumber.text(Vocabulary.webURI(value) ?? value)
            return GS1DigitalLink.canonical(number) ?? number
        }

        /// A time in UTC with milliseconds (`2005-04-04T02:33:31.116Z`), or the text as it is if it is no time.
        static func time(_ text: String) -> String {
            CanonicalTime(text)?.text ?? text
        }
    }
}

/// CBV terms in the forms the event hash writes them.
enum Vocabulary {
    private static let urns = [
        ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ]

    /// `value` with each CBV URN prefix it contains replaced by its web URI form; `nil` if it contains none.
    static func webURI(_ value: String) -> String? {
        guard value.containsASCII("urn:epcglobal:cbv:") else { return nil }
        var result = value
        for (urn, web) in urns { result = result.replacingOccurrences(of: urn, with: web) }
        return result
    }

    /// The value of the field or attribute `name` inside `parent`: a bare word of a CBV or GS1 vocabulary (JSON-LD
    /// writes them so) as its URI, a `cbv:` or `gs1:` CURIE expanded; anything else as it is.
    static func expand(_ value: String, name: String, in parent: String?) -> String {
        if let first = value.utf8.first, first == UInt8(ascii: "g") || first == UInt8(ascii: "c") {
            if value.utf8.starts(with: "gs1:".utf8) { return "https://gs1.org/voc/" + value.dropFirst(4) }
            if value.utf8.starts(with: "cbv:".utf8) { return "https://ref.gs1.org/cbv/" + value.dropFirst(4) }
        }
        guard !value.isEmpty, !value.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") })
        else {
            return value
        }
        let prefix: String? =
            switch name {
            case "bizStep": "https://ref.gs1.org/cbv/BizStep-"
            case "disposition": "https://ref.gs1.org/cbv/Disp-"
            case "set", "unset": parent == "persistentDisposition" ? "https://ref.gs1.org/cbv/Disp-" : nil
            case "type":
                switch parent {
                case "bizTransaction": "https://ref.gs1.org/cbv/BTT-"
                case "source", "destination": "https://ref.gs1.org/cbv/SDT-"
                case "sensorReport": "https://gs1.org/voc/"
                default: nil
                }
            case "reason": parent == "errorDeclaration" ? "https://ref.gs1.org/cbv/ER-" : nil
            case "exception": parent == "sensorReport" ? "https://gs1.org/voc/" : nil
            case "component": parent == "sensorReport" ? "https://ref.gs1.org/cbv/Comp-" : nil
            default: nil
            }
        return prefix.map { $0 + value } ?? value
    }
}

/// A number written in its shortest form, as the event hash wants it (`1.50` → `1.5`, `+2200.0` → `2200`): a value
/// that reads as a decimal number (optional sign, digits with `_` between them, a fraction, an exponent) becomes the
/// shortest text of the nearest double, an integral one without a fraction. Anything else is left as it is.
enum CanonicalNumber {
    static func text(_ value: String) -> String {
        // Most values are no numbers: the first byte tells.
        guard let first = value.utf8.first,
            (0x30...0x39).contains(first) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: ".")
        else { return value }
        let trimmed = XMLTree.trimmed(value)
        guard isDecimal(trimmed),
            let number = Double(trimmed.utf8.contains(UInt8(ascii: "_")) ? trimmed.filter { $0 != "_" } : trimmed),
            number.isFinite
        else { return value }
        if number == number.rounded(.towardZero) {
            if let integer = Int64(exactly: number) { return String(integer) }
            return String(format: "%.0f", number)
        }
        return "\(number)"
    }

    private static func isDecimal(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        var digits = 0
        var previous: UInt8 = 0
        var seenPoint = false
        while let byte = bytes.first {
            if (0x30...0x39).contains(byte) {
                digits += 1
            } else if byte == UInt8(ascii: "_") {
                // Only between digits.
                guard (0x30...0x39).contains(previous), let next = bytes.dropFirst().first, (0x30...0x39).contains(next)
                else { return false }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            previous = byte
            bytes = bytes.dropFirst()
        }
        guard digits > 0 else { return false }
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty, bytes.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") }) else {
                return false
            }
            return true
        }
        return bytes.isEmpty
    }
}

/// An ISO 8601 date-time (`YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`) as UTC with milliseconds, rounded half to even
/// from the microsecond.
struct CanonicalTime {
    let text: String

    init?(_ value: String) {
        let bytes = Array(value.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ (0x30...0x39).contains($0) }) else {
                return nil
            }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), let year = number(0..<4), let month = number(5..<7),
            let day = number(8..<10), let hour = number(11..<13), let minute = number(14..<16),
            let second = number(17..<19), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var index = 19
        var microseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                if digits < 6 { microseconds = microseconds * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<6 where digits < 6 { microseconds *= 10 }
        }
        var offsetMinutes = 0
        let rest = bytes[index...]
        if rest.elementsEqual("Z".utf8) || rest.elementsEqual("z".utf8) {
            offsetMinutes = 0
        } else if rest.count == 6, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"),
            let hours = number(index + 1..<index + 3), bytes[index + 3] == UInt8(ascii: ":"),
            let minutes = number(index + 4..<index + 6)
        {
            offsetMinutes = (hours * 60 + minutes) * (rest.first == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        var seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60
        // Half to even, to the millisecond.
        var milliseconds = microseconds / 1_000
        let remainder = microseconds % 1_000
        if remainder > 500 || (remainder == 500 && !milliseconds.isMultiple(of: 2)) { milliseconds += 1 }
        if milliseconds == 1_000 {
            milliseconds = 0
            seconds += 1
        }
        // Back to the civil date and time in UTC.
        let dayCount = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - dayCount * 86_400
        let (yearOut, monthOut, dayOut) = Timestamp.civilFromDays(dayCount)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        text =
            "\(padded(yearOut, 4))-\(padded(monthOut, 2))-\(padded(dayOut, 2))T\(padded(secondOfDay / 3_600, 2)):"
            + "\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2)).\(padded(milliseconds, 3))Z"
    }
}

/// A reader of the event elements of an EPCIS document, XML or JSON-LD, before they are mapped onto ledger events.
public protocol EPCISEventStream {
    /// The next event element, or `nil` at the end of the document.
    func nextEvent() throws(LedgerError) -> EPCISEventElement?
}

extension EPCISDocument.Reader: EPCISEventStream {}
extension EPCISJSONDocument.Reader: EPCISEventStream {}

extension EPCISEventHash {
    /// The events of the EPCIS document at `path`, XML or JSON-LD as its first character says.
    ///
    /// - Throws: ``LedgerError`` as ``EPCISDocument/makeReader()`` and ``EPCISJSONDocument/makeReader()``, or
    ///   `invalidRecord` for a file that is no EPCIS document.
    public static func events(path: String) throws(LedgerError) -> any EPCISEventStream {
        switch try InputFormat.Syntax(path: path) {
        case .json: return try EPCISJSONDocument(path: path).makeReader()
        case .xml: return try EPCISDocument(path: path).makeReader()
        case .csv:
            throw LedgerError(
                .invalidRecord, "not an EPCIS document: it starts with neither '<' (XML) nor '{' (JSON-LD)",
                context: [path])
        }
    }
}

extension String {
    /// Whether the string holds the ASCII text `needle`, compared byte by byte (optionally ignoring ASCII case):
    /// what the event hash asks of names and values, without Foundation's locale-aware search.
    func containsASCII(_ needle: StaticString, ignoringCase: Bool = false) -> Bool {
        @inline(__always) func fold(_ byte: UInt8) -> UInt8 {
            ignoringCase && (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
        }
        var text = self
        return text.withUTF8 { haystack in
            needle.withUTF8Buffer { pattern in
                guard !pattern.isEmpty else { return true }
                guard haystack.count >= pattern.count else { return false }
                for start in 0...(haystack.count - pattern.count) {
                    var matched = 0
                    while matched < pattern.count, fold(haystack[start + matched]) == fold(pattern[matched]) {
                        matched += 1
                    }
                    if matched == pattern.count { return true }
                }
                return false
            }
        }
    }
}
