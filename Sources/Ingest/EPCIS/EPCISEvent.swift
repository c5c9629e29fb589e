internal import LedgerCore

/// One EPCIS event element with its standard fields gathered from wherever EPCIS 1.2 or 2.0 puts
/// them: 1.2 nests later fields in `<extension>` (and `eventID`/`errorDeclaration` in
/// `<baseExtension>`), 2.0 has them directly in the event. Both are read alike by flattening the
/// unqualified `extension` and `baseExtension` elements.
struct EPCISEvent {
    let element: XMLTree
    /// The event type: the element's local name (`ObjectEvent`…), in Clark notation if namespaced.
    let type: String
    /// Every child after flattening, in document order: standard fields (no namespace) and
    /// extension elements (any other namespace).
    private(set) var children = [XMLTree]()
    /// The lot an export wrote in ``EPCISExport/namespace`` for an event whose product is no GTIN and whose action
    /// is not `ADD` (so that it has no ILMD).
    private(set) var exportedLot: String?

    init(_ element: XMLTree) {
        self.element = element
        type = element.name.clark
        flatten(element.children)
    }

    private mutating func flatten(_ elements: [XMLTree]) {
        for child in elements {
            if child.name.namespaceURI.isEmpty,
                child.name.localName == "extension" || child.name.localName == "baseExtension"
            {
                flatten(child.children)
            } else if child.name.namespaceURI != EPCISExport.namespace {
                children.append(child)
            } else if child.name.localName == "lot" {
                // What an export added is not part of the event, but for the lot of an event that has no other
                // place for it.
                exportedLot = child.trimmedText.isEmpty ? nil : child.trimmedText
            }
        }
    }

    /// The first standard field named `name`.
    func field(_ name: String) -> XMLTree? {
        children.first { $0.name.namespaceURI.isEmpty && $0.name.localName == name }
    }

    /// How many standard fields are named `name`.
    func count(_ name: String) -> Int {
        children.count { $0.name.namespaceURI.isEmpty && $0.name.localName == name }
    }

    /// The trimmed text of the standard field `name`, `nil` if absent or empty.
    func text(_ name: String) -> String? {
        field(name).map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The EPCs of the list field `name` (`epcList`, `childEPCs`, `inputEPCList`…).
    func epcs(_ name: String) -> [String] {
        (field(name)?.children("epc") ?? []).map(\.trimmedText).filter { !$0.isEmpty }
    }

    /// The `quantityElement`s of the list field `name` (`quantityList`, `childQuantityList`…).
    func quantities(_ name: String) -> [EPCISQuantity] {
        (field(name)?.children("quantityElement") ?? []).map(EPCISQuantity.init)
    }

    /// The `id` of the standard field `name` (`bizLocation`, `readPoint`).
    func locationID(_ name: String) -> String? {
        field(name)?.child("id").map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The event as JSON for the `extensions` field: every child except the standard fields named
    /// in `consumed` (those the ledger fields already hold), keyed by Clark name, plus the event
    /// element's own attributes as `@name`, plus `replacements` (a `nil` value drops the key).
    func extensions(
        consuming consumed: Set<String>, replacing replacements: [String: JSONValue?] = [:]
    ) -> [String: JSONValue] {
        var members = [String: JSONValue]()
        for attribute in element.attributes {
            members["@" + attribute.name.clark] = .string(attribute.value)
        }
        let kept = children.filter { !($0.name.namespaceURI.isEmpty && consumed.contains($0.name.localName)) }
        XMLTree.addMembers(kept, to: &members)
        for (key, value) in replacements {
            members[key] = value
        }
        return members
    }
}

/// Terms of the GS1 Core Business Vocabulary, written in any of the three forms EPCIS allows: the
/// URN (`urn:epcglobal:cbv:bizstep:shipping`), the web URI
/// (`https://ref.gs1.org/cbv/BizStep-shipping`) or the bare word (`shipping`).
enum CBV {
    /// The term of `value` in the vocabulary with URN part `urn` (`bizstep`, `btt`, `sdt`) and web
    /// part `web` (`BizStep`, `BTT`, `SDT`); `nil` for a value of another vocabulary or a private one.
    static func term(_ value: String, urn: String, web: String) -> String? {
        // A bare word, the form JSON-LD writes, is the term itself.
        let isWord = !value.utf8.contains { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }
        if isWord { return value }
        for prefix in [
            "urn:epcglobal:cbv:\(urn):", "https://ref.gs1.org/cbv/\(web)-", "http://ref.gs1.org/cbv/\(web)-",
        ]
        where value.hasPrefix(prefix) {
            return String(value.dropFirst(prefix.count))
        }
        return nil
    }
}

extension EPCISQuantity {
    /// The values of a `quantityElement`; an `xsi:nil` quantity is none.
    init(_ element: XMLTree) {
        func value(_ name: String) -> String? {
            guard let child = element.child(name), name != "quantity" || !child.isNil else { return nil }
            let text = child.trimmedText
            return text.isEmpty ? nil : text
        }
        self.init(epcClass: value("epcClass"), quantity: value("quantity"), uom: value("uom"))
    }
}
