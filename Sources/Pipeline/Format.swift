/// Numbers as reasons spell them: deterministic, locale-free, rounded to what a reader needs.
enum Format {
    /// `x` with `decimals` digits after the point, e.g. `fixed(2.6, 2)` = "2.60".
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "-∞") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e15 else { return String(Int64(x.rounded())) }
        let units = Int64(scaled)
        let whole = units / Int64(scale)
        var text = grouped(whole)
        if decimals > 0 {
            let fraction = String(units % Int64(scale))
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (x < 0 && units != 0 ? "-" : "") + text
    }

    /// A measurement with precision that suits its size: "1,250", "12.5", "0.41".
    static func number(_ x: Double) -> String {
        let magnitude = abs(x)
        return fixed(x, magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2)
    }

    /// A share as a whole percentage, "84 %" (one decimal below 10 %).
    static func percent(_ share: Double) -> String {
        let value = share * 100
        return fixed(value, abs(value) < 10 ? 1 : 0) + " %"
    }

    /// An event's quantity with its unit: "1,250 kg".
    static func quantity(_ event: ChainEvent) -> String {
        guard let quantity = event.quantity else { return "an unknown quantity" }
        return number(quantity) + (event.unit.map { " " + $0 } ?? "")
    }

    private static func grouped(_ value: Int64) -> String {
        let digits = String(value)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
