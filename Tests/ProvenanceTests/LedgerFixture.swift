import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import LedgerSQLite
import Provenance
import TestSupport

/// A ledger with a farm and a mill registered, for library tests: a SQLite file in a temporary folder, or a database
/// of its own on the test PostgreSQL server.
struct LedgerFixture {
    let directory: URL
    /// The SQLite file, for tests of that store; its path is unused on PostgreSQL.
    let path: String
    let address: LedgerAddress
    /// The PostgreSQL database's URL, dropped by ``remove()``.
    let databaseURL: String?
    let ledger: Ledger
    let operatorKey: Ed25519.PrivateKey
    let farmKey: Ed25519.PrivateKey
    let millKey: Ed25519.PrivateKey

    /// Fixed seeds so that fixtures built twice are identical.
    static func key(_ seed: UInt8) throws -> Ed25519.PrivateKey {
        try Ed25519.PrivateKey(seed: [UInt8](repeating: seed, count: 32))
    }

    static let clock = LedgerClock.fixed(epochSeconds: 1_830_297_600)

    init(name: String = "ledger.sqlite", backend: StoreBackend = .sqlite) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("prov-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
        databaseURL = backend == .postgres ? try TestPostgres.newDatabase() : nil
        address = try databaseURL.map { url throws in try LedgerAddress(url) } ?? .sqlite(path: path)
        operatorKey = try Self.key(1)
        farmKey = try Self.key(2)
        millKey = try Self.key(3)
        ledger = try await Ledger.create(
            at: address, origin: "test.local/ledger", operatorKey: operatorKey, clock: Self.clock)
        _ = try await ledger.registerParticipant(
            id: "farm", name: "Farm", role: .producer, publicKey: farmKey.publicKey)
        _ = try await ledger.registerParticipant(
            id: "mill", name: "Mill", role: .processor, publicKey: millKey.publicKey)
        // Events at a facility need its master data, registered by its owner.
        _ = try await ledger.append([try Self.facility("FARM-1", party: "farm", kind: "farm")], signedWith: farmKey)
        _ = try await ledger.append([try Self.facility("MILL-1", party: "mill", kind: "mill")], signedWith: millKey)
    }

    /// A place on `backend` that holds no ledger yet: a file in a new folder, or a new database.
    struct EmptyStore {
        let address: LedgerAddress
        let directory: URL
        let databaseURL: String?

        func remove() {
            try? FileManager.default.removeItem(at: directory)
            if let databaseURL { TestPostgres.dropDatabase(databaseURL) }
        }
    }

    static func emptyAddress(_ backend: StoreBackend) async throws -> EmptyStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prov-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let databaseURL = backend == .postgres ? try TestPostgres.newDatabase() : nil
        let address =
            try databaseURL.map { url throws in try LedgerAddress(url) }
            ?? .sqlite(path: directory.appendingPathComponent("copy.sqlite").path)
        return EmptyStore(address: address, directory: directory, databaseURL: databaseURL)
    }

    /// The master data of facility `id`, owned by `party`.
    static func facility(
        _ id: String, party: String, kind: String, certificate: String? = nil, parent: String? = nil
    ) throws -> EventContent {
        var fields: [String: JSONValue] = [
            "facility": .string(id), "party": .string(party), "name": .string(id), "kind": .string(kind),
            "country": "GH", "latitude": "6.7", "longitude": "-1.6",
        ]
        if let certificate { fields["certificate"] = .string(certificate) }
        if let parent { fields["parent_facility"] = .string(parent) }
        return try EventContent(
            kind: .facility, recordID: "facility/\(id)", occurredAt: Timestamp(epochSeconds: 1_767_225_600),
            fields: fields)
    }

    /// Reopens the same ledger (or the SQLite file at `path`) with a fresh store, as another process would.
    func reopen(path: String? = nil) async throws -> Ledger {
        try await Ledger.open(
            at: path.map { .sqlite(path: $0) } ?? address, operatorKey: operatorKey, clock: Self.clock)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
        if let databaseURL { TestPostgres.dropDatabase(databaseURL) }
    }

    static func record(_ json: String) throws -> EventContent {
        try EventContent(record: JSONParser.parse(json))
    }

    /// `count` produce/ship pairs for the farm, each lot shipped to the mill.
    static func farmRecords(_ count: Int, from start: Int = 0) throws -> [EventContent] {
        var records = [EventContent]()
        for index in start..<start + count {
            records.append(
                try record(
                    """
                    {"record_id": "P-\(index)", "event": "produce", "occurred_at": "2026-03-01T08:\(String(format: "%02d", index % 60)):00+02:00",
                     "product": "cocoa-beans", "lot": "LOT-\(index)", "quantity": "\(100 + index).25", "unit": "kg", "facility": "FARM-1",
                     "serials": "S-\(index)-a;S-\(index)-b"}
                    """))
            records.append(
                try record(
                    """
                    {"record_id": "S-\(index)", "event": "ship", "occurred_at": "2026-03-02T08:00:00+02:00",
                     "product": "cocoa-beans", "lot": "LOT-\(index)", "quantity": "\(100 + index).25", "unit": "kg", "facility": "FARM-1",
                     "shipment_id": "SHP-\(index)", "destination": "MILL-1", "unit_price": 2.61, "currency": "USD", "carrier": "CARRIER-\(index % 3)"}
                    """))
        }
        return records
    }

    static func millRecords(lot: Int) throws -> [EventContent] {
        [
            try record(
                """
                {"record_id": "R-\(lot)", "event": "receive", "occurred_at": "2026-03-09T10:00:00+01:00", "product": "cocoa-beans",
                 "lot": "LOT-\(lot)", "quantity": "99", "unit": "kg", "facility": "MILL-1", "shipment_id": "SHP-\(lot)"}
                """),
            try record(
                """
                {"record_id": "T-\(lot)", "event": "transform", "occurred_at": "2026-03-10T10:00:00+01:00", "product": "cocoa-mass",
                 "lot": "MASS-\(lot)", "quantity": "80", "unit": "kg", "facility": "MILL-1", "inputs": [{"lot": "LOT-\(lot)", "quantity": 99}]}
                """),
        ]
    }
}
