import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage Ed25519 keys.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate an Ed25519 key pair as PEM files.",
            discussion: """
                Writes the private key (PKCS#8 PEM, mode 0600) to --out and prints the public key (SPKI PEM), which is \
                also written to --public-out if given. Keys made with 'openssl genpkey -algorithm ed25519' work the same.
                """)

        @Option(help: ArgumentHelp("Where to write the private key.", valueName: "FILE"))
        var out: String

        @Option(help: ArgumentHelp("Where to write the public key.", valueName: "FILE"))
        var publicOut: String?

        func run() async throws {
            try await reporting { () async throws(LedgerError) in
                let key: Ed25519.PrivateKey
                let publicPEM: String
                let privatePEM: String
                do throws(CryptoError) {
                    key = try Ed25519.PrivateKey.generate()
                    privatePEM = try key.pemRepresentation()
                    publicPEM = try key.publicKey.pemRepresentation()
                } catch {
                    throw LedgerError(.invalidState, error.reason)
                }
                try writeNewFile(out, Array(privatePEM.utf8), secret: true)
                if let publicOut { try writeNewFile(publicOut, Array(publicPEM.utf8)) }
                print(publicPEM, terminator: "")
            }
        }
    }
}
