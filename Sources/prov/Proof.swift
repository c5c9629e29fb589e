import ArgumentParser
import Foundation
import LedgerCore
import Provenance

struct Proof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained, offline-verifiable proof bundle for one event.",
        discussion: """
            The bundle holds the signed event, the disclosures chosen for the reader, the signer's registration, both \
            inclusion proofs (C2SP tlog-proof text for the event) and the operator's signed checkpoint. Check it with \
            'prov verify-proof FILE --operator-key OPERATOR.pub.pem' on any machine, without the ledger.

            --redact withholds sensitive fields: price (unit_price, currency), quantity (quantity, input_quantities), \
            counterparty (destination, origin), carrier, or any field name.
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The event ID (64 hex digits, as 'prov history' prints).") var eventID: String
    @Option(help: ArgumentHelp("Where to write the bundle.", valueName: "FILE")) var out: String
    @Option(help: ArgumentHelp("Comma-separated fields or groups to withhold.", valueName: "FIELDS"))
    var redact: String?

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let id = try await ledger.resolveEventID(eventID)
            let withheld = try withheldFields(redact)
            let bundle = try await ledger.proof(for: id, withholding: withheld)
            try writeFile(out, try bundle.serialized())
            let hidden = bundle.event.withheldFields
            print(
                "Wrote \(out): event \(id.hex) at index \(bundle.proof.index) under checkpoint size \(try Checkpoint(body: bundle.proof.checkpoint.text).size)\(hidden.isEmpty ? "" : "; withheld: \(hidden.joined(separator: ", "))")"
            )
        }
    }
}

struct VerifyProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check a proof bundle offline against the operator's public key (no ledger needed).")

    @Argument(help: "The bundle written by 'prov proof'.") var file: String
    @Option(help: ArgumentHelp("The ledger operator's public key (PEM).", valueName: "PEM")) var operatorKey: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let key = try readPublicKey(operatorKey)
            let bundle = try ProofBundle(bytes: readBytes(file, what: "proof bundle"))
            let verified = try bundle.verify(operatorKey: key)
            if json {
                guard case .object(var members) = verified.event.summaryJSON(index: verified.index) else { return }
                members["verified"] = .bool(true)
                members["checkpoint"] = .object([
                    "origin": .string(verified.checkpoint.origin), "size": .integer(verified.checkpoint.size),
                    "root": .string(verified.checkpoint.root.hex),
                ])
                members["signer_role"] = .string(verified.signer.role.rawValue)
                printJSON(.object(members))
                return
            }
            let header = verified.event.header
            print("VERIFIED: event \(verified.event.id.hex)")
            print(
                "  \(header.kind.rawValue) by \(header.signer) (\(verified.signer.role.rawValue), registered by the operator) at \(header.occurredAt.local)"
            )
            print("  \(fieldSummary(verified.event))")
            print(
                "  included at index \(verified.index) of \(verified.checkpoint.origin), checkpoint size \(verified.checkpoint.size), root \(verified.checkpoint.root.hex)"
            )
        }
    }
}

/// The sensitive fields `list` names (comma-separated field names or groups such as `price`), for `--redact`.
///
/// - Throws: ``LedgerError`` `invalidRecord` for a name that is no sensitive field or group.
func withheldFields(_ list: String?) throws(LedgerError) -> Set<String> {
    var withheld = Set<String>()
    for name in (list ?? "").split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) })
    where !name.isEmpty {
        if let group = EventSchema.redactionGroups[name] {
            withheld.formUnion(group)
        } else if EventSchema.sensitiveFieldNames.contains(name) {
            withheld.insert(name)
        } else {
            let known = (EventSchema.redactionGroups.keys.sorted() + EventSchema.sensitiveFieldNames).joined(
                separator: ", ")
            throw LedgerError(
                .invalidRecord, "cannot redact '\(name)': only sensitive fields can be withheld (\(known))")
        }
    }
    return withheld
}
