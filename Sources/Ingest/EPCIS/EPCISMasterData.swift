internal import Foundation
public import LedgerCore

/// The master data of a GS1 EPCIS document as versioned `facility` and `product` events (docs/epcis.md):
/// the business locations and read points of an `EPCISMasterDataDocument` or of an event document's header become the
/// signer's facilities, and its trade item classes (`EPCClass`) become products.
///
/// A location's fields come from the CBV's master data attributes (`urn:epcglobal:cbv:mda#name`, `#countryCode`,
/// `#latitude`, `#longitude`, `…mda:site` for the site it is part of) and from attributes in ``namespace`` for the
/// facility fields the CBV has no word for (`kind`, `capacity_per_day`…). A location listed in another's `children`,
/// or whose `site` names another, is that one's location (`parent_facility`); country, coordinates and kind it does not
/// give are its site's. A location already registered keeps the fields the document does not give. Every other
/// attribute is kept in the event's `extensions`, by attribute ID.
///
/// The document is read whole when the reader opens (master data is small beside events); versions follow
/// ``MasterDataVersions``, so importing the same document again is a no-op.
public struct EPCISMasterData: RecordSource {
    /// The namespace of the attributes that give facility fields the CBV has no attribute for.
    public static let namespace = "urn:provenance:mda"

    /// What the ledger already holds that the mapping needs: the signer, its facilities' current fields, the products.
    public struct Context: Sendable {
        /// The participant that signs the events: the party of every facility.
        public let party: String
        /// Facility ID → the fields of its current version.
        public let facilities: [String: [String: JSONValue]]
        public let products: ProductCatalog

        public init(party: String, facilities: [String: [String: JSONValue]], products: ProductCatalog) {
            self.party = party
            self.facilities = facilities
            self.products = products
        }
    }

    /// Which vocabularies become events.
    public struct Vocabularies: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Business locations and read points, as facilities.
        public static let locations = Vocabularies(rawValue: 1)
        /// Trade item classes (`EPCClass`), as products.
        public static let tradeItems = Vocabularies(rawValue: 2)
        public static let all: Vocabularies = [.locations, .tradeItems]
    }

    static let locationVocabularies: Set<String> = [
        "urn:epcglobal:epcis:vtype:BusinessLocation", "urn:epcglobal:epcis:vtype:ReadPoint",
        "urn:epcglobal:epcis:vtype:Location",
    ]
    static let tradeItemVocabulary = "urn:epcglobal:epcis:vtype:EPCClass"

    public let path: String
    public let context: Context
    public let vocabularies: Vocabularies
    public let recordedAt: Timestamp

    public init(path: String, context: Context, vocabularies: Vocabularies = .all, recordedAt: Timestamp) {
        self.path = path
        self.context = context
        self.vocabularies = vocabularies
        self.recordedAt = recordedAt
    }

    public var name: String { path }
    public var byteCount: Int { InputFormat.fileSize(atPath: path) }

    /// Reads the document's master data and maps it.
    ///
    /// - Throws: ``LedgerError`` as ``EPCISVocabularyReader/elements(path:)``.
    public func makeReader() throws(LedgerError) -> Reader {
        let elements = try EPCISVocabularyReader.elements(path: path)
        var mapping = Mapping(context: context, recordedAt: recordedAt, file: path)
        var items = [SourceItem]()
        if vocabularies.contains(.locations) {
            items += mapping.facilities(elements.filter { Self.locationVocabularies.contains($0.vocabulary) })
        }
        if vocabularies.contains(.tradeItems) {
            items += mapping.products(elements.filter { $0.vocabulary == Self.tradeItemVocabulary })
        }
        return Reader(path: path, items: items, byteCount: byteCount)
    }

    /// The events of a document's master data, mapped when it was opened.
    public struct Reader: RecordReader {
        let path: String
        var items: [SourceItem]
        let byteCount: Int
        var position = 0

        public var bytesRead: Int { position == items.count ? byteCount : 0 }
        public var rejectColumns: [String] { Mapping.rejectColumns }

        public func location(line: Int, field: String) -> [String] {
            ["\(path):\(line)", "field \(field)"]
        }

        public mutating func next() throws(LedgerError) -> SourceItem? {
            guard position < items.count else { return nil }
            position += 1
            return items[position - 1]
        }
    }
}

extension EPCISMasterData {
    /// How vocabulary elements become events.
    struct Mapping {
        static let rejectColumns = ["place", "id", "vocabulary"]

        let context: Context
        let recordedAt: Timestamp
        let file: String

        /// The fields mapped so far, by facility ID: a location's site may be earlier in the document.
        private var mapped = [String: [String: JSONValue]]()

        init(context: Context, recordedAt: Timestamp, file: String) {
            self.context = context
            self.recordedAt = recordedAt
            self.file = file
        }

        // MARK: Locations

        /// The facility events of the location elements, each site before its locations; elements with the same ID
        /// (a place that is both a business location and a read point) are one facility.
        mutating func facilities(_ elements: [EPCISVocabularyElement]) -> [SourceItem] {
            let merged = Self.merge(elements)
            var parents = [String: String]()
            for element in merged {
                for child in element.children where child != element.id { parents[child] = element.id }
            }
            for element in merged {
                if let site = Self.value(of: element, cbv: "site"), site != element.id { parents[element.id] = site }
                if let own = Self.value(of: element, own: "parent_facility") { parents[element.id] = own }
            }
            let byID = Dictionary(merged.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            // The site each location takes what it does not give from: its parent, or the site its SGLN implies.
            let site = { (id: String) in parents[id] ?? GLN.impliedSite(ofLocation: id) }
            var items = [SourceItem]()
            var done = Set<String>()
            for element in merged {
                // The element's chain of sites within the document, the top first.
                var chain = [element]
                var seen: Set<String> = [element.id]
                while let parent = site(chain[0].id), let entry = byID[parent], !done.contains(parent),
                    seen.insert(parent).inserted
                {
                    chain.insert(entry, at: 0)
                }
                for entry in chain where done.insert(entry.id).inserted {
                    items.append(facility(entry, parent: parents[entry.id], site: site(entry.id)))
                }
            }
            return items
        }

        private mutating func facility(_ element: EPCISVocabularyElement, parent: String?, site: String?)
            -> SourceItem
        {
            let registered = context.facilities[element.id].flatMap {
                $0["party"]?.stringValue == context.party ? $0 : nil
            }
            var fields = registered ?? [:]
            fields["facility"] = .string(element.id)
            fields["party"] = .string(context.party)
            var extensions = fields["extensions"]?.objectValue ?? [:]
            for attribute in element.attributes {
                if let field = Self.facilityField(attribute.id) {
                    fields[field] = Self.scalar(attribute.value)
                } else {
                    extensions[attribute.id] = Self.plain(attribute.value)
                }
            }
            if let parent { fields["parent_facility"] = .string(parent) }
            if fields["name"] == nil { fields["name"] = .string(element.id) }
            // What a location does not say, its site does.
            if let site, let fieldsOfSite = mapped[site] ?? context.facilities[site] {
                for field in ["kind", "country", "latitude", "longitude"] where fields[field] == nil {
                    fields[field] = fieldsOfSite[field]
                }
            }
            fields["extensions"] = extensions.isEmpty ? nil : .object(extensions)
            let missing = ["kind", "country", "latitude", "longitude"].filter { fields[$0] == nil }
            guard missing.isEmpty else {
                let attributes = missing.map { Self.attributeName(of: $0) }.joined(separator: ", ")
                return reject(
                    element,
                    "location '\(element.id)' gives no \(missing.joined(separator: ", ")), and no site of it does: give it the attribute\(missing.count > 1 ? "s" : "") \(attributes), or a site (\(Self.cbvPrefix)site) that has them"
                )
            }
            do throws(LedgerError) {
                let content = try MasterDataVersions(kind: .facility, idColumn: "facility_id", idField: "facility")
                    .content(fields, recordedAt: recordedAt)
                mapped[element.id] = content.publicFields
                return .record(SourceRecord(line: element.line, content: content, cells: cells(element)))
            } catch {
                let field = error.context.last { $0.hasPrefix("field ") }?.dropFirst("field ".count)
                return reject(
                    element, field.map { "\(Self.attributeName(of: String($0))): \(error.reason)" } ?? error.reason)
            }
        }

        // MARK: Trade items

        /// The product events of the trade item classes: one product per GTIN, named by its GTIN-14, whatever
        /// form (SGTIN pattern, LGTIN, Digital Link) each element names it in; a class that names no GTIN is a product
        /// of that ID. A GTIN that already names a product registered otherwise adds nothing.
        mutating func products(_ elements: [EPCISVocabularyElement]) -> [SourceItem] {
            var order = [String]()
            var groups = [String: (gtin: String?, elements: [EPCISVocabularyElement])]()
            for element in elements {
                let gtin = EPCIdentifier(element.id)?.gtin ?? EPCIdentifier.gtin14(element.id)
                let code = gtin ?? element.id
                if groups[code] == nil { order.append(code) }
                groups[code, default: (gtin, [])].elements.append(element)
            }
            var items = [SourceItem]()
            for code in order {
                guard let group = groups[code], let first = group.elements.first else { continue }
                if let gtin = group.gtin, let registered = context.products.byGTIN[gtin], registered != code {
                    continue
                }
                var fields: [String: JSONValue] = ["product": .string(code)]
                if let gtin = group.gtin { fields["gtins"] = .array([.string(gtin)]) }
                var extensions = [String: JSONValue]()
                for element in group.elements {
                    if fields["name"] == nil, let name = Self.productName(element) { fields["name"] = .string(name) }
                    var attributes = [String: JSONValue]()
                    for attribute in element.attributes { attributes[attribute.id] = Self.plain(attribute.value) }
                    if !attributes.isEmpty { extensions[element.id] = .object(attributes) }
                }
                if fields["name"] == nil { fields["name"] = .string(first.id) }
                if !extensions.isEmpty { fields["extensions"] = .object(extensions) }
                do throws(LedgerError) {
                    let content = try MasterDataVersions(kind: .product, idColumn: "product_id", idField: "product")
                        .content(fields, recordedAt: recordedAt)
                    items.append(.record(SourceRecord(line: first.line, content: content, cells: cells(first))))
                } catch {
                    items.append(reject(first, error.reason))
                }
            }
            return items
        }

        // MARK: Attributes

        static let cbvPrefix = "urn:epcglobal:cbv:mda#"
        /// The prefixes of attribute IDs: the CBV's (`#` in XML, `:` as JSON-LD's `cbvmda` forms it), the GS1 Web
        /// Vocabulary's, and ``namespace``'s.
        static let cbvPrefixes = [cbvPrefix, "urn:epcglobal:cbv:mda:"]
        static let webPrefixes = ["https://gs1.org/voc/", "http://gs1.org/voc/"]
        static let ownPrefixes = [namespace + "#", namespace + ":"]

        /// The facility field an attribute gives, if any.
        static func facilityField(_ id: String) -> String? {
            if let term = term(id, in: cbvPrefixes) {
                return ["name": "name", "countryCode": "country", "latitude": "latitude", "longitude": "longitude"][
                    term]
            }
            if let term = term(id, in: webPrefixes) {
                return ["physicalLocationName": "name", "latitude": "latitude", "longitude": "longitude"][term]
            }
            if let term = term(id, in: ownPrefixes) {
                return ["kind", "capacity_per_day", "unit", "workers", "certificate", "certificate_expires"]
                    .contains(term) ? term : nil
            }
            return nil
        }

        /// The attribute that gives a facility field, for messages.
        static func attributeName(of field: String) -> String {
            switch field {
            case "country": cbvPrefix + "countryCode"
            case "name", "latitude", "longitude": cbvPrefix + field
            default: "\(namespace)#\(field)"
            }
        }

        private static func term(_ id: String, in prefixes: [String]) -> String? {
            prefixes.first { id.hasPrefix($0) }.map { String(id.dropFirst($0.count)) }
        }

        /// The text of the element's CBV attribute `cbv` (`site`, written `urn:epcglobal:cbv:mda:site`).
        static func value(of element: EPCISVocabularyElement, cbv name: String) -> String? {
            text(of: element) { term($0, in: cbvPrefixes) == name }
        }

        /// The text of the element's attribute `name` in ``namespace``.
        static func value(of element: EPCISVocabularyElement, own name: String) -> String? {
            text(of: element) { term($0, in: ownPrefixes) == name }
        }

        private static func text(of element: EPCISVocabularyElement, where matches: (String) -> Bool) -> String? {
            element.attributes.last { matches($0.id) }.flatMap { scalar($0.value).stringValue }
                .flatMap { $0.isEmpty ? nil : $0 }
        }

        /// A trade item's name: its short description, regulated name, functional name or GS1 product name.
        static func productName(_ element: EPCISVocabularyElement) -> String? {
            for wanted in ["descriptionShort", "regulatedProductName", "tradeItemDescription", "functionalName"] {
                if let attribute = element.attributes.last(where: {
                    term($0.id, in: cbvPrefixes) == wanted
                }), let name = scalar(attribute.value).stringValue, !name.isEmpty {
                    return name
                }
            }
            return element.attributes.last {
                term($0.id, in: webPrefixes) == "productName"
            }.flatMap { scalar($0.value).stringValue }
        }

        /// A field's value: text as it is, a number by its lexeme, a language-tagged value (`{"@value": …}`) or the
        /// first of a list by its value.
        static func scalar(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string: value
            case .number(let lexeme): .string(lexeme)
            case .array(let items): items.first.map(scalar) ?? .null
            case .object(let members): members["@value"].map(scalar) ?? value
            default: plain(value)
            }
        }

        /// A value for `extensions`, spelled as its XML form would be: numbers and booleans as text, so that an XML
        /// document and its JSON twin keep the same value.
        static func plain(_ value: JSONValue) -> JSONValue {
            switch value {
            case .number(let lexeme): .string(lexeme)
            case .bool(let flag): .string(flag ? "true" : "false")
            case .array(let items): .array(items.map(plain))
            case .object(let members): .object(members.mapValues(plain))
            default: value
            }
        }

        /// Elements with the same ID as one, in the order of their first appearance: attributes in document order
        /// (a later value of an attribute wins where they are read), children joined.
        static func merge(_ elements: [EPCISVocabularyElement]) -> [EPCISVocabularyElement] {
            var order = [String]()
            var byID = [String: EPCISVocabularyElement]()
            for element in elements {
                guard let earlier = byID[element.id] else {
                    order.append(element.id)
                    byID[element.id] = element
                    continue
                }
                byID[element.id] = EPCISVocabularyElement(
                    vocabulary: earlier.vocabulary, id: earlier.id, attributes: earlier.attributes + element.attributes,
                    children: earlier.children + element.children.filter { !earlier.children.contains($0) },
                    line: earlier.line, place: earlier.place)
            }
            return order.compactMap { byID[$0] }
        }

        private func cells(_ element: EPCISVocabularyElement) -> [String] {
            [element.place, element.id, element.vocabulary]
        }

        private func reject(_ element: EPCISVocabularyElement, _ reason: String) -> SourceItem {
            .reject(
                SourceReject(
                    line: element.line, fields: cells(element),
                    error: LedgerError(
                        .invalidRecord, reason, context: ["\(file):\(element.line)", element.place, "id \(element.id)"]),
                    columns: Self.rejectColumns))
        }
    }
}
