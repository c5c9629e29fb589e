/// An instant given in ISO 8601 with an explicit UTC offset, normalised to UTC with the original
/// offset kept beside it.
///
/// `2026-03-01T08:15:00+02:00` has ``utc`` `2026-03-01T06:15:00Z` and ``offset`` `+02:00`.
/// Fractions of a second are kept exactly (up to nanoseconds), trailing zeros removed.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// Fractional-second digits without trailing zeros (empty when whole).
    public let fraction: String
    /// The offset the instant was written with, in minutes east of UTC.
    public let offsetMinutes: Int

    /// Why a timestamp was refused.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(epochSeconds: Int64, fraction: String = "", offsetMinutes: Int = 0) {
        self.epochSeconds = epochSeconds
        var trimmed = Substring(fraction)
        while trimmed.last == "0" { trimmed = trimmed.dropLast() }
        self.fraction = String(trimmed)
        self.offsetMinutes = offsetMinutes
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    public init(iso8601 text: String) throws(Failure) {
        let c = Array(text.utf8)
        func digits(_ range: Range<Int>) throws(Failure) -> Int {
            guard range.upperBound <= c.count else { throw Failure(reason: "'\(text)' is too short for ISO 8601") }
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c[index]) else {
                    throw Failure(reason: "'\(text)' is not ISO 8601 (expected YYYY-MM-DDTHH:MM:SS±HH:MM)")
                }
                value = value * 10 + Int(c[index] - UInt8(ascii: "0"))
            }
            return value
        }
        func expect(_ index: Int, _ character: Character) throws(Failure) {
            guard index < c.count, c[index] == character.asciiValue else {
                throw Failure(reason: "'\(text)' is not ISO 8601 (expected YYYY-MM-DDTHH:MM:SS±HH:MM)")
            }
        }
        let year = try digits(0..<4)
        try expect(4, "-")
        let month = try digits(5..<7)
        try expect(7, "-")
        let day = try digits(8..<10)
        try expect(10, "T")
        let hour = try digits(11..<13)
        try expect(13, ":")
        let minute = try digits(14..<16)
        try expect(16, ":")
        let second = try digits(17..<19)
        var index = 19
        var fractionDigits = ""
        if index < c.count, c[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < c.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c[index]) { index += 1 }
            guard index > start, index - start <= 9 else {
                throw Failure(reason: "'\(text)': a fraction of a second needs 1 to 9 digits")
            }
            fractionDigits = String(decoding: c[start..<index], as: UTF8.self)
        }
        guard index < c.count else {
            throw Failure(reason: "'\(text)' has no UTC offset; add Z or ±HH:MM (e.g. +02:00)")
        }
        var offset = 0
        if c[index] == UInt8(ascii: "Z") {
            index += 1
        } else if c[index] == UInt8(ascii: "+") || c[index] == UInt8(ascii: "-") {
            let sign = c[index] == UInt8(ascii: "-") ? -1 : 1
            let offsetHours = try digits(index + 1..<index + 3)
            try expect(index + 3, ":")
            let offsetMinutes = try digits(index + 4..<index + 6)
            guard offsetHours <= 18, offsetMinutes < 60 else {
                throw Failure(reason: "'\(text)': UTC offset out of range")
            }
            offset = sign * (offsetHours * 60 + offsetMinutes)
            index += 6
        } else {
            throw Failure(reason: "'\(text)' has no UTC offset; add Z or ±HH:MM (e.g. +02:00)")
        }
        guard index == c.count else { throw Failure(reason: "'\(text)': unexpected text after the UTC offset") }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else {
            throw Failure(reason: "'\(text)': no such date")
        }
        guard hour < 24, minute < 60, second < 60 else { throw Failure(reason: "'\(text)': no such time of day") }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(epochSeconds: local - Int64(offset * 60), fraction: fractionDigits, offsetMinutes: offset)
    }

    /// The instant in UTC: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    public var utc: String { Self.format(epochSeconds, fraction: fraction, suffix: "Z") }

    /// The original offset: `Z` for UTC, else `±HH:MM`.
    public var offset: String {
        if offsetMinutes == 0 { return "Z" }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let magnitude = abs(offsetMinutes)
        return sign + Self.pad(magnitude / 60, 2) + ":" + Self.pad(magnitude % 60, 2)
    }

    /// The instant as it was written: local time with its offset.
    public var local: String {
        Self.format(epochSeconds + Int64(offsetMinutes * 60), fraction: fraction, suffix: offset)
    }

    /// Rebuilds a timestamp from its ``utc`` form and ``offset``, as stored in a signed event.
    public init(utc: String, offset: String) throws(Failure) {
        guard utc.hasSuffix("Z") else { throw Failure(reason: "'\(utc)' is not a UTC time") }
        let instant = try Timestamp(iso8601: utc)
        let withOffset = try Timestamp(iso8601: "2000-01-01T00:00:00" + offset)
        self.init(
            epochSeconds: instant.epochSeconds, fraction: instant.fraction, offsetMinutes: withOffset.offsetMinutes)
        guard self.utc == utc, self.offset == offset else {
            throw Failure(reason: "'\(utc)' with offset '\(offset)' is not in normal form")
        }
    }

    public var description: String { local }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        if lhs.epochSeconds != rhs.epochSeconds { return lhs.epochSeconds < rhs.epochSeconds }
        return lhs.fraction.padding(9) < rhs.fraction.padding(9)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `suffix`, written as bytes: this runs for every
    /// event signed.
    private static func format(_ seconds: Int64, fraction: String, suffix: String = "") -> String {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civilFromDays(days)
        guard (0...9999).contains(year) else {
            var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            if !fraction.isEmpty { text += "." + fraction }
            return text + suffix
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(20 + fraction.utf8.count + suffix.utf8.count)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if !fraction.isEmpty {
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: fraction.utf8)
        }
        bytes.append(contentsOf: suffix.utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month and day of a day number (days since 1970-01-01).
    package static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: "0", count: Swift.max(0, width - count))
    }
}
