import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Pipeline
import Provenance

struct Anomalies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show and review the flags of the latest anchored report.",
        discussion: """
            A flag's status is open until a compliance officer records a decision; each decision is a signed \
            `review` event on the chain, and the latest one counts.
            """,
        subcommands: [AnomaliesList.self, AnomaliesShow.self, AnomaliesReview.self],
        defaultSubcommand: AnomaliesList.self)
}

/// A status as `--status` spells it.
enum StatusOption: String, ExpressibleByArgument, CaseIterable {
    case open, confirmed, dismissed

    var status: FlagStatus {
        switch self {
        case .open: .open
        case .confirmed: .confirmed
        case .dismissed: .dismissed
        }
    }
}

struct AnomaliesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List flags, highest score first.")

    @OptionGroup var options: LedgerOptions
    @Option(help: "Only flags with this status (open, confirmed, dismissed).") var status: StatusOption?
    @Option(help: "Show at most this many.") var limit: Int?
    @Flag(help: "Print the flags as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            var flags = try await ledger.flags(status: status?.status)
            if let limit { flags = Array(flags.prefix(max(0, limit))) }
            if json {
                printJSON(.array(flags.map(\.json)))
                return
            }
            if flags.isEmpty { print("no flags" + (status.map { " with status \($0.rawValue)" } ?? "")) }
            for state in flags {
                let flag = state.flag
                let what = [flag.product, flag.lot, flag.shipmentID].compactMap { $0 }.joined(separator: " ")
                print(
                    "\(flag.id)  \(String(format: "%.3f", flag.score))  \(state.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  \(flag.subject) \(what)"
                )
                if let reason = flag.reasons.first { print("    \(reason)") }
            }
        }
    }
}

struct AnomaliesShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one flag: its reasons, drivers, events and reviews.")

    @OptionGroup var options: LedgerOptions
    @Argument(help: ArgumentHelp("The flag's ID (F-…).", valueName: "ID")) var id: String
    @Flag(help: "Print the flag as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let state = try await ledger.flag(id: id)
            if json {
                printJSON(state.json)
                return
            }
            let flag = state.flag
            print(
                "\(flag.id)  \(flag.subject)  score \(String(format: "%.3f", flag.score))  status \(state.status.rawValue)"
            )
            if let forest = flag.forestScore, let cluster = flag.clusterScore {
                print(
                    "  isolation forest \(String(format: "%.3f", forest)), cluster distance \(String(format: "%.3f", cluster))"
                        + (flag.cluster.map { ", cluster \($0)" } ?? ""))
            }
            for (label, value) in [("product", flag.product), ("lot", flag.lot), ("shipment", flag.shipmentID)] {
                if let value { print("  \(label): \(value)") }
            }
            print("  parties: \(flag.parties.joined(separator: ", "))")
            print("  facilities: \(flag.facilities.joined(separator: ", "))")
            print("reasons:")
            for reason in flag.reasons { print("  - \(reason)") }
            print("events:")
            for record in flag.records {
                print(
                    "  #\(record.index) \(record.kind) \(record.recordID) by \(record.signer) at \(record.occurredAt)  \(record.eventID.prefix(16))…"
                )
            }
            print("report \(state.reportDigest.hex)")
            if state.reviews.isEmpty { print("no review yet") }
            for review in state.reviews {
                print(
                    "review: \(review.decision.rawValue) by \(review.officer) at \(review.occurredAt): \(review.note)  (event #\(review.index))"
                )
            }
        }
    }
}

struct AnomaliesReview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Confirm or dismiss a flag with a note, as a signed review event.",
        discussion:
            "Only a compliance participant's key may review. A later review of the same flag overrides an earlier one.")

    enum Decision: String, ExpressibleByArgument, CaseIterable { case confirmed, dismissed }

    @OptionGroup var options: LedgerOptions
    @Argument(help: ArgumentHelp("The flag's ID (F-…).", valueName: "ID")) var id: String
    @Option(help: "confirmed or dismissed.") var decision: Decision
    @Option(help: "Why: what was checked, what was found.") var note: String
    @Option(help: ArgumentHelp("The compliance officer's private key (PEM).", valueName: "OFFICER.pem")) var key: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let officerKey = try readPrivateKey(key, what: "officer key")
            let ledger = try await options.openForAppending()
            let status: FlagStatus = decision == .confirmed ? .confirmed : .dismissed
            let receipt = try await ledger.review(flag: id, decision: status, note: note, signedWith: officerKey)
            let event = receipt.appended.first ?? receipt.duplicates.first
            if json {
                printJSON(
                    .object([
                        "flag": .string(id), "decision": .string(status.rawValue),
                        "event_id": event.map { .string($0.id.hex) } ?? .null,
                        "index": receipt.firstIndex.map(JSONValue.integer) ?? .null,
                    ]))
            } else {
                print(
                    "\(id): \(status.rawValue), recorded as review event \(event.map { String($0.id.hex.prefix(16)) } ?? "?")… at index \(receipt.firstIndex.map(String.init) ?? "?")"
                )
            }
        }
    }
}

struct Reports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List anchored anomaly reports, verify or reproduce one, or write a stored one out.",
        subcommands: [ReportsList.self, ReportsVerify.self, ReportsReproduce.self, ReportsExport.self],
        defaultSubcommand: ReportsList.self)
}

struct ReportsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the anchored reports, oldest first.")

    @OptionGroup var options: LedgerOptions
    @Flag(help: "Print the list as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let reports = try await ledger.anchoredReports()
            if json {
                printJSON(.array(reports.map(\.summaryJSON)))
                return
            }
            if reports.isEmpty {
                print("no reports yet; run 'prov pipeline run Pipelines/default.yml --key OFFICER.pem'")
            }
            for anchored in reports {
                let report = anchored.report
                print(
                    "\(anchored.record.digest.hex.prefix(16))…  anchor #\(anchored.record.anchorIndex)  \(report.pipeline.name)  events \(report.ledger.fromSize)..<\(report.ledger.toSize)  \(report.summary.flagged) flagged of \(report.summary.links) links"
                )
            }
        }
    }
}

struct ReportsVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove a report file is the one anchored on the chain and that its ledger range is unchanged.",
        discussion:
            "Exits 0 when the report's digest is carried by an anchor signed by a compliance participant and the tree at the report's size still has the root the report names; 1 otherwise."
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: ArgumentHelp("The report's JSON file.", valueName: "REPORT.json")) var path: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let bytes = try readBytes(path, what: "report")
            let ledger = try await options.openForReading()
            let verified = try await ledger.verifyReport(bytes)
            if json {
                printJSON(
                    .object([
                        "valid": .bool(true), "digest": .string(verified.digest.hex),
                        "anchor_index": .integer(verified.anchorIndex),
                        "anchor_event_id": .string(verified.anchorEventID.hex), "officer": .string(verified.officer),
                        "from_size": .integer(verified.fromSize), "to_size": .integer(verified.toSize),
                        "root": .string(verified.rootHash),
                    ]))
            } else {
                print("OK: report \(verified.digest.hex)")
                print(
                    "    anchored at index \(verified.anchorIndex) by \(verified.officer); ledger range \(verified.fromSize)..<\(verified.toSize) unchanged (root \(verified.rootHash))"
                )
            }
        }
    }
}

struct ReportsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a stored report's JSON and HTML, with the definition and the model kept with it, to a folder.")

    @OptionGroup var options: LedgerOptions
    @Argument(
        help: ArgumentHelp(
            "The report's digest, or a unique prefix of it; the latest report if omitted.", valueName: "DIGEST"))
    var digest: String?
    @Option(help: ArgumentHelp("Where to write the files.", valueName: "DIR")) var out = "reports"

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let anchored = try await storedReport(digest, in: ledger)
            let paths = try writeReportFiles(
                anchored.report, canonical: anchored.record.body, digest: anchored.record.digest, folder: out)
            let files = try await ledger.reportFiles(of: anchored.record.digest)
            var written = [paths.json, paths.html]
            if let definition = files.definition {
                written.append(try writeDefinitionFile(definition, digest: anchored.record.digest, folder: out))
            }
            if let model = files.model { written.append(try writeModelFile(model, folder: out)) }
            print(written.joined(separator: "\n"))
        }
    }
}

struct ReportsReproduce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Re-run an anchored report from the ledger and compare it, and its model, byte for byte.",
        discussion: """
            Checks the report's anchor as 'prov reports verify' does, then reads the definition and the fitted model \
            stored with the report and checks them against the digests the anchor carries, re-reads exactly the \
            anchored range of the chain, runs the definition again, and compares the report and the model it makes \
            with the anchored ones. Any full copy of the ledger will do, a read replica or a 'prov migrate' copy \
            included.

            Prints 'reproduced' with both digests and exits 0, or names the first difference (the document: report, \
            model or definition, and a JSON Pointer into it) and exits 1. The report and the model name the code \
            version that made them: a re-run by a different version that changes them is a difference, and the \
            versions say why. Reproducing proves that the report follows from the chain and the definition, not that \
            the definition is a good one (docs/verifiable-detection.md).
            """)

    @OptionGroup var options: LedgerOptions
    @Argument(
        help: ArgumentHelp(
            "A stored report's digest (or a unique prefix of it), or a report's JSON file.",
            valueName: "DIGEST|REPORT.json"))
    var report: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        var outcome: ReportReproduction?
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let bytes =
                FileManager.default.fileExists(atPath: report)
                ? try readBytes(report, what: "report") : try await storedReport(report, in: ledger).record.body
            outcome = try await ledger.reproduceReport(bytes)
        }
        guard let reproduction = outcome else { return }
        if json {
            printJSON(reproduction.json)
        } else if let difference = reproduction.difference {
            let place = difference.pointer.isEmpty ? "" : " at \(difference.pointer)"
            print("NOT reproduced: the \(difference.document) differs\(place): \(difference.reason)")
            if reproduction.codeVersion != reproduction.reproducingCodeVersion {
                print(
                    "    made by code version \(reproduction.codeVersion ?? "unknown"), re-run by \(reproduction.reproducingCodeVersion)"
                )
            }
        } else {
            print("reproduced: report \(reproduction.reportDigest.hex)")
            print("            model  \(reproduction.modelDigest.hex)")
            print(
                "    anchored at index \(reproduction.verification.anchorIndex) by \(reproduction.verification.officer); events \(reproduction.verification.fromSize)..<\(reproduction.verification.toSize); code version \(reproduction.reproducingCodeVersion)"
            )
        }
        if !reproduction.reproduced { throw ExitCode(1) }
    }
}

/// The stored report whose digest starts with `prefix`, or the latest one without a prefix.
func storedReport(_ prefix: String?, in ledger: Ledger) async throws(LedgerError) -> AnchoredReport {
    let reports = try await ledger.anchoredReports()
    let matching =
        prefix.map { prefix in reports.filter { $0.record.digest.hex.hasPrefix(prefix.lowercased()) } }
        ?? Array(reports.suffix(1))
    guard matching.count == 1, let anchored = matching.first else {
        throw LedgerError(
            .notFound,
            matching.isEmpty ? "no stored report matches" : "\(matching.count) reports match; give more of the digest")
    }
    return anchored
}
