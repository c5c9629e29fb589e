import ArgumentParser
import Foundation
import Ingest
import LedgerCore

struct EPCISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epcis", abstract: "Work with GS1 EPCIS documents.", subcommands: [EPCISHash.self])
}

struct EPCISHash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the CBV 2.0 event hash ID of each event of EPCIS documents (XML or JSON-LD).",
        discussion: """
            Prints one line per event, in document order: its event hash ID (ni:///sha-256;…?ver=CBV2.0), the \
            identifier the CBV 2.0 standard gives an event from its content, the same whichever syntax it is written \
            in. With several files each line starts with the file's name. The ledger computes the same hash when it \
            imports an event, keeps it in the event's event_hash field, and uses it as the record ID of an event \
            without an eventID, so that the same event captured in XML and in JSON-LD is imported once \
            (docs/epcis.md, "Event hash").

            --prehash also prints, after each hash, the canonical pre-hash string the hash is taken of. An event \
            that cannot be read is reported on standard error with its place, and the command exits with status 1 \
            after reading the rest.
            """)

    @Argument(help: "The EPCIS documents.") var files: [String]
    @Flag(help: "Also print the pre-hash string of each event.") var prehash = false
    @Flag(help: "Print a JSON array: file, line, place, hash (and pre-hash) of each event.") var json = false

    func run() async throws {
        var unreadable = 0
        try await reporting { () async throws(LedgerError) in
            var rows = [JSONValue]()
            for file in files {
                let events = try EPCISEventHash.events(path: file)
                while let element = try events.nextEvent() {
                    switch element {
                    case .event(let event, let line, let label):
                        let preHash = EPCISEventHash.preHash(of: event)
                        let hash = EPCISEventHash.hashID(preHash: preHash)
                        if json {
                            var row: [String: JSONValue] = [
                                "file": .string(file), "line": .integer(line), "place": .string(label),
                                "hash": .string(hash),
                            ]
                            if prehash { row["prehash"] = .string(preHash) }
                            rows.append(.object(row))
                        } else {
                            print(files.count > 1 ? "\(file)  \(hash)" : hash)
                            if prehash { print(preHash) }
                        }
                    case .unreadable(let reject):
                        unreadable += 1
                        FileHandle.standardError.write(Data("error: \(reject.error)\n".utf8))
                    }
                }
            }
            if json { printJSON(.array(rows)) }
        }
        if unreadable > 0 { throw ExitCode(1) }
    }
}
