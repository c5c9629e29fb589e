internal import LedgerStorage
package import LedgerCore
internal import GRDB

extension SQLiteLedgerStore {
    /// Copies every `events` row of the ledger file at `source` into this store's file, in one
    /// transaction with the page cache a block gets, and returns the number of rows: what SQLite
    /// alone costs to write a block's rows with this schema's indexes, the WAL and the checkpoint
    /// that follows the commit.
    ///
    /// The ingest benchmark's storage reference, measured beside the ingest of the same rows. The
    /// copy reads the rows from `source` in order, which adds a little to the cost of writing them.
    package func copyEventRows(from source: String) async throws(LedgerError) -> Int {
        do {
            return try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
                defer { try? db.execute(sql: "DETACH DATABASE source") }
                var copied = 0
                try Self.withBlockCache(db) {
                    try db.inTransaction(.immediate) {
                        try db.execute(sql: "INSERT INTO main.events SELECT * FROM source.events ORDER BY seq")
                        copied = db.changesCount
                        return .commit
                    }
                }
                return copied
            }
        } catch {
            throw Self.storageError(error, "cannot copy the events of \(source)")
        }
    }
}
