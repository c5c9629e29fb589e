import ArgumentParser
import Foundation
import LedgerCore
import Provenance

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write a regulatory report from the verified ledger.",
        subcommands: [ReportEUDR.self])
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
              eudr-LOT-proofs/   a proof bundle of each event the statement rests on

            The GeoJSON is a FeatureCollection with one feature per plot: its geometry and the properties \
            ProducerName, ProducerCountry, ProductionPlace (and Area for a point), as the Commission's EUDR \
            GeoJSON File Description 1.2 gives them. The summary lists every plot and harvest with its share of the \
            lot, the commodities and countries, the events it rests on, and the checks: every harvest names its \
            plots, the plots cover the lot, the land was established on or before 2020-12-31. The proof bundles \
            cover the harvests, the transformations and the plots' master data; 'prov verify-proof FILE \
            --operator-key KEY' checks each offline.

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
            let origins = try await ledger.eudrOrigins(of: lot)
            let geoJSON = Array(origins.geoJSON.prettyPrinted().utf8) + [0x0A]
            guard geoJSON.count <= EUDROrigins.geoJSONLimitBytes else {
                throw LedgerError(
                    .invalidState,
                    "the geolocation file would be \(geoJSON.count) bytes, over the EU Information System's limit of \(EUDROrigins.geoJSONLimitBytes): split the lot's statement"
                )
            }
            try createDirectory(out)
            let name = lot.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }
            let base = (out as NSString).appendingPathComponent("eudr-\(String(name))")
            try writeFile(base + ".geojson", geoJSON)
            try writeFile(base + ".json", Array(origins.summary.prettyPrinted().utf8) + [0x0A])
            // A proof bundle of every event the statement rests on, to check it offline.
            let proofs = base + "-proofs"
            try createDirectory(proofs)
            for id in origins.evidence {
                let bundle = try await ledger.proof(for: try await ledger.resolveEventID(id))
                try writeFile((proofs as NSString).appendingPathComponent("\(id).proof"), try bundle.serialized())
            }
            if json {
                printJSON(origins.summary)
            } else {
                print(
                    "EUDR geolocation of lot \(lot): \(origins.plots.count) plots, \(origins.harvests.count) harvests")
                for plot in origins.plots {
                    print(
                        "  \(plot.id)  \(EUDROrigins.percent(plot.share))  \(plot.commodity), \(plot.country), \(plot.producerName)"
                    )
                }
                for check in origins.checks {
                    print("\(check.passed ? "pass" : "FAIL")  \(check.name): \(check.detail)")
                }
                print("Wrote \(base).geojson, \(base).json and \(origins.evidence.count) proof bundles in \(proofs)")
            }
            passed = origins.checks.allSatisfy(\.passed)
        }
        if !passed { throw ExitCode(1) }
    }
}
