import Foundation
import LedgerCore
import LedgerStorage
import Provenance
import TestSupport
import Testing

/// Edits of a PostgreSQL ledger's rows made with `psql`, outside the program: verification catches each and names
/// the place, as it does for a SQLite file (TamperTests). The ledger trusts the database for availability, never for
/// integrity.
@Suite(.enabled(if: TestPostgres.shouldRun, Comment(rawValue: TestPostgres.absence)))
struct PostgresTamperTests {
    /// An edit and the place verification must name. Events 5 to 16 are block 5, the farm's batch.
    static let edits: [(sql: String, place: String)] = [
        ("UPDATE events SET statement = set_byte(statement, 40, get_byte(statement, 40) # 4) WHERE seq = 7", "block 5"),
        ("UPDATE events SET signature = set_byte(signature, 3, get_byte(signature, 3) # 1) WHERE seq = 8", "block 5"),
        ("UPDATE events SET id = set_byte(id, 0, get_byte(id, 0) # 128) WHERE seq = 9", "block 5"),
        ("UPDATE events SET record_id = record_id || 'x' WHERE seq = 10", "block 5"),
        ("UPDATE events SET product = 'cocoa-mass' WHERE seq = 11", "product"),
        ("DELETE FROM events WHERE seq = 12", "block 5"),
        ("UPDATE blocks SET header = set_byte(header, 20, get_byte(header, 20) # 2) WHERE height = 5", "block 5"),
        (
            "UPDATE blocks SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE height = 3",
            "block 3"
        ),
        (
            "UPDATE merkle_nodes SET hash = set_byte(hash, 5, get_byte(hash, 5) # 64) WHERE level = 4 AND idx = 0",
            "merkle"
        ),
        ("DELETE FROM merkle_nodes WHERE level = 4 AND idx = 0", "merkle"),
        ("UPDATE checkpoints SET note = replace(note, 'test.local', 'test.locaI') WHERE size = 17", "block 5"),
        ("UPDATE participants SET role = 'compliance' WHERE id = 'farm'", "participant"),
    ]

    @Test(arguments: edits.indices) func anEditWithPsqlIsFoundAndPlaced(edit: Int) async throws {
        let fixture = try await LedgerFixture(backend: .postgres)
        defer { fixture.remove() }
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(6), signedWith: fixture.farmKey)
        try #require(await fixture.ledger.verify().isValid)

        try TestPostgres.psql(try #require(fixture.databaseURL), Self.edits[edit].sql)
        let report = await (try fixture.reopen()).verify()
        let failure = try #require(report.failure, "\(Self.edits[edit].sql) went undetected")
        #expect(!failure.context.isEmpty, "reported without a place: \(failure)")
        #expect(
            failure.description.contains(Self.edits[edit].place), "should name \(Self.edits[edit].place): \(failure)")
    }
}
