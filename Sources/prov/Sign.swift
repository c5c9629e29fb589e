import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import LedgerCrypto

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a shipment file's records as a batch for POST /v1/batches, without a ledger.",
        discussion: """
            Reads a CSV, shipment XML or EPCIS file as 'prov ingest' does, signs every record as PARTICIPANT with the \
            key, and writes {"events": [...]} in the transport form of docs/encoding.md. Send it with a token:

              curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
                   --data-binary @batch.json http://127.0.0.1:8080/v1/batches

            Any invalid record refuses the file, each reported with file:line and column; nothing is written.
            """)

    @Argument(help: "The file to sign.") var file: String
    @Option(help: ArgumentHelp("The participant's private key (PEM).", valueName: "PEM")) var key: String
    @Option(help: ArgumentHelp("The participant ID the key is registered under.", valueName: "ID"))
    var participant: String
    @Option(help: ArgumentHelp("Where to write the batch.", valueName: "FILE")) var out: String
    @Option(help: "Input format: auto (detect from the content), csv, xml or epcis.") var format = "auto"
    @Option(help: ArgumentHelp("A CSV mapping file (Schemas/mapping.schema.json).", valueName: "FILE"))
    var mapping: String?
    @Option(help: ArgumentHelp("Validate an EPCIS document against this XSD first.", valueName: "PATH"))
    var xsd: String?

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let signingKey = try readPrivateKey(key)
            let loaded = try mapping.map { path throws(LedgerError) in try CSVMapping.load(path: path) }
            let contents = try Self.records(
                try InputChoice(format: format, mapping: loaded, xsd: xsd).source(for: file))
            let signer = EventSigner(participant: participant, key: signingKey)
            var events = [JSONValue]()
            events.reserveCapacity(contents.count)
            for content in contents { events.append(try signer.sign(content).transportJSON) }
            let bytes: [UInt8]
            do throws(CanonicalJSON.Failure) {
                bytes = try CanonicalJSON.encode(["events": .array(events)])
            } catch {
                throw LedgerError(.invalidRecord, "the batch has no canonical form: \(error.reason)")
            }
            try writeFile(out, bytes + [0x0A])
            print("Wrote \(out): \(events.count) events signed as \(participant)")
        }
    }

    /// Every record of `source`; the first refused one ends the run, with its place.
    private static func records<Source: RecordSource>(_ source: Source) throws(LedgerError) -> [EventContent] {
        var reader = try source.makeReader()
        var contents = [EventContent]()
        var refused = [SourceReject]()
        while let item = try reader.next() {
            switch item {
            case .record(let record): contents.append(record.content)
            case .reject(let reject): refused.append(reject)
            }
        }
        if let first = refused.first {
            for reject in refused { FileHandle.standardError.write(Data("refused: \(reject.error)\n".utf8)) }
            throw LedgerError(
                .invalidRecord, "\(refused.count) records refused; nothing written", context: first.error.context)
        }
        guard !contents.isEmpty else { throw LedgerError(.invalidRecord, "\(source.name) holds no records") }
        return contents
    }
}
