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
                PlainWriter.list(element.name.localName, item: item, element.children.lazy.map(\.text), into: &result)
            case .location:
                PlainWriter.list(element.name.localName, item: "id", element.children.lazy.map(\.text), into: &result)
            case .quantities:
                PlainWriter.quantities(
                    element.name.localName, element.children.lazy.map(EPCISQuantity.init), into: &result)
            case .typed:
                continue
            }
        }
        // The typed lists are what the general model leaves for its unordered part: each written whole, sorted.
        var rest = [[UInt8]]()
        for slot in PlainFields.Slot.typedLists {
            guard case .typed(let entry) = slot.shape, let element = fields.take(slot) else { continue }
            let entries = element.children.map {
                EPCISTypedEntry(type: XMLTree.trimmed($0.attributes[0].value), value: $0.trimmedText)
            }
            rest.append(PlainWriter.typedList(element.name.localName, entry: entry, entries))
        }
        PlainWriter.appendSorted(rest, to: &result)
        return result
    }

    /// The pre-hash bytes of a plain JSON-LD event, as ``plainPreHashBytes(of:)-(XMLTree)`` writes those of its tree.
    static func plainPreHashBytes(of event: EPCISPlainEvent) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(512)
        result += "eventType=".utf8
        result += event.type.utf8
        PlainWriter.leaf("eventTime", text: event.eventTime, isTime: true, into: &result)
        for (name, value) in [
            ("eventTimeZoneOffset", event.eventTimeZoneOffset), ("certificationInfo", event.certificationInfo),
        ] {
            if let value { PlainWriter.leaf(name, text: value, into: &result) }
        }
        PlainWriter.list("epcList", item: "epc", event.epcList, into: &result)
        PlainWriter.quantities("quantityList", event.quantityList, into: &result)
        for (name, value) in [("action", event.action), ("bizStep", event.bizStep), ("disposition", event.disposition)]
        {
            if let value { PlainWriter.leaf(name, text: value, into: &result) }
        }
        for (name, value) in [("readPoint", event.readPoint), ("bizLocation", event.bizLocation)] {
            if let value { PlainWriter.list(name, item: "id", CollectionOfOne(value), into: &result) }
        }
        var rest = [[UInt8]]()
        for (list, entry, entries) in [
            ("bizTransactionList", "bizTransaction", event.bizTransactionList),
            ("sourceList", "source", event.sourceList),
            ("destinationList", "destination", event.destinationList),
        ] {
            if let entries { rest.append(PlainWriter.typedList(list, entry: entry, entries)) }
        }
        PlainWriter.appendSorted(rest, to: &result)
        return result
    }

    /// The CBV 2.0 event hash ID of a plain JSON-LD event: that of its tree.
    static func hash(ofPlain event: EPCISPlainEvent) -> String {
        hashID(preHashBytes: plainPreHashBytes(of: event))
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

        /// A list `name` of leaves named `item` whose texts are `texts`: the list's name and its items' `item=value`,
        /// sorted; nothing if none has a value.
        static func list(_ name: String, item: String, _ texts: some Sequence<String>, into result: inout [UInt8]) {
            var entries = [[UInt8]]()
            for text in texts {
                var bytes = [UInt8]()
                leaf(item, text: text, into: &bytes)
                if !bytes.isEmpty { entries.append(bytes) }
            }
            write(name, entries, into: &result)
        }

        /// A quantity list: each `quantityElement` with its `epcClass`, `quantity` and `uom` in that order, sorted.
        static func quantities(_ name: String, _ quantities: some Sequence<EPCISQuantity>, into result: inout [UInt8]) {
            var entries = [[UInt8]]()
            let element = Array("quantityElement".utf8)
            for quantity in quantities {
                var bytes = element
                if let epcClass = quantity.epcClass { leaf("epcClass", text: epcClass, into: &bytes) }
                if let amount = quantity.quantity { leaf("quantity", text: amount, into: &bytes) }
                if let uom = quantity.uom { leaf("uom", text: uom, into: &bytes) }
                if bytes.count > element.count { entries.append(bytes) }
            }
            write(name, entries, into: &result)
        }

        /// A business transaction, source or destination list `name` whose items are named `entry`: its name, then
        /// each item's `type=` and its value, sorted when there are several.
        static func typedList(_ name: String, entry: String, _ items: [EPCISTypedEntry]) -> [UInt8] {
            var result = Array(name.utf8)
            var entries = [[UInt8]]()
            entries.reserveCapacity(items.count)
            for item in items {
                var bytes = [UInt8]()
                let type = Vocabulary.expand(item.type, name: "type", in: entry)
                bytes += "type".utf8
                if !type.isEmpty {
                    bytes.append(UInt8(ascii: "="))
                    bytes += Builder.canonical(type).utf8
                }
                let value = Vocabulary.expand(item.value, name: entry, in: name)
                bytes += entry.utf8
                if !value.isEmpty {
                    bytes.append(UInt8(ascii: "="))
                    bytes += Builder.canonical(value).utf8
                }
                entries.append(bytes)
            }
            appendSorted(entries, to: &result)
            return result
        }

        /// Appends `parts` in byte order.
        static func appendSorted(_ parts: [[UInt8]], to result: inout [UInt8]) {
            if parts.count == 1 {
                result += parts[0]
                return
            }
            for bytes in parts.sorted(by: { $0.lexicographicallyPrecedes($1) }) { result += bytes }
        }

        /// `name` and `entries` sorted, nothing if there are none.
        private static func write(_ name: String, _ entries: [[UInt8]], into result: inout [UInt8]) {
            guard !entries.isEmpty else { return }
            result += name.utf8
            appendSorted(entries, to: &result)
        }
    }
}
