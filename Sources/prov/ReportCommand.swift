import ArgumentParser
import Foundation
import Ingest
import LedgerCore
import Provenance

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a regulatory report from the verified ledger.",
        subcommands: [ReportEUDR.self, ReportFSMA204.self])
}

struct ReportEUDR: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eudr",
        abstract: "Write the geolocation of a lot's due-diligence statement under the EU deforestation regulation.",
        discussion: """
            Follows the lot back through every transformation to the harvests (produce events) that went into it \
            and the plots they name, and apportions the lot among them by mass balance: a transformation's inputs \
            share its output in proportion to the quantities it consumed, a harvest's share is split among its \
            plots by their areas. Ships, receives and splits do not change what a lot is made of. See \
            docs/regulatory.md.

            It writes into --out (the current folder if not given):

              eudr-LOT.geojson   the geolocation file for the EU Information System
              eudr-LOT.json      the summary: plots, harvests, shares, evidence, checks
              eudr-LOT.proofs    a proof bundle of each event the statement rests on, one per line

            The GeoJSON is a FeatureCollection with one feature per plot: its geometry and the properties \
            ProducerName, ProducerCountry, ProductionPlace (and Area for a point), as the Commission's EUDR \
            GeoJSON File Description 1.2 gives them. The summary lists every plot and harvest with its share of the \
            lot, the commodities and countries, the events it rests on, and the checks: every harvest names its \
            plots, the plots cover the lot, the land was established on or before 2020-12-31. The proof bundles \
            cover the harvests, the transformations and the plots' master data; 'prov verify-proof \
            eudr-LOT.proofs --operator-key KEY' checks every one offline.

            It refuses, naming the event, a lot with a harvest that names no plot, a plot that is not registered \
            or has no geometry, and a transformation whose input quantities it cannot read; and a geolocation \
            file over the Information System's 25 MB limit. A check that fails is reported, and makes the command \
            exit with status 1 after the files are written.
            """)

    @OptionGroup var options: LedgerOptions
    @Option(help: "The lot the statement covers.") var lot: String
    @Option(help: ArgumentHelp("The folder to write the files into.", valueName: "DIR")) var out = "."
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        var passed = true
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let statement = try await ledger.eudrStatement(of: lot)
            let origins = statement.origins
            try createDirectory(out)
            let base = (out as NSString).appendingPathComponent(statement.baseName)
            try writeFile(base + ".geojson", statement.geoJSON)
            try writeFile(base + ".json", statement.summary)
            try writeFile(base + ".proofs", statement.proofs)
            if json {
                printJSON(origins.summary)
            } else {
                print(
                    "EUDR geolocation of lot \(lot): \(origins.plots.count) plots, \(origins.harvests.count) harvests")
                let goods = origins.goods
                let product = [
                    goods.product.map { name in goods.productName.map { "\(name) (\($0))" } ?? name },
                    "HS \(goods.hsCode ?? "not stated in the product's master data")",
                    goods.quantity.map { "\($0) \(goods.unit ?? "")" },
                ].compactMap { $0 }.joined(separator: ", ")
                let place = [goods.facility, goods.country].compactMap { $0 }.joined(separator: ", ")
                print(
                    "  goods: \(product); held by \(goods.holder) (\(goods.holderName))\(place.isEmpty ? "" : " at \(place)")"
                )
                for plot in origins.plots {
                    print(
                        "  \(plot.id)  \(EUDROrigins.percent(plot.share))  \(plot.commodity), \(plot.country), \(plot.producerName)"
                    )
                }
                for check in origins.checks {
                    print("\(check.passed ? "pass" : "FAIL")  \(check.name): \(check.detail)")
                }
                print(
                    "Wrote \(base).geojson, \(base).json and \(base).proofs (\(origins.evidence.count) proof bundles)")
            }
            passed = origins.checks.allSatisfy(\.passed)
        }
        if !passed { throw ExitCode(1) }
    }
}

struct ReportFSMA204: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsma204",
        abstract:
            "Write the FSMA 204 sortable spreadsheet of a lot or a range of time: the key data elements of its critical tracking events.",
        discussion: """
            Writes, as FDA's food traceability rule (21 CFR 1.1455(c)(3)(ii)) asks a firm to provide within 24 hours \
            of a request, one row per critical tracking event, in time order: with --lot, those of the lot, of the \
            lots it was made from and of those made from it; with --from (inclusive) and --to (exclusive), either \
            left open, every one that happened in that range. Produce events are harvesting, ship events shipping, \
            receive events receiving and transform events transformation. Cooling and initial packing have no ledger \
            kind and make no row. See docs/regulatory.md.

            The columns: the event, the traceability lot code, the product description, the quantity and unit of \
            measure, the event's date where it happened and its time in UTC, the location of the event, the \
            ship-from and ship-to locations, the traceability lot code source (where the lot was harvested or made), \
            the reference document type and number (the shipment ID), a transformation's input lots with their \
            quantities, the row's relation to the lot asked for (or 'in range'), and the ledger event ID and index \
            of the row, whose inclusion proof 'prov proof' gives. Locations are described by the facilities' master \
            data: name and ID, country, latitude and longitude.

            The spreadsheet is CSV (RFC 4180), which any spreadsheet program opens and sorts, or with --format xlsx \
            (the default for an --out file named *.xlsx) an Office Open XML workbook of one sheet whose header row \
            is frozen and filtered, with the quantity and the ledger index as numbers. It is written to --out, or \
            as CSV to standard output without it. With --json the rows are printed as JSON objects instead, keyed \
            by the column headings.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, xlsx }

    @OptionGroup var options: LedgerOptions
    @Option(help: "The traceability lot code the request names.") var lot: String?
    @Option(help: ArgumentHelp("The start of the range of time, inclusive (ISO 8601 with offset).", valueName: "TIME"))
    var from: String?
    @Option(help: ArgumentHelp("The end of the range of time, exclusive (ISO 8601 with offset).", valueName: "TIME"))
    var to: String?
    @Option(
        help: ArgumentHelp("The file to write the spreadsheet into (standard output if not given).", valueName: "FILE"))
    var out: String?
    @Option(help: "csv, or xlsx for a workbook (the default when --out ends in .xlsx).") var format: Format?
    @Flag(help: "Print the rows as JSON objects instead of writing a spreadsheet.") var json = false

    func validate() throws {
        guard (lot != nil) != (from != nil || to != nil) else {
            throw ValidationError("give --lot, or a range of time (--from, --to)")
        }
        try validateTimeRange(from: from, to: to)
        if json, format != nil { throw ValidationError("--json prints the rows; it takes no --format") }
        if outputFormat == .xlsx, out == nil { throw ValidationError("a workbook is written to a file: give --out") }
    }

    /// The format written: --format, else xlsx for an --out file named *.xlsx, else CSV.
    var outputFormat: Format {
        format ?? (out?.lowercased().hasSuffix(".xlsx") == true ? .xlsx : .csv)
    }

    func run() async throws {
        try await reporting { () async throws(LedgerError) in
            let ledger = try await options.openForReading()
            let report =
                if let lot {
                    try await ledger.fsma204Report(lot: lot)
                } else {
                    try await ledger.fsma204Report(
                        from: from.flatMap { try? Timestamp(iso8601: $0) },
                        until: to.flatMap { try? Timestamp(iso8601: $0) }, view: EPCISQueryView())
                }
            if json {
                printJSON(
                    .object([
                        "request": .string(report.request),
                        "rows": .array(
                            report.rows.map { row in
                                .object(
                                    Dictionary(
                                        uniqueKeysWithValues: zip(FSMA204Report.columns, row.cells).map {
                                            ($0, JSONValue.string($1))
                                        }))
                            }),
                    ]))
            } else if let out {
                try writeFile(out, outputFormat == .xlsx ? try report.xlsx() : Array(report.csv.utf8))
                print(
                    "FSMA 204 spreadsheet of \(lot.map { "lot \($0)" } ?? report.request): \(report.rows.count) critical tracking events in \(out)"
                )
            } else {
                print(report.csv, terminator: "")
            }
        }
    }
}
