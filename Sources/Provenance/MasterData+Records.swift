internal import LedgerCore
internal import LedgerStorage

extension ProductCatalog {
    /// The catalog of the stored `product` events `records`, in ledger order (product codes and GTINs are public
    /// fields: the disclosures are not read).
    init(records: some Sequence<EventRecord>) throws(LedgerError) {
        self.init()
        for record in records {
            register(try record.decode(withholdingDisclosures: true).header.publicFields, party: record.columns.signer)
        }
    }
}

extension PartyDirectory {
    /// The directory of the stored `participant` events `records`, in ledger order.
    init(records: some Sequence<EventRecord>) throws(LedgerError) {
        self.init()
        for record in records { apply(try record.decode(withholdingDisclosures: true).header.publicFields) }
    }
}
