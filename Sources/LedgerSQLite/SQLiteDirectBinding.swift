internal import LedgerStorage
internal import GRDB
internal import GRDBSQLite

/// Executes a prepared GRDB statement with values bound through SQLite's C API: the writer's path
/// for event rows, where building GRDB's `StatementArguments` (a `DatabaseValue` per column, a `Data`
/// copy of every blob) cost about a sixth of the insert. The statement is inside a GRDB transaction
/// and changes no transaction state, so GRDB's bookkeeping is not needed.
struct DirectBinding {
    private let statement: Statement
    private var column: Int32 = 0

    init(_ statement: Statement) {
        self.statement = statement
    }

    /// Binds the next parameter.
    mutating func bind(_ value: Int) throws {
        column += 1
        try check(sqlite3_bind_int64(statement.sqliteStatement, column, Int64(value)))
    }

    /// Binds the next parameter, as NULL when `value` is nil.
    mutating func bind(_ value: String?) throws {
        column += 1
        guard var value else { return try check(sqlite3_bind_null(statement.sqliteStatement, column)) }
        // The string's own UTF-8 storage, all of it (the length is given), copied by SQLite
        // (SQLITE_TRANSIENT) before the call returns. An empty string may have no storage, and a
        // null pointer would bind NULL.
        let code = value.withUTF8 { bytes in
            guard let base = bytes.baseAddress else {
                return sqlite3_bind_text(statement.sqliteStatement, column, "", 0, Self.transient)
            }
            return sqlite3_bind_text(statement.sqliteStatement, column, base, Int32(bytes.count), Self.transient)
        }
        try check(code)
    }

    /// Binds the next parameter as a blob (an empty one for no bytes, never NULL).
    mutating func bind(_ value: [UInt8]) throws {
        column += 1
        let code = value.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(statement.sqliteStatement, column, 0)
            }
            return sqlite3_bind_blob(statement.sqliteStatement, column, base, Int32(bytes.count), Self.transient)
        }
        try check(code)
    }

    /// Runs the statement with the values bound so far, then readies it for the next row.
    mutating func execute(in db: Database) throws {
        let raw = statement.sqliteStatement
        let code = sqlite3_step(raw)
        // The message is read before the reset, which may replace it.
        let message = code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(db.sqliteConnection))
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        column = 0
        if let message { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message) }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind parameter \(column)")
        }
    }

    /// SQLite's marker for "copy the value now".
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
