import ArgumentParser

@main
struct Prov: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prov",
        abstract: "Provenance: a signed, hash-chained, Merkle-tree supply-chain ledger.",
        discussion: """
            Every command works on one ledger file, ./ledger.sqlite by default ($PROV_LEDGER or --ledger to change). \
            The operator's private key lives beside it (ledger.operator.pem), never inside it.

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
            Serve.self, QR.self, Sign.self, EPCISCommand.self, Export.self, Migrate.self, Sample.self, Bench.self,
        ]
    )
}
