import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Provenance

struct Participants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Register, identify, revoke and list participants (all but listing need the operator key).",
        subcommands: [Add.self, Identify.self, Revoke.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a participant's public key.")

        @OptionGroup var options: LedgerOptions
        @Option(help: "Unique participant ID, e.g. farm-cocoa-gh.") var id: String
        @Option(help: "Display name.") var name: String
        @Option(
            help:
                "One of: \(ParticipantRole.allCases.filter { $0 != .ledgerOperator }.map(\.rawValue).joined(separator: ", "))."
        )
        var role: String
        @Option(
            help: ArgumentHelp(
                "The participant's public key (or private key, whose public half is used), PEM.", valueName: "PEM"))
        var publicKey: String
        @OptionGroup var identifiers: GLNOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            try await reporting { () async throws(LedgerError) in
                guard let parsedRole = ParticipantRole(rawValue: role), parsedRole != .ledgerOperator else {
                    let roles = ParticipantRole.allCases.filter { $0 != .ledgerOperator }.map(\.rawValue).joined(
                        separator: ", ")
                    throw LedgerError(.invalidRecord, "unknown role '\(role)'; use one of: \(roles)")
                }
                let key = try readPublicKey(publicKey)
                let ledger = try await options.openForAppending()
                let receipt = try await ledger.registerParticipant(
                    id: id, name: name, role: parsedRole, publicKey: key, glns: identifiers.glns)
                if json {
                    printJSON([
                        "participant": .string(id), "role": .string(role),
                        "event": .string(receipt.appended.first?.id.hex ?? ""),
                    ])
                } else {
                    print("Registered \(id) (\(role)) in block \(receipt.block?.header.height ?? 0)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a participant's key; its past events stay valid.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The participant ID.") var id: String

        func run() async throws {
            try await reporting { () async throws(LedgerError) in
                let ledger = try await options.openForAppending()
                let receipt = try await ledger.revokeParticipant(id: id)
                print("Revoked \(id) in block \(receipt.block?.header.height ?? 0)")
            }
        }
    }

    struct Identify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the GLNs that name a participant in GS1 data, replacing those it listed before.",
            discussion: """
                An EPCIS event often names a trading partner by its party GLN (a source or destination of type \
                owning_party or possessing_party, written as a PGLN URI). Once the participant lists that GLN, \
                prov history and the API name the participant beside it instead of calling the place outside the \
                ledger. A GLN listed by another participant is refused with both names. Without --gln, the \
                participant's GLNs are cleared.
                """)

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The participant ID.") var id: String
        @OptionGroup var identifiers: GLNOptions

        func run() async throws {
            try await reporting { () async throws(LedgerError) in
                let ledger = try await options.openForAppending()
                let receipt = try await ledger.identifyParticipant(id: id, glns: identifiers.glns)
                let listed = try await ledger.partyDirectory().glns[id] ?? []
                print(
                    "\(id) lists \(listed.isEmpty ? "no GLN" : listed.joined(separator: ", ")) from block \(receipt.block?.header.height ?? 0)"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List participants.")

        @OptionGroup var options: LedgerOptions
        @Flag(help: "Print as JSON.") var json = false

        func run() async throws {
            try await reporting { () async throws(LedgerError) in
                let ledger = try await options.openForReading()
                let participants = try await ledger.participants()
                let glns = try await ledger.partyDirectory().glns
                if json {
                    printJSON(
                        .array(
                            participants.map { participant in
                                var members: [String: JSONValue] = [
                                    "id": .string(participant.id), "name": .string(participant.name),
                                    "role": .string(participant.role.rawValue),
                                    "public_key": .string(Base64.encode(participant.publicKey.rawRepresentation)),
                                    "registered_at": .integer(participant.registeredAt),
                                    "status": .string(participant.isActive ? "active" : "revoked"),
                                ]
                                if let revokedAt = participant.revokedAt { members["revoked_at"] = .integer(revokedAt) }
                                members["glns"] = .array((glns[participant.id] ?? []).map(JSONValue.string))
                                return .object(members)
                            }))
                    return
                }
                for participant in participants {
                    let status = participant.isActive ? "active" : "revoked"
                    let listed = (glns[participant.id] ?? []).joined(separator: ";")
                    print(
                        "\(participant.id)\t\(participant.role.rawValue)\t\(status)\t\(participant.name)"
                            + (listed.isEmpty ? "" : "\t\(listed)"))
                }
            }
        }
    }
}

/// The `--gln` option of `participants add` and `participants identify`.
struct GLNOptions: ParsableArguments {
    @Option(
        name: .customLong("gln"),
        help: ArgumentHelp(
            "A GLN that names the participant in GS1 data: 13 digits, a PGLN URI (urn:epc:id:pgln:…) or a Digital Link with /417/. Repeat for several; no other participant may list one.",
            valueName: "GLN"))
    var glns: [String] = []
}
