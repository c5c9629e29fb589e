internal import LedgerCore
internal import LedgerCrypto

extension ParticipantRegistry {
    /// The participant registered with the public half of `key`.
    func signer(of key: Ed25519.PrivateKey) throws(LedgerError) -> Participant {
        guard let signer = participant(withKey: key.publicKey) else {
            throw LedgerError(
                .unknownSigner,
                "the signing key is not registered; the operator registers it with 'prov participants add --public-key …'"
            )
        }
        return signer
    }

    /// Authorizes `events`, which take ledger indexes from `firstIndex` on, in ledger order, applying
    /// each `participant` event as it comes. Signature checks between registry changes run in
    /// parallel; an earlier event's failure is always the one reported.
    ///
    /// - Parameters:
    ///   - checkingSignatures: `false` only for events this process has just signed with the
    ///     registered keys (see ``ParticipantRegistry/authorize(_:checkingSignature:)``).
    ///   - describe: turns a refusal into the error to throw, e.g. to add the event's place.
    /// - Returns: IDs of the participants whose registration the events changed.
    mutating func admit(
        _ events: [SignedEvent], firstIndex: Int, checkingSignatures: Bool = true,
        describe: @escaping @Sendable (LedgerError, SignedEvent) -> LedgerError = { error, _ in error }
    ) throws(LedgerError) -> Set<String> {
        var changed = Set<String>()
        var pending = [SignedEvent]()
        func flush(_ snapshot: ParticipantRegistry) throws(LedgerError) {
            _ = try parallelMap(pending) { event throws(LedgerError) in
                do throws(LedgerError) {
                    try snapshot.authorize(event, checkingSignature: checkingSignatures)
                } catch {
                    throw describe(error, event)
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
        for (offset, event) in events.enumerated() {
            guard event.header.kind == .participant || participants.isEmpty else {
                pending.append(event)
                continue
            }
            try flush(self)
            do throws(LedgerError) {
                try authorize(event, checkingSignature: checkingSignatures)
                try apply(event, index: firstIndex + offset)
            } catch {
                throw describe(error, event)
            }
            if let id = event.header.publicFields["participant"]?.stringValue { changed.insert(id) }
        }
        try flush(self)
        return changed
    }
}
