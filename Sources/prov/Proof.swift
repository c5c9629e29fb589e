import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
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
        abstract: "Check a proof bundle offline against the operator's public key (no ledger needed).",
        discussion: """
            A file may hold several bundles, one per line, as 'prov report eudr' writes the proofs of a statement: \
            each is checked, the first that fails is named by its line, and one line per bundle is printed (a JSON \
            array with --json).
            """)

    @Argument(help: "The bundle written by 'prov proof' (or a file of bundles, one per line).") var file: String
    @Option(help: ArgumentHelp("The ledger operator's public key (PEM).", valueName: "PEM")) var operatorKey: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let key = try readPublicKey(operatorKey)
            let bytes = try readBytes(file, what: "proof bundle")
            // Several bundles, one per line: each is canonical JSON, which holds no line break, and ends with one.
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            if bytes.last == 0x0A, lines.count > 2 {
                return try verifyAll(lines.dropLast().map { Array($0) + [0x0A] }, key: key)
            }
            let bundle = try ProofBundle(bytes: bytes)
            let verified = try bundle.verify(operatorKey: key)
            if json {
                printJSON(Self.json(verified))
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

    /// Verifies every bundle of a file of several, naming the line of the first that fails.
    private func verifyAll(_ bundles: [[UInt8]], key: Ed25519.PublicKey) throws(LedgerError) {
        var verified = [ProofBundle.Verified]()
        for (offset, bytes) in bundles.enumerated() {
            do {
                verified.append(try ProofBundle(bytes: bytes).verify(operatorKey: key))
            } catch {
                throw LedgerError(error.code, error.reason, context: ["\(file):\(offset + 1)"] + error.context)
            }
        }
        if json {
            printJSON(.array(verified.map(Self.json)))
            return
        }
        for bundle in verified {
            let header = bundle.event.header
            print(
                "VERIFIED: event \(bundle.event.id.hex) at index \(bundle.index): \(header.kind.rawValue) \(header.recordID) by \(header.signer)"
            )
        }
        let checkpoints = Set(verified.map { "size \($0.checkpoint.size), root \($0.checkpoint.root.hex)" })
        print(
            "\(verified.count) proof bundles verified against the checkpoint \(checkpoints.sorted().joined(separator: "; "))"
        )
    }

    /// What a verified bundle established, as JSON.
    private static func json(_ verified: ProofBundle.Verified) -> JSONValue {
        guard case .object(var members) = verified.event.summaryJSON(index: verified.index) else { return .null }
        members["verified"] = .bool(true)
        members["checkpoint"] = .object([
            "origin": .string(verified.checkpoint.origin), "size": .integer(verified.checkpoint.size),
            "root": .string(verified.checkpoint.root.hex),
        ])
        members["signer_role"] = .string(verified.signer.role.rawValue)
        return .object(members)
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
