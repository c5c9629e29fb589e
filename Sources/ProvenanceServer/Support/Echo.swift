import LedgerCore

/// How an error message quotes what a request sent: a short prefix, with anything that is not plainly printable
/// written as `U+XXXX`, so that an answer never grows with its input nor carries a caller's control characters.
enum Echo {
    /// Most characters of an input an error quotes.
    static let limit = 64

    /// `input` as an error quotes it: at most ``limit`` characters, then `…`.
    static func short(_ input: some StringProtocol) -> String {
        var quoted = ""
        for (position, scalar) in input.unicodeScalars.enumerated() {
            guard position < limit else {
                quoted += "…"
                break
            }
            if AdmissibleText.isAdmissible(scalar) {
                quoted.unicodeScalars.append(scalar)
            } else {
                quoted += AdmissibleText.codePoint(scalar)
            }
        }
        return quoted
    }
}
