public import LedgerCore
public import LedgerCrypto
internal import LedgerStorage
public import Pipeline

/// One event in a product's or lot's history.
public struct HistoryEntry: Sendable {
    /// How the event relates to what was asked for.
    public enum Relation: String, Sendable {
        /// The event concerns the asked-for product or lot itself.
        case subject
        /// The event concerns a lot that went into it (through transformations).
        case upstream
        /// The event concerns a lot made from it (through transformations).
        case downstream
    }

    public let index: Int
    public let blockHeight: Int
    public let event: SignedEvent
    public let relation: Relation
}

/// The timeline of a product or lot, across transformations, oldest first.
public struct History: Sendable {
    public let query: String
    /// Lots of the asked-for product or the asked-for lot itself.
    public let subjectLots: [String]
    public let upstreamLots: [String]
    public let downstreamLots: [String]
    public let entries: [HistoryEntry]
    /// The moves of the timeline's lots between two sites of one party that no ship or receive records.
    public let transfers: [UnrecordedMove]
}

/// A lot that turned up at another site of the party that held it, with no ship or receive between: an internal move
/// nobody recorded (docs/identity.md). Between two parties a missing ship or receive is not one.
public struct UnrecordedMove: Sendable, Hashable {
    public let lot: String
    /// The sites, each the top of its location chain.
    public let from: String
    public let to: String
    public let party: String
    /// The ledger indexes of the lot's last event at `from` and its first at `to`.
    public let after: Int
    public let before: Int

    /// As the CLI's and the API's histories list it (`unrecorded_transfers`).
    public var json: JSONValue {
        .object([
            "lot": .string(lot), "from": .string(from), "to": .string(to), "party": .string(party),
            "after_index": .integer(after), "before_index": .integer(before),
        ])
    }
}

/// One page of a product code's history: its own events, and the lots around the page's lots.
public struct ProductHistoryPage: Sendable {
    public let product: String
    /// The lots the page's events name, in the order they first appear.
    public let lots: [String]
    /// Lots the page's lots were made from, through transformations.
    public let upstreamLots: [String]
    /// Lots made from the page's lots, through transformations.
    public let downstreamLots: [String]
    /// The page's events, oldest first; all of them have the relation ``HistoryEntry/Relation/subject``.
    public let entries: [HistoryEntry]
    /// Whether events follow this page.
    public let hasMore: Bool
}

/// What a history query asks about.
public enum HistorySubject: Sendable {
    /// A product code or a lot ID, whichever matches.
    case any
    /// A product code: all its lots.
    case product
    /// One lot.
    case lot
}

/// A consistency proof between a checkpoint a reader holds and the ledger's current one.
public struct ConsistencyResult: Sendable {
    public let old: Checkpoint
    public let new: Checkpoint
    public let newNote: SignedNote
    public let proof: [Digest]
}

extension Ledger {
    /// Most lots one history query follows, upstream and downstream together.
    public static let historyLotLimit = 10_000

    /// The history of `identifier`, a product (by its code or a GTIN) or a lot ID: every event of its lots, of the lots
    /// that went into them (backwards through `transform` events) and of the lots made from them
    /// (forwards).
    ///
    /// With `withholdingSensitiveFields` the events come without their disclosures (what a reader
    /// who may see none of them gets), which also spares reading them.
    public func history(
        of identifier: String, as kind: HistorySubject = .any, withholdingSensitiveFields: Bool = false
    ) async throws(LedgerError) -> History {
        var subject = Set<String>()
        if kind != .lot {
            // A product is asked for by its code or by any GTIN, SGTIN, LGTIN or Digital Link of it; events name it
            // by its code or its GTIN-14s (docs/identity.md).
            for name in try await productNames(identifier) {
                subject.formUnion(try await store.lots(ofProduct: name))
            }
        }
        // A lot's own events, read once: the walk below needs them to exist, and the history holds them.
        var records = kind == .product ? [] : try await store.events(touchingLots: [identifier])
        if !records.isEmpty { subject.insert(identifier) }
        guard !subject.isEmpty else {
            let what =
                switch kind {
                case .any: "product or lot"
                case .product: "product"
                case .lot: "lot"
                }
            throw LedgerError(.notFound, "no \(what) '\(identifier)' in the ledger")
        }
        let (upstream, downstream) = try await relatedLots(of: subject)
        let unread = subject.union(upstream).union(downstream).subtracting(records.isEmpty ? [] : [identifier])
        if !unread.isEmpty {
            let read = Set(records.map(\.index))
            records += try await store.events(touchingLots: unread.sorted()).filter { !read.contains($0.index) }
        }
        var entries = [HistoryEntry]()
        for record in records {
            let event = try record.decode(withholdingDisclosures: withholdingSensitiveFields)
            let lots = Set([record.columns.lot].compactMap { $0 })
            let relation: HistoryEntry.Relation =
                !lots.isDisjoint(with: subject) ? .subject : !lots.isDisjoint(with: upstream) ? .upstream : .downstream
            entries.append(
                HistoryEntry(index: record.index, blockHeight: record.blockHeight, event: event, relation: relation))
        }
        entries.sort { ($0.event.header.occurredAt, $0.index) < ($1.event.header.occurredAt, $1.index) }
        return History(
            query: identifier, subjectLots: subject.sorted(), upstreamLots: upstream.sorted(),
            downstreamLots: downstream.sorted(),
            entries: entries, transfers: Self.unrecordedMoves(entries, facilities: try await masterDataNow().facilities)
        )
    }

    /// The facilities of `versions` (in ledger order) as the pipeline reads them: each one's latest version that
    /// holds what the pipeline needs.
    static func facilityProfiles(_ versions: some Sequence<MasterDataVersion>) -> [String: FacilityProfile] {
        var profiles = [String: FacilityProfile]()
        for version in versions {
            if let profile = FacilityProfile(fields: version.fields) { profiles[profile.id] = profile }
        }
        return profiles
    }

    /// Walks each lot through `entries` (in time order): a lot held at one site (its last event there not a ship)
    /// whose next event is at another site of the same party, and is not a receive, moved unrecorded.
    static func unrecordedMoves(_ entries: [HistoryEntry], facilities: [String: FacilityProfile]) -> [UnrecordedMove] {
        let identity = Identity(facilities: facilities)
        var held = [String: (site: String, index: Int, shipped: Bool)]()
        var moves = [UnrecordedMove]()
        for entry in entries {
            let header = entry.event.header
            guard let lot = header.publicFields["lot"]?.stringValue,
                let facility = header.publicFields["facility"]?.stringValue
            else { continue }
            let site = identity.site(of: facility)
            if let last = held[lot], !last.shipped, last.site != site, header.kind != .receive,
                let party = facilities[site]?.party, facilities[last.site]?.party == party
            {
                moves.append(
                    UnrecordedMove(
                        lot: lot, from: last.site, to: site, party: party, after: last.index, before: entry.index))
            }
            held[lot] = (site, entry.index, header.kind == .ship)
        }
        return moves
    }

    /// One page of the history of the product code `product`: its own events in time order,
    /// those after the event at ledger index `after` if given, then skipping `offset`, at most
    /// `limit`; with the lots the page names and the lots those lots were made from and went into.
    ///
    /// A product code may have thousands of lots; unlike ``history(of:as:withholdingSensitiveFields:)``
    /// a page costs the same wherever it starts when read by `after`. `withholdingSensitiveFields`
    /// is as there.
    public func productHistory(
        of product: String, after: Int? = nil, offset: Int = 0, limit: Int = 100,
        withholdingSensitiveFields: Bool = false
    ) async throws(LedgerError) -> ProductHistoryPage {
        let names = try await productNames(product)
        var records = try await store.events(ofProducts: names, after: after, offset: offset, limit: limit + 1)
        let hasMore = records.count > limit
        if hasMore { records.removeLast() }
        if records.isEmpty, after == nil, offset == 0, try await store.eventCount(ofProducts: names) == 0 {
            throw LedgerError(.notFound, "no product '\(product)' in the ledger")
        }
        var lots = [String]()
        var named = Set<String>()
        var entries = [HistoryEntry]()
        entries.reserveCapacity(records.count)
        for record in records {
            if let lot = record.columns.lot, named.insert(lot).inserted { lots.append(lot) }
            let event = try record.decode(withholdingDisclosures: withholdingSensitiveFields)
            entries.append(
                HistoryEntry(index: record.index, blockHeight: record.blockHeight, event: event, relation: .subject))
        }
        let (upstream, downstream) = try await relatedLots(of: named)
        return ProductHistoryPage(
            product: product, lots: lots, upstreamLots: upstream.sorted(), downstreamLots: downstream.sorted(),
            entries: entries,
            hasMore: hasMore)
    }

    /// Number of events of the product `product` (by its code or a GTIN), under any of its names.
    public func eventCount(ofProduct product: String) async throws(LedgerError) -> Int {
        try await store.eventCount(ofProducts: try await productNames(product))
    }

    /// The names events may give the product `identifier` names: its code, GTIN-14s and the parties' internal codes
    /// for it if it is a registered product's code, GTIN (in any form) or internal code, else `identifier` alone.
    private func productNames(_ identifier: String) async throws(LedgerError) -> [String] {
        let catalog = try await productCatalog()
        return catalog.product(named: identifier).map(catalog.aliases) ?? [identifier]
    }

    /// The lots `subject` were made from (backwards through `transform` events) and the lots made
    /// from them (forwards), at most ``historyLotLimit`` in all.
    private func relatedLots(of subject: Set<String>) async throws(LedgerError) -> (
        upstream: Set<String>, downstream: Set<String>
    ) {
        var upstream = Set<String>()
        var downstream = Set<String>()
        var frontier = Array(subject)
        // Backwards: transforms whose output is a known lot add their inputs.
        while !frontier.isEmpty, subject.count + upstream.count < Self.historyLotLimit {
            let known = Set(frontier)
            var next = [String]()
            for edge in try await store.transformations(producing: frontier) where known.contains(edge.output) {
                for input in edge.inputs where !subject.contains(input) && upstream.insert(input).inserted {
                    next.append(input)
                }
            }
            frontier = next
        }
        frontier = Array(subject)
        // Forwards: transforms consuming a known lot add their output.
        while !frontier.isEmpty, subject.count + upstream.count + downstream.count < Self.historyLotLimit {
            let known = Set(frontier)
            var next = [String]()
            for edge in try await store.transformations(consuming: frontier) where !subject.contains(edge.output) {
                if edge.inputs.contains(where: known.contains), downstream.insert(edge.output).inserted {
                    next.append(edge.output)
                }
            }
            frontier = next
        }
        return (upstream, downstream)
    }

    /// The event with `id`, with all its disclosures.
    public func event(id: Digest) async throws(LedgerError) -> (index: Int, blockHeight: Int, event: SignedEvent) {
        guard let record = try await store.event(id: id) else {
            throw LedgerError(.notFound, "no event \(id) in the ledger")
        }
        return (record.index, record.blockHeight, try record.decode())
    }

    /// Parses a full event ID: 64 lower-case hex digits.
    public func resolveEventID(_ text: String) async throws(LedgerError) -> Digest {
        if let bytes = Hex.decode(text), let digest = Digest(bytes) { return digest }
        throw LedgerError(
            .invalidRecord, "'\(text)' is not an event ID (64 lower-case hex digits, as 'prov history' prints)")
    }

    /// The latest signed checkpoint.
    public func latestCheckpoint() async throws(LedgerError) -> SignedNote {
        guard let record = try await store.latestCheckpoint() else {
            throw LedgerError(.notFound, "the ledger has no checkpoint yet")
        }
        return try SignedNote(parsing: record.note)
    }

    /// A proof bundle for the event `id`, withholding the disclosures of `withheld` fields.
    public func proof(for id: Digest, withholding withheld: Set<String> = []) async throws(LedgerError) -> ProofBundle {
        try await proof(for: id) { _ in withheld }
    }

    /// A proof bundle for the event `id`, withholding the fields `withheld` chooses once it sees the
    /// event (what a server shows depends on who the event's parties are).
    public func proof(
        for id: Digest, withholding withheld: (SignedEvent) async throws(LedgerError) -> Set<String>
    ) async throws(LedgerError) -> ProofBundle {
        let found = try await event(id: id)
        let withheld = try await withheld(found.event)
        guard let bundle = try await proofs(of: [(found.index, found.event.withholding(withheld))]).first else {
            throw LedgerError(.invalidState, "no proof was made for the event \(id)")
        }
        return bundle
    }

    /// Proof bundles for the events at ledger `indexes`, in that order, withholding nothing: what
    /// ``proof(for:withholding:)`` gives for each, read together (one checkpoint, one read of the events and their
    /// signers' registrations, one of every Merkle node their paths need), for reports that prove many events.
    ///
    /// - Throws: ``LedgerError`` `notFound` for an index the ledger does not hold.
    public func proofs(at indexes: [Int]) async throws(LedgerError) -> [ProofBundle] {
        let records = Dictionary(
            try await store.events(at: indexes).map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        var events = [(index: Int, event: SignedEvent)]()
        for index in indexes {
            guard let record = records[index] else { throw LedgerError(.notFound, "no event at index \(index)") }
            events.append((index, try record.decode()))
        }
        return try await proofs(of: events)
    }

    /// Proof bundles for `events` (each at its ledger index, as the bundle is to show it), against the latest
    /// checkpoint.
    private func proofs(of events: [(index: Int, event: SignedEvent)]) async throws(LedgerError) -> [ProofBundle] {
        let note = try await latestCheckpoint()
        let checkpoint = try Checkpoint.open(note, verifier: noteVerifier)
        guard events.allSatisfy({ $0.index < checkpoint.size }) else {
            throw LedgerError(.invalidState, "the event is not yet covered by a signed checkpoint")
        }
        let participants = Dictionary(
            try await store.participants().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var signers = [String: Participant]()
        for (_, event) in events where signers[event.header.signer] == nil {
            guard let signer = participants[event.header.signer] else {
                throw LedgerError(
                    .tampered, "the signer '\(event.header.signer)' has no registration event; run 'prov verify'")
            }
            signers[signer.id] = signer
        }
        var registrations = [Int: SignedEvent]()
        for record in try await store.events(at: Array(Set(signers.values.map(\.registeredAt))).sorted()) {
            registrations[record.index] = try record.decode()
        }
        // Every leaf's path, from one read of the nodes all of them need.
        let leaves = Set(events.map(\.index) + signers.values.map(\.registeredAt))
        let paths = try await proofNodes { node in
            Dictionary(
                uniqueKeysWithValues: leaves.map {
                    ($0, Merkle.inclusionProof(index: $0, size: checkpoint.size, node: node))
                })
        }
        return try events.map { (index, event) throws(LedgerError) in
            guard let signer = signers[event.header.signer], let registration = registrations[signer.registeredAt],
                let eventPath = paths[index], let registrationPath = paths[signer.registeredAt]
            else {
                throw LedgerError(
                    .tampered, "the signer '\(event.header.signer)' has no registration event; run 'prov verify'")
            }
            return ProofBundle(
                event: event, proof: TLogProof(index: index, hashes: eventPath, checkpoint: note),
                registration: registration, registrationIndex: signer.registeredAt, registrationProof: registrationPath)
        }
    }

    /// Proves that the current ledger extends `oldNote`, a checkpoint this operator signed earlier.
    ///
    /// - Throws: `invalidProof` if the old checkpoint is not the operator's, `tampered` if the ledger's
    ///   tree at that size has a different root (the history was rewritten).
    public func consistency(from oldNote: SignedNote) async throws(LedgerError) -> ConsistencyResult {
        let verifier = try noteVerifier
        let old = try Checkpoint.open(oldNote, verifier: verifier)
        let newNote = try await latestCheckpoint()
        let new = try Checkpoint.open(newNote, verifier: verifier)
        guard old.size <= new.size else {
            throw LedgerError(
                .invalidProof, "the checkpoint (size \(old.size)) is newer than the ledger (size \(new.size))")
        }
        let rootAtOldSize = try await proofNodes { node in [Merkle.rangeHash(0, old.size, node: node)] }.first
        guard rootAtOldSize == old.root else {
            throw LedgerError(
                .tampered,
                "the ledger's tree at size \(old.size) has a different root than the checkpoint: its history was rewritten"
            )
        }
        let proof =
            old.size == 0
            ? [] : try await proofNodes { node in Merkle.consistencyProof(from: old.size, to: new.size, node: node) }
        guard
            Merkle.verifyConsistency(
                oldSize: old.size, newSize: new.size, oldRoot: old.root, newRoot: new.root, proof: proof)
        else {
            throw LedgerError(
                .tampered, "the consistency proof built from the stored tree does not verify; run 'prov verify'")
        }
        return ConsistencyResult(old: old, new: new, newNote: newNote, proof: proof)
    }

    /// A consistency proof from the ledger's tree at `oldSize` to its latest checkpoint, for a reader
    /// who holds an earlier checkpoint of that size and checks the proof against its root.
    public func consistencyProof(fromSize oldSize: Int) async throws(LedgerError) -> (
        proof: [Digest], newNote: SignedNote, new: Checkpoint
    ) {
        let newNote = try await latestCheckpoint()
        let new = try Checkpoint.open(newNote, verifier: noteVerifier)
        guard oldSize >= 0 else { throw LedgerError(.invalidRecord, "a tree size is 0 or more, not \(oldSize)") }
        guard oldSize <= new.size else {
            throw LedgerError(
                .invalidState,
                "the ledger's latest checkpoint has size \(new.size), below \(oldSize): a checkpoint of size \(oldSize) "
                    + "is not one this ledger signed, or this copy of the ledger is behind")
        }
        let proof =
            oldSize == 0
            ? [] : try await proofNodes { node in Merkle.consistencyProof(from: oldSize, to: new.size, node: node) }
        return (proof, newNote, new)
    }

    /// Runs a proof computation over stored perfect-subtree hashes in two passes: the first learns
    /// which nodes it reads, one batched read fetches them, the second computes.
    func proofNodes<Proof>(_ compute: ((Merkle.NodeID) -> Digest) -> Proof) async throws(LedgerError) -> Proof {
        var needed = Set<Merkle.NodeID>()
        _ = compute { id in
            needed.insert(id)
            return .zero
        }
        let nodes = try await store.merkleNodes(Array(needed))
        var missing: Merkle.NodeID?
        let result = compute { id in
            if let hash = nodes[id] { return hash }
            missing = missing ?? id
            return .zero
        }
        if let missing {
            throw LedgerError(.tampered, "the Merkle \(missing) is missing from the store; run 'prov verify'")
        }
        return result
    }
}

/// One version of a facility's or a product's master data.
public struct MasterDataVersion: Sendable {
    /// The facility or product.
    public let id: String
    /// The participant that signed the version.
    public let signer: String
    /// The event's fields.
    public let fields: [String: JSONValue]
    /// Ledger index of the event.
    public let index: Int
    public let recordedAt: Timestamp
}

extension Ledger {
    /// Every version of every facility, in ledger order; for each facility the last one is current.
    public func facilities() async throws(LedgerError) -> [MasterDataVersion] {
        try await masterData(.facility, id: "facility")
    }

    /// Every version of every product, in ledger order; for each product the last one is current.
    public func products() async throws(LedgerError) -> [MasterDataVersion] {
        try await masterData(.product, id: "product")
    }

    /// The products' current master data, to resolve product codes, GTINs and EPC URIs to products.
    public func productCatalog() async throws(LedgerError) -> ProductCatalog {
        try await masterDataNow().products
    }

    /// The participants' GLNs, to resolve a PGLN, GLN or SGLN that names a party to the participant.
    public func partyDirectory() async throws(LedgerError) -> PartyDirectory {
        try await masterDataNow().parties
    }

    /// The sites and locations of the current facilities, and the products' names (docs/identity.md), read again
    /// only after an append.
    public func identity() async throws(LedgerError) -> Identity {
        let now = try await masterDataNow()
        return Identity(facilities: now.facilities, products: now.products)
    }

    /// Facility ID → the public fields of its current `facility` event, read again only after an append.
    public func currentFacilityFields() async throws(LedgerError) -> [String: [String: JSONValue]] {
        try await masterDataNow().facilityFields
    }

    /// Runs `body`, one answer's reads, with each ledger's master data (the products, facilities and participants'
    /// GLNs) read at most once, as of the head when first asked for: the answer's parts then agree, and the head is
    /// read once rather than by each accessor. Not for work that appends and then reads what it appended.
    public static func withMasterDataReadOnce<T>(_ body: () async throws -> T) async rethrows -> T {
        try await AnswerMasterData.$current.withValue(AnswerMasterData()) { try await body() }
    }

    /// The products, facilities and participants' GLNs as of the head block, read again only after an append (or
    /// once per answer, inside ``withMasterDataReadOnce(_:)``).
    func masterDataNow() async throws(LedgerError) -> CurrentMasterData.Snapshot {
        let answer = AnswerMasterData.current
        if let kept = answer?.snapshot(of: currentMasterData) { return kept }
        let snapshot = try await masterDataAtHead()
        answer?.keep(snapshot, of: currentMasterData)
        return snapshot
    }

    private func masterDataAtHead() async throws(LedgerError) -> CurrentMasterData.Snapshot {
        let height = try await headHeight()
        return try await currentMasterData.value(height: height) { () async throws(LedgerError) in
            let versions = try await facilities()
            var fields = [String: [String: JSONValue]]()
            for version in versions { fields[version.id] = version.fields }
            let parties = try PartyDirectory(records: try await store.events(kind: EventKind.participant.rawValue))
            return CurrentMasterData.Snapshot(
                products: try ProductCatalog(records: try await store.events(kind: EventKind.product.rawValue)),
                facilityFields: fields, facilities: Self.facilityProfiles(versions), parties: parties)
        }
    }

    private func masterData(_ kind: EventKind, id field: String) async throws(LedgerError) -> [MasterDataVersion] {
        var versions = [MasterDataVersion]()
        for record in try await store.events(kind: kind.rawValue) {
            let header = try record.decode().header
            guard let id = header.publicFields[field]?.stringValue else { continue }
            versions.append(
                MasterDataVersion(
                    id: id, signer: header.signer, fields: header.publicFields, index: record.index,
                    recordedAt: header.occurredAt))
        }
        return versions
    }
}
