import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import Provenance

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the ledger's events in a standard format.", subcommands: [ExportEPCIS.self])
}

struct ExportEPCIS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epcis",
        abstract: "Write a lot's or a product's events as a GS1 EPCIS 2.0 document, JSON-LD or XML.",
        discussion: """
            Writes the events of one lot (--lot), of one product (--product, by its code or any GTIN form) or of a \
            time range (--from, inclusive, and --to, exclusive; either may be left open) as an EPCISDocument, oldest \
            first: in JSON-LD, valid against GS1's EPCIS 2.0 JSON schema, or with --format \
            xml in XML, valid against GS1's EPCglobal-epcis-2_0.xsd. An event that was imported from EPCIS comes \
            back as it was written, so that importing the document into another ledger gives the same events, but \
            for what JSON-LD says its own way: CBV terms as bare words (shipping), attributes of extension elements \
            as members, an unknown (nil) quantity left out. An event from a CSV or \
            the shipment XML is written as the EPCIS event its kind stands for. Each \
            event names its ledger event and the URL of its proof in the namespace urn:provenance:epcis (prefix \
            prov), which an import leaves out. Master data, participant and report events are not EPCIS events and \
            are left out. See docs/epcis.md, "Export".

            --redact withholds sensitive fields, as for a proof bundle: price, quantity, counterparty, carrier, or \
            any sensitive field's name; a withheld quantity or counterparty is left out of the event.
            """)

    @OptionGroup var options: LedgerOptions
    @Option(help: "The lot whose events to write.") var lot: String?
    @Option(help: ArgumentHelp("Write the events at or after this time (ISO 8601 with its offset).", valueName: "TIME"))
    var from: String?
    @Option(help: ArgumentHelp("Write the events before this time (ISO 8601 with its offset).", valueName: "TIME"))
    var to: String?
    @Option(help: "The product whose events to write (its code or a GTIN, SGTIN, LGTIN or Digital Link).")
    var product: String?
    @Option(help: "Output format: jsonld or xml.") var format = "jsonld"
    @Option(help: ArgumentHelp("Where to write the document (standard output if not given).", valueName: "FILE"))
    var out: String?
    @Option(help: ArgumentHelp("Comma-separated fields or groups to withhold.", valueName: "FIELDS"))
    var redact: String?

    func validate() throws {
        let ranged = from != nil || to != nil
        guard [lot != nil, product != nil, ranged].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --lot, --product, or a time range (--from, --to)")
        }
        try validateTimeRange(from: from, to: to)
        guard ["jsonld", "xml"].contains(format) else {
            throw ValidationError("--format is jsonld or xml, not '\(format)'")
        }
    }

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let withheld = try withheldFields(redact)
            var events = [SignedEvent]()
            var productOfLot = [String: String]()
            if let lot {
                let history = try await ledger.history(of: lot, as: .lot)
                guard !history.entries.isEmpty else { throw LedgerError(.notFound, "no events of lot '\(lot)'") }
                events = history.entries.filter { $0.relation == .subject }.map(\.event)
                for entry in history.entries {
                    if let lot = entry.event.header.publicFields["lot"]?.stringValue,
                        let product = entry.event.header.publicFields["product"]?.stringValue
                    {
                        productOfLot[lot] = product
                    }
                }
            } else if let product {
                var after: Int?
                repeat {
                    let page = try await ledger.productHistory(of: product, after: after, limit: 1_000)
                    events += page.entries.map(\.event)
                    after = page.hasMore ? page.entries.last?.index : nil
                } while after != nil
                guard !events.isEmpty else { throw LedgerError(.notFound, "no events of product '\(product)'") }
            } else {
                // A time range: the query index's events in time order, a page at a time.
                // (validate() checked both times.)
                let query = EventQuery(
                    from: from.flatMap { try? Timestamp(iso8601: $0) },
                    until: to.flatMap { try? Timestamp(iso8601: $0) },
                    perPage: 1_000)
                events += try await ledger.events(allMatching: query, reader: .everything, view: EPCISQueryView())
                    .events.joined()
            }
            let exported = events.map { EPCISExport.Event($0.withholding(withheld)) }
            let trees = EPCISExport.events(exported) { productOfLot[$0] }
            let clock = LedgerClock.fromEnvironment(ProcessInfo.processInfo.environment)
            let text =
                format == "xml"
                ? EPCISXMLWriter.document(trees, creationDate: clock())
                : EPCISJSONLDWriter.document(trees, creationDate: clock()).prettyPrinted() + "\n"
            if let out {
                try writeFile(out, Array(text.utf8))
                FileHandle.standardError.write(Data("Wrote \(out): \(trees.count) EPCIS events\n".utf8))
            } else {
                print(text, terminator: "")
            }
        }
    }
}
