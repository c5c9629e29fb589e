internal import LedgerCore

/// Fixed-format printing of the numbers, dates and CSV cells the generator writes: integer
/// arithmetic only, so output never depends on floating-point printing or the locale.
enum Formatting {
    /// `value` scaled by 10^`decimals`, in the ledger's normal decimal spelling (no trailing
    /// fractional zeros): `decimal(12340, decimals: 3)` is `12.34`.
    static func decimal(_ value: Int64, decimals: Int) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        appendDecimal(value, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendDecimal(_ value: Int64, decimals: Int, to bytes: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        appendInteger(magnitude / scale, to: &bytes)
        magnitude %= scale
        guard magnitude > 0 else { return }
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: decimals)
        var index = decimals - 1
        while index >= 0 {
            digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        bytes.append(UInt8(ascii: "."))
        bytes.append(contentsOf: digits)
    }

    static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits = [UInt8]()
        var rest = value
        while rest > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        bytes.append(contentsOf: digits.reversed())
    }

    /// `value` with at least `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        var bytes = [UInt8]()
        appendPadded(value, width, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendPadded(_ value: Int, _ width: Int, to bytes: inout [UInt8]) {
        var digits = [UInt8]()
        var rest = value.magnitude
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while digits.count < width { digits.append(UInt8(ascii: "0")) }
        bytes.append(contentsOf: digits.reversed())
    }

    /// Days since 1970-01-01 of an instant in local time (`offsetMinutes` east of UTC).
    static func localDay(_ epochSeconds: Int64, offsetMinutes: Int) -> Int {
        let local = epochSeconds + Int64(offsetMinutes) * 60
        return Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// `YYYY-MM-DDTHH:MM:SS±HH:MM` (or `Z`) for an instant shown at `offsetMinutes`.
    static func timestamp(_ epochSeconds: Int64, offsetMinutes: Int) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(25)
        let local = epochSeconds + Int64(offsetMinutes) * 60
        let day = localDay(epochSeconds, offsetMinutes: offsetMinutes)
        appendDate(day, to: &bytes)
        let second = Int(local - Int64(day) * 86_400)
        bytes.append(UInt8(ascii: "T"))
        appendPadded(second / 3600, 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(second / 60 % 60, 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(second % 60, 2, to: &bytes)
        if offsetMinutes == 0 {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            bytes.append(offsetMinutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendPadded(abs(offsetMinutes) / 60, 2, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendPadded(abs(offsetMinutes) % 60, 2, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD` of a day number (days since 1970-01-01).
    static func date(_ day: Int) -> String {
        var bytes = [UInt8]()
        appendDate(day, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDate(_ days: Int, to bytes: inout [UInt8]) {
        let (year, month, day) = civil(days)
        appendPadded(year, 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(month, 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(day, 2, to: &bytes)
    }

    /// Year, month and day of a day number in the proleptic Gregorian calendar.
    static func civil(_ days: Int) -> (Int, Int, Int) { Timestamp.civilFromDays(days) }

    /// Day number of a calendar date.
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        Timestamp.daysFromCivil(year: year, month: month, day: day)
    }

    /// One CSV line (with `\n`) of `cells`.
    static func csvLine(_ cells: [String]) -> String {
        CSVText.line(cells)
    }
}
