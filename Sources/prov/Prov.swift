import ArgumentParser
import Foundation

@main
struct Prov: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prov",
        abstract: "Provenance: a signed, hash-chained, Merkle-tree supply-chain ledger.",
        discussion: """
            Every command works on one ledger: a SQLite file, ./ledger.sqlite by default, or a PostgreSQL database \
            named by a postgres:// URL ($PROV_LEDGER or --ledger to change; docs/deploy.md). The operator's private \
            key lives beside a ledger file (ledger.operator.pem), or where --operator-key names it, never inside the \
            ledger.

            Exit status:
              0  success
              1  verification failed, or the ledger was tampered with
              2  usage error
              3  not found
              4  invalid input
              5  conflict
              6  signer not allowed (unknown, revoked, wrong key, role)
              7  file or storage error
            """,
        subcommands: [
            Init.self, Keys.self, Participants.self, Facilities.self, Products.self, Append.self, IngestCommand.self,
            History.self,
            Proof.self, VerifyProof.self, Verify.self, CheckpointCommand.self, Consistency.self, PipelineCommand.self,
            Anomalies.self, Reports.self,
            Serve.self, QR.self, Sign.self, EPCISCommand.self, Export.self, ReportCommand.self, Migrate.self,
            Sample.self,
            Bench.self,
        ]
    )

    /// Runs the command the arguments name. A usage error (an unknown option, a missing or invalid value) exits with
    /// 2, as the exit statuses above say, rather than the argument parser's own 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
