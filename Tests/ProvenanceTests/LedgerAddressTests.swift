import LedgerCore
import LedgerStorage
import Testing

@Suite struct LedgerAddressTests {
    @Test(arguments: ["ledger.sqlite", "/var/lib/prov/ledger.sqlite", "postgres.sqlite", "./postgres://x"])
    func anythingButAPostgresURLIsAFile(text: String) throws {
        #expect(try LedgerAddress(text) == .sqlite(path: text))
    }

    @Test func aURLNamesEveryPart() throws {
        let address = try LedgerAddress("postgres://prov:s%40cret@db.example:6432/ledger?sslmode=verify-full")
        #expect(
            address
                == .postgres(
                    PostgresAddress(
                        user: "prov", password: "s@cret", host: "db.example", port: 6432, database: "ledger",
                        tlsMode: .verifyFull)))
        #expect(address.description == "postgres://prov@db.example:6432/ledger?sslmode=verify-full")
    }

    @Test func defaultsAndSockets() throws {
        guard case .postgres(let tcp) = try LedgerAddress("postgresql://prov@localhost/ledger") else {
            Issue.record("not a PostgreSQL address")
            return
        }
        #expect(tcp.port == 5432 && tcp.password == nil && tcp.tlsMode == .prefer && tcp.socketPath == nil)
        guard case .postgres(let socket) = try LedgerAddress("postgres://prov@/ledger?host=/run/postgresql") else {
            Issue.record("not a PostgreSQL address")
            return
        }
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test(arguments: [
        ("postgres://db.example/ledger", "names no user"),
        ("postgres://prov@db.example/", "names no database"),
        ("postgres://prov:hunter2@db.example/ledger?sslmode=sometimes", "sslmode 'sometimes'"),
        ("postgres://prov:hunter2@db.example/ledger?application_name=x", "'application_name'"),
        ("postgres://prov@/ledger?host=relative", "socket folder"),
        ("", "empty"),
    ])
    func badAddressesSayWhatIsWrongWithoutThePassword(text: String, expected: String) {
        #expect {
            try LedgerAddress(text)
        } throws: { error in
            let reason = (error as? LedgerError)?.reason ?? ""
            return reason.contains(expected) && !reason.contains("hunter2")
        }
    }
}
