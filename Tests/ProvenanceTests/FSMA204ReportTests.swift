import LedgerCore
import Provenance
import TestSupport
import Testing

/// A lot's FSMA 204 sortable spreadsheet (``FSMA204Report``): one row per critical tracking event of the lot, of
/// the lots it was made from and of those made from it, each with its key data elements and its ledger event.
@Suite struct FSMA204ReportTests {
    /// The farm harvests and ships LOT-0; the mill receives it and makes MASS-0 of 99 kg of it.
    static func chain(_ fixture: LedgerFixture) async throws {
        _ = try await fixture.ledger.append(try LedgerFixture.farmRecords(1), signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(try LedgerFixture.millRecords(lot: 0), signedWith: fixture.millKey)
    }

    @Test(arguments: StoreBackend.tested) func aRowPerCriticalTrackingEventWithItsKeyDataElements(
        backend: StoreBackend
    ) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        try await Self.chain(fixture)
        let report = try await fixture.ledger.fsma204Report(lot: "MASS-0")
        #expect(report.rows.map(\.event) == ["Harvesting", "Shipping", "Receiving", "Transformation"])
        #expect(report.rows.map(\.lotCode) == ["LOT-0", "LOT-0", "LOT-0", "MASS-0"])
        #expect(report.rows.map(\.relation) == ["upstream", "upstream", "upstream", "subject"])
        let farm = "FARM-1 [FARM-1], GH, 6.7 -1.6"
        let mill = "MILL-1 [MILL-1], GH, 6.7 -1.6"
        let (harvest, shipping, receiving, transformation) = (
            report.rows[0], report.rows[1], report.rows[2], report.rows[3]
        )
        // The harvest: where, when (the local date, the instant in UTC), how much, and where the lot code came from.
        #expect(harvest.location == farm && harvest.lotCodeSource == farm)
        #expect(harvest.date == "2026-03-01" && harvest.time == "2026-03-01T06:00:00Z")
        #expect(harvest.quantity == "100.25" && harvest.unit == "kg" && harvest.productDescription == "cocoa-beans")
        // The shipment: from the farm to the mill, under its shipment ID.
        #expect(shipping.shipFrom == farm && shipping.shipTo == mill)
        #expect(shipping.referenceDocumentType == "Shipment ID" && shipping.referenceDocumentNumber == "SHP-0")
        #expect(receiving.location == mill && receiving.shipTo == mill && receiving.referenceDocumentNumber == "SHP-0")
        // The transformation: its inputs with their quantities; the new lot's code was assigned at the mill.
        #expect(transformation.inputLots == "LOT-0 (99)" && transformation.lotCodeSource == mill)
        #expect(transformation.shipFrom.isEmpty && transformation.shipTo.isEmpty)
        // Every row names its ledger event, which the ledger holds at that index.
        for row in report.rows {
            let proof = try await fixture.ledger.proof(for: try await fixture.ledger.resolveEventID(row.ledgerEventID))
            #expect(proof.proof.index == row.ledgerIndex && proof.event.id.hex == row.ledgerEventID)
        }
        // The spreadsheet: a header and a line per row.
        let lines = report.csv.split(separator: "\r\n")
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("Critical Tracking Event,Traceability Lot Code,") == true)
        #expect(lines.last?.hasPrefix("Transformation,MASS-0,cocoa-mass,80,kg,2026-03-10,") == true)
    }

    /// Asked for the harvested lot, the report goes forward too: the transformation that used it is downstream.
    @Test func theLotsMadeFromTheLotAreIncluded() async throws {
        let fixture = try await LedgerFixture(backend: .sqlite)
        defer { fixture.remove() }
        try await Self.chain(fixture)
        let report = try await fixture.ledger.fsma204Report(lot: "LOT-0")
        #expect(report.rows.map(\.relation) == ["subject", "subject", "subject", "downstream"])
        await #expect(throws: LedgerError.self) { try await fixture.ledger.fsma204Report(lot: "NO-SUCH-LOT") }
    }
}
