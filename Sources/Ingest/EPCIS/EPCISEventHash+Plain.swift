internal import LedgerCore

extension EPCISEventHash {
    /// The pre-hash bytes of a plain event, written straight from its elements; `nil` for any other event, which
    /// ``preHashBytes(of:)`` then reads through the general model (``Node``).
    ///
    /// A plain event is what most events are: no attributes, and only standard fields in their plain forms, each at
    /// most once: the single-valued fields of the canonical order (`eventTime`, `action`, `bizStep`…), the EPC and
    /// quantity lists, `readPoint` and `bizLocation` with one `id`, and the business transaction, source and
    /// destination lists whose every item has a `type`; `recordTime`, `eventID` and `errorDeclaration`, which the
    /// hash leaves out, may be there in any form. Anything else (an extension, `ilmd`, sensor data, a repeated or
    /// unusual field) makes the event general. The bytes are those the general model writes, field for field; the
    /// tests compare the two on every event they read.
    static func plainPreHashBytes(of event: XMLTree) -> [UInt8]? {
        guard event.attributes.isEmpty, var fields = PlainFields(event.children) else { return nil }
        var result = [UInt8]()
        result.reserveCapacity(512)
        result += "eventType=".utf8
        result += event.name.clark.utf8
        for slot in PlainFields.Slot.ordered {
            guard let element = fields.take(slot) else { continue }
            switch slot.shape {
            case .scalar:
                PlainWriter.leaf(
                    element.name.localName, text: element.trimmedText, isTime: slot == .eventTime, into: &result)
            case .list(let item):
                PlainWriter.list(element, item: item, into: &result)
            case .location:
                PlainWriter.list(element, item: "id", into: &result)
            case .quantities:
                PlainWriter.quantities(element, into: &result)
            case .typed:
                continue
            }
        }
        // The typed lists are what the general model leaves for its unordered part: each written whole, sorted.
        var rest = [[UInt8]]()
        for slot in PlainFields.Slot.typedLists {
            guard let element = fields.take(slot) else { continue }
            var bytes = Array(element.name.localName.utf8)
            PlainWriter.typedItems(element, into: &bytes)
            rest.append(bytes)
        }
        if rest.count > 1 { rest.sort { $0.lexicographicallyPrecedes($1) } }
        for bytes in rest { result += bytes }
        return result
    }

    /// The fields of a plain event by their slot, or `nil` for an event that is not plain.
    struct PlainFields {
        /// The standard fields a plain event may hold, in the canonical order, the typed lists last.
        enum Slot: Int, CaseIterable {
            case eventTime, eventTimeZoneOffset, certificationInfo, parentID, epcList, inputEPCList, childEPCs
            case quantityList, childQuantityList, inputQuantityList, outputEPCList, outputQuantityList
            case action, transformationID, bizStep, disposition, readPoint, bizLocation
            case bizTransactionList, sourceList, destinationList

            enum Shape: Equatable {
                case scalar
                case list(item: String)
                case quantities
                case location
                case typed(item: String)
            }

            static let typedLists: [Slot] = [.bizTransactionList, .sourceList, .destinationList]
            /// The slots of the canonical order.
            static let ordered = allCases.filter { !typedLists.contains($0) }

            var shape: Shape {
                switch self {
                case .epcList, .inputEPCList, .childEPCs, .outputEPCList: .list(item: "epc")
                case .quantityList, .childQuantityList, .inputQuantityList, .outputQuantityList: .quantities
                case .readPoint, .bizLocation: .location
                case .bizTransactionList: .typed(item: "bizTransaction")
                case .sourceList: .typed(item: "source")
                case .destinationList: .typed(item: "destination")
                default: .scalar
                }
            }

            init?(_ name: String) {
                switch name {
                case "eventTime": self = .eventTime
                case "eventTimeZoneOffset": self = .eventTimeZoneOffset
                case "certificationInfo": self = .certificationInfo
                case "parentID": self = .parentID
                case "epcList": self = .epcList
                case "inputEPCList": self = .inputEPCList
                case "childEPCs": self = .childEPCs
                case "quantityList": self = .quantityList
                case "childQuantityList": self = .childQuantityList
                case "inputQuantityList": self = .inputQuantityList
                case "outputEPCList": self = .outputEPCList
                case "outputQuantityList": self = .outputQuantityList
                case "action": self = .action
                case "transformationID": self = .transformationID
                case "bizStep": self = .bizStep
                case "disposition": self = .disposition
                case "readPoint": self = .readPoint
                case "bizLocation": self = .bizLocation
                case "bizTransactionList": self = .bizTransactionList
                case "sourceList": self = .sourceList
                case "destinationList": self = .destinationList
                default: return nil
                }
            }
        }

        private var slots = [XMLTree?](repeating: nil, count: Slot.allCases.count)

        init?(_ children: [XMLTree]) {
            guard add(children) else { return nil }
        }

        /// Adds the children of an event (or of an EPCIS 1.2 `extension` wrapper in it); false if one is not plain.
        private mutating func add(_ children: [XMLTree]) -> Bool {
            for child in children {
                guard child.name.namespaceURI.isEmpty else {
                    // What a ledger's export adds is not part of the event.
                    if child.name.namespaceURI == EPCISExport.namespace { continue }
                    return false
                }
                let name = child.name.localName
                switch name {
                case "extension", "baseExtension":
                    guard child.attributes.isEmpty, add(child.children) else { return false }
                    continue
                case "recordTime", "eventID", "errorDeclaration", "type", "comment":
                    continue
                default:
                    break
                }
                guard let slot = Slot(name), slots[slot.rawValue] == nil, child.attributes.isEmpty,
                    Self.isPlain(child, slot.shape)
                else { return false }
                slots[slot.rawValue] = child
            }
            return true
        }

        /// Removes and returns the field in `slot`.
        mutating func take(_ slot: Slot) -> XMLTree? {
            defer { slots[slot.rawValue] = nil }
            return slots[slot.rawValue]
        }

        /// Whether `element` (without attributes) has the plain form of `shape`.
        private static func isPlain(_ element: XMLTree, _ shape: Slot.Shape) -> Bool {
            switch shape {
            case .scalar:
                return element.children.isEmpty
            case .list(let item):
                return isBare(element) && element.children.allSatisfy { isLeaf($0, named: item) }
            case .location:
                return isBare(element) && element.children.count == 1 && isLeaf(element.children[0], named: "id")
            case .quantities:
                return isBare(element)
                    && element.children.allSatisfy { quantity in
                        guard quantity.name == XMLName("quantityElement"), isBare(quantity) else { return false }
                        var seen = Set<String>()
                        return quantity.children.allSatisfy { member in
                            ["epcClass", "quantity", "uom"].contains(member.name.localName)
                                && isLeaf(member, named: member.name.localName)
                                && seen.insert(member.name.localName).inserted
                        }
                    }
            case .typed(let item):
                return isBare(element) && !element.children.isEmpty
                    && element.children.allSatisfy { entry in
                        entry.name == XMLName(item) && entry.children.isEmpty && entry.attributes.count == 1
                            && entry.attributes[0].name == XMLName("type")
                    }
            }
        }

        /// An element with no attributes and no text of its own.
        private static func isBare(_ element: XMLTree) -> Bool {
            element.attributes.isEmpty && XMLTree.trimmed(element.text).isEmpty
        }

        /// An element in no namespace named `name`, with text only.
        private static func isLeaf(_ element: XMLTree, named name: String) -> Bool {
            element.name == XMLName(name) && element.attributes.isEmpty && element.children.isEmpty
        }
    }

    /// Writes the parts of a plain event as ``Builder`` writes them.
    enum PlainWriter {
        /// `name=value` for a field whose text is `text` (untrimmed or trimmed), nothing if its value is empty.
        static func leaf(_ name: String, text: String, isTime: Bool = false, into result: inout [UInt8]) {
            let expanded = Vocabulary.expand(XMLTree.trimmed(text), name: name, in: nil)
            guard !expanded.isEmpty else { return }
            let value = isTime ? Builder.time(expanded) : Builder.canonical(expanded)
            guard !value.isEmpty else { return }
            result += name.utf8
            result.append(UInt8(ascii: "="))
            result += value.utf8
        }

        /// A list of leaves named `item`: the list's name and its items' `item=value`, sorted; nothing if none has a
        /// value.
        static func list(_ element: XMLTree, item: String, into result: inout [UInt8]) {
            var entries = [[UInt8]]()
            entries.reserveCapacity(element.children.count)
            for child in element.children {
                var bytes = [UInt8]()
                leaf(item, text: child.text, into: &bytes)
                if !bytes.isEmpty { entries.append(bytes) }
            }
            write(element.name.localName, entries, into: &result)
        }

        /// A quantity list: each `quantityElement` with its `epcClass`, `quantity` and `uom` in that order, sorted.
        static func quantities(_ element: XMLTree, into result: inout [UInt8]) {
            var entries = [[UInt8]]()
            for quantity in element.children {
                var members = [UInt8]()
                for name in ["epcClass", "quantity", "uom"] {
                    if let member = quantity.children.first(where: { $0.name.localName == name }) {
                        leaf(name, text: member.text, into: &members)
                    }
                }
                if !members.isEmpty { entries.append(Array("quantityElement".utf8) + members) }
            }
            write(element.name.localName, entries, into: &result)
        }

        /// The items of a business transaction, source or destination list: each its `type=` and its value, sorted
        /// when there are several.
        static func typedItems(_ element: XMLTree, into result: inout [UInt8]) {
            var entries = [[UInt8]]()
            entries.reserveCapacity(element.children.count)
            for item in element.children {
                let name = item.name.localName
                var bytes = [UInt8]()
                let type = Vocabulary.expand(XMLTree.trimmed(item.attributes[0].value), name: "type", in: name)
                bytes += "type".utf8
                if !type.isEmpty {
                    bytes.append(UInt8(ascii: "="))
                    bytes += Builder.canonical(type).utf8
                }
                let value = Vocabulary.expand(item.trimmedText, name: name, in: element.name.localName)
                bytes += name.utf8
                if !value.isEmpty {
                    bytes.append(UInt8(ascii: "="))
                    bytes += Builder.canonical(value).utf8
                }
                entries.append(bytes)
            }
            if entries.count > 1 { entries.sort { $0.lexicographicallyPrecedes($1) } }
            for bytes in entries { result += bytes }
        }

        /// `name` and `entries` sorted, nothing if there are none.
        private static func write(_ name: String, _ entries: [[UInt8]], into result: inout [UInt8]) {
            guard !entries.isEmpty else { return }
            result += name.utf8
            if entries.count == 1 {
                result += entries[0]
                return
            }
            for bytes in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) { result += bytes }
        }
    }
}
