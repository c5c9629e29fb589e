/// Text made safe for HTML, and numbers spelled for people.
public enum HTMLText {
    /// `text` escaped for element content and quoted attribute values alike: `& < > " '` become
    /// character references, and control characters other than tab and line breaks become U+FFFD.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "&", "<", ">", "\"", "'": return true
        default: return scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        }
    }

    /// An integer with thousands separated by commas: `48,210`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// A measured value with as many decimals as its size calls for: `4980.5`, `41.25`, `0.0125`.
    static func number(_ value: Double) -> String {
        let size = value.magnitude
        return DecimalText.trimmed(value, places: size >= 1_000 ? 1 : size >= 1 ? 2 : 4)
    }

    /// A share in [0, 1] as a percentage with one decimal: `41.3 %`.
    static func percent(_ share: Double) -> String {
        (DecimalText.fixed(share * 100, places: 1) ?? share.description) + "\u{A0}%"
    }

    /// A score as the JSON form writes it: `0.9137`.
    static func score(_ value: Double) -> String {
        DecimalText.fixed(value, places: Report.DecimalPlaces.score) ?? value.description
    }
}
