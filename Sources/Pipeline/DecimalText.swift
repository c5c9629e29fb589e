import LedgerCore

/// Decimal spellings of binary floating-point numbers that depend on neither locale nor platform.
///
/// Both start from Swift's own shortest round-trip spelling of the `Double` (the fewest digits that
/// read back as the same value), made exact by ``ExactDecimal``, and then work on the decimal digits:
/// rounding is decimal, half away from zero, so `0.12345` becomes `"0.1235"` as a reader expects.
enum DecimalText {
    /// `value` rounded to `places` decimals and spelled with exactly that many: `"0.8125"`,
    /// `"12.0000"`, `"-3.5000"`; `"0.0000"` for anything that rounds to zero, without a sign.
    ///
    /// `nil` when `value` is not finite or beyond ±1e40.
    static func fixed(_ value: Double, places: Int) -> String? {
        guard let exact = shortest(value) else { return nil }
        return round(exact, places: places)
    }

    /// The shortest decimal that reads back as `value`, without exponent: `"0.02"`, `"3"`, `"-1250"`.
    ///
    /// `nil` when `value` is not finite or beyond ±1e40.
    static func shortest(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        return ExactDecimal(value.description)?.text
    }

    /// `value` with at most `places` decimals and no trailing fractional zeros, for people to read:
    /// `"0.41"`, `"8125"`, `"-3.5"`.
    static func trimmed(_ value: Double, places: Int) -> String {
        guard let text = fixed(value, places: places) else { return value.description }
        guard text.contains(".") else { return text }
        var trimmedText = Substring(text)
        while trimmedText.last == "0" { trimmedText = trimmedText.dropLast() }
        if trimmedText.last == "." { trimmedText = trimmedText.dropLast() }
        return String(trimmedText)
    }

    /// Rounds a normal ``ExactDecimal`` spelling to exactly `places` decimals.
    private static func round(_ exact: String, places: Int) -> String {
        var text = Substring(exact)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integerDigits = Array(parts[0].utf8)
        var fractionDigits = parts.count == 2 ? Array(parts[1].utf8) : []
        let zero = UInt8(ascii: "0")

        var roundUp = false
        if fractionDigits.count > places {
            roundUp = fractionDigits[places] >= UInt8(ascii: "5")
            fractionDigits.removeSubrange(places...)
        } else {
            fractionDigits.append(contentsOf: repeatElement(zero, count: places - fractionDigits.count))
        }
        if roundUp {
            var digits = integerDigits + fractionDigits
            var index = digits.count - 1
            while index >= 0 {
                if digits[index] == UInt8(ascii: "9") {
                    digits[index] = zero
                    index -= 1
                } else {
                    digits[index] += 1
                    break
                }
            }
            if index < 0 { digits.insert(UInt8(ascii: "1"), at: 0) }
            integerDigits = Array(digits[..<(digits.count - places)])
            fractionDigits = Array(digits[(digits.count - places)...])
        }
        let isZero = integerDigits.allSatisfy { $0 == zero } && fractionDigits.allSatisfy { $0 == zero }
        var out = negative && !isZero ? "-" : ""
        out += String(decoding: integerDigits, as: UTF8.self)
        if places > 0 { out += "." + String(decoding: fractionDigits, as: UTF8.self) }
        return out
    }
}
