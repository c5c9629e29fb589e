public import LedgerCore

extension Report.Flag {
    /// The flag as the report's JSON holds it (for listings of single flags).
    public var json: JSONValue { jsonValue }
}
