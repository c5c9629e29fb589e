/// What an event attests. Supply-chain kinds come from producers' records; system kinds are
/// written by the ledger's own commands.
public enum EventKind: String, Sendable, CaseIterable, Codable {
    /// A lot comes into being at a facility (harvest, extraction, manufacture).
    case produce
    /// A lot leaves a facility towards a destination.
    case ship
    /// A lot arrives at a facility.
    case receive
    /// Input lots are consumed and an output lot made.
    case transform
    /// An EPCIS event that is none of the supply-chain kinds, kept as recorded: an aggregation,
    /// association or transaction, an object event with another business step, or one that lacks
    /// what `produce`, `ship`, `receive` or `transform` require (a lot, a destination…). It moves
    /// no quantity between lots; product, lot and quantity are optional.
    case observe
    /// Master data of a facility; a later version supersedes an earlier one.
    case facility
    /// Master data of a product: its name and the GTINs that name it; a later version supersedes an earlier one.
    case product
    /// Registration or revocation of a participant's key, signed by the operator.
    case participant
    /// The digest of an anomaly report, anchoring it on the chain.
    case anchor
    /// A compliance officer's decision on a flag.
    case review

    /// Whether producers submit this kind to record what happened to goods (as opposed to master
    /// data and the ledger's own system kinds). `observe` is one, but unlike the others it need not
    /// name a product, lot or quantity.
    public var isSupplyChain: Bool {
        switch self {
        case .produce, .ship, .receive, .transform, .observe: true
        case .facility, .product, .participant, .anchor, .review: false
        }
    }
}

/// What a participant may do on the ledger.
public enum ParticipantRole: String, Sendable, CaseIterable, Codable {
    case ledgerOperator = "operator"
    case producer, processor, distributor, retailer, compliance, auditor

    /// Whether a participant in this role may submit events of `kind`.
    public func maySubmit(_ kind: EventKind) -> Bool {
        switch kind {
        case .produce, .ship, .receive, .transform, .observe, .facility, .product:
            [.producer, .processor, .distributor, .retailer].contains(self)
        case .participant: self == .ledgerOperator
        case .anchor, .review: self == .compliance
        }
    }
}
