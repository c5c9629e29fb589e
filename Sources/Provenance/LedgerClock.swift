internal import Foundation
public import LedgerCore

/// Where a ledger gets the time it records in block headers.
public struct LedgerClock: Sendable {
    private let now: @Sendable () -> Timestamp

    public init(_ now: @escaping @Sendable () -> Timestamp) {
        self.now = now
    }

    public func callAsFunction() -> Timestamp { now() }

    /// The system clock, to the millisecond.
    public static let system = LedgerClock {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let fraction = String(milliseconds % 1000)
        return Timestamp(
            epochSeconds: milliseconds / 1000, fraction: String(repeating: "0", count: 3 - fraction.count) + fraction)
    }

    /// A clock that always reads `seconds` after the epoch: for reproducible ledgers.
    public static func fixed(epochSeconds seconds: Int64) -> LedgerClock {
        LedgerClock { Timestamp(epochSeconds: seconds) }
    }

    /// `SOURCE_DATE_EPOCH` from `environment` if set (reproducible builds' convention), else the
    /// system clock.
    public static func fromEnvironment(_ environment: [String: String]) -> LedgerClock {
        if let text = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) {
            return .fixed(epochSeconds: seconds)
        }
        return .system
    }
}
