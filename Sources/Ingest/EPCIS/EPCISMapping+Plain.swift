internal import LedgerCore

extension EPCISMapping {
    /// The ledger events of a plain JSON-LD event (``EPCISPlainEvent``) whose business step makes it a `produce`,
    /// `ship` or `receive` event and which has the data that kind needs: those ``contents(of:file:hash:)`` gives for
    /// its tree. `nil` for any other (an observation, a ship without destination, a time that does not read), which
    /// the caller then maps through its tree, where it becomes `observe` or a reject with its place.
    static func contents(ofPlain event: EPCISPlainEvent, hash: String) -> [EventContent]? {
        let kind = objectEventKind(bizStep: event.bizStep)
        guard kind != .observe, let occurredAt = instant(time: event.eventTime, offset: event.eventTimeZoneOffset ?? "")
        else { return nil }
        let parts = parts(epcs: event.epcList, quantities: event.quantityList, lot: nil)
        guard !parts.isEmpty else { return nil }
        var extensions = event.supplyChainExtensions
        // Room for the shared fields and those of the part: merged into one, they are the event's.
        var shared = [String: JSONValue](minimumCapacity: 12)
        if let facility = event.bizLocation ?? event.readPoint { shared["facility"] = .string(facility) }
        if let certificate = event.certificationInfo { shared["certificate"] = .string(certificate) }
        let transactions = event.bizTransactionList ?? []
        switch kind {
        case .ship:
            guard
                let destination = choose(
                    event.destinationList, entry: "destination", list: "destinationList", extensions: &extensions)
            else { return nil }
            shared["destination"] = .string(destination)
            if let shipment = shipmentID(transactions) ?? event.eventID { shared["shipment_id"] = .string(shipment) }
        case .receive:
            if let origin = choose(event.sourceList, entry: "source", list: "sourceList", extensions: &extensions) {
                shared["origin"] = .string(origin)
            }
            if let shipment = shipmentID(transactions) ?? event.eventID { shared["shipment_id"] = .string(shipment) }
        default:
            // A plain event has no due-diligence statement (the tree's `eudr` extensions): its fields stay out.
            break
        }
        shared["extensions"] = .object(extensions)
        shared["event_hash"] = .string(hash)
        return try? contents(
            kind, recordID: event.eventID ?? hash, occurredAt: occurredAt, parts: parts.map(\.fields),
            shared: consume shared)
    }

    /// The business transaction that identifies a shipment: a despatch advice, else a bill of lading, else a purchase
    /// order; else the first.
    private static func shipmentID(_ transactions: [EPCISTypedEntry]) -> String? {
        let typed = ["desadv", "bol", "po"].lazy.compactMap { preferred in
            transactions.first { CBV.term($0.type, urn: "btt", web: "BTT") == preferred }
        }.first
        return (typed ?? transactions.first)?.value
    }

    /// The source or destination to map from `entries`: the one of type `location`, else the first. The others stay
    /// in `extensions` under `list`, and the type of the one mapped under `{entry}_type` when it is no location.
    private static func choose(
        _ entries: [EPCISTypedEntry]?, entry: String, list: String, extensions: inout [String: JSONValue]
    ) -> String? {
        guard let entries, !entries.isEmpty else { return nil }
        let isLocation: (EPCISTypedEntry) -> Bool = { CBV.term($0.type, urn: "sdt", web: "SDT") == "location" }
        let chosen = entries.first(where: isLocation) ?? entries[0]
        extensions[list] = EPCISPlainEvent.list(entries.filter { $0 != chosen }, item: entry)
        if !isLocation(chosen) { extensions["\(entry)_type"] = .string(chosen.type) }
        return chosen.value
    }
}
