/// A decimal number kept exactly, in one normal spelling.
///
/// `"0120.50"`, `"120.5"` and `"1.205e2"` all become `120.5`: no leading zeros, no trailing
/// fractional zeros, no exponent, `-` only for values below zero. Quantities and prices are never
/// held in binary floating point, so what a producer exported is what the ledger signs.
public struct ExactDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The normal spelling.
    public let text: String
    /// Whether the value is below zero.
    public let isNegative: Bool
    /// Whether the value is zero.
    public let isZero: Bool

    /// Largest exponent accepted, which keeps spelled-out values short.
    public static let maximumExponent = 40

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]`; `nil` for anything else.
    public init?(_ input: String) {
        if let normal = Self.normalForm(input) {
            text = input
            isNegative = normal.isNegative
            isZero = normal.isZero
            return
        }
        var characters = Substring(input)
        var negative = false
        if let first = characters.first, first == "+" || first == "-" {
            negative = first == "-"
            characters = characters.dropFirst()
        }
        var mantissa = characters
        var exponent = 0
        if let marker = characters.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = characters[..<marker]
            let exponentText = characters[characters.index(after: marker)...]
            guard Self.isSignedDigits(exponentText), let value = Int(exponentText),
                abs(value) <= Self.maximumExponent
            else { return nil }
            exponent = value
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let integerPart = parts.first, Self.isDigits(integerPart) else { return nil }
        let fractionPart = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || Self.isDigits(fractionPart) else { return nil }

        var digits = Array(integerPart) + Array(fractionPart)
        var pointPosition = integerPart.count + exponent
        if pointPosition < 0 {
            digits.insert(contentsOf: repeatElement("0", count: -pointPosition), at: 0)
            pointPosition = 0
        }
        if pointPosition > digits.count {
            digits.append(contentsOf: repeatElement("0", count: pointPosition - digits.count))
        }
        var integerDigits = digits[..<pointPosition].drop { $0 == "0" }
        var fractionDigits = digits[pointPosition...]
        while fractionDigits.last == "0" { fractionDigits = fractionDigits.dropLast() }
        if integerDigits.isEmpty { integerDigits = ["0"] }
        let zero = integerDigits == ["0"] && fractionDigits.isEmpty
        var spelled = String(integerDigits)
        if !fractionDigits.isEmpty { spelled += "." + String(fractionDigits) }
        isZero = zero
        isNegative = negative && !zero
        text = (isNegative ? "-" : "") + spelled
    }

    public var description: String { text }

    /// The nearest `Double`, for analysis only; never for what is signed.
    public var approximateValue: Double { Double(text) ?? .nan }

    /// Whether `input` is already spelled normally, as most exported values are (`120.5`, `-3`,
    /// `0.25`), and if so its sign; such a value is kept as it is, without rewriting its digits.
    private static func normalForm(_ input: String) -> (isNegative: Bool, isZero: Bool)? {
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        var bytes = input.utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let integer = bytes.prefix(while: isDigit)
        guard let leading = integer.first, leading != UInt8(ascii: "0") || integer.count == 1 else { return nil }
        bytes = bytes.dropFirst(integer.count)
        guard let point = bytes.first else {
            let zero = leading == UInt8(ascii: "0")
            return negative && zero ? nil : (negative, zero)
        }
        let fraction = bytes.dropFirst()
        guard point == UInt8(ascii: "."), let last = fraction.last, last != UInt8(ascii: "0"),
            fraction.allSatisfy(isDigit)
        else {
            return nil
        }
        return (negative, false)
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func isSignedDigits(_ text: Substring) -> Bool {
        var body = text
        if let first = body.first, first == "+" || first == "-" { body = body.dropFirst() }
        return isDigits(body)
    }
}
