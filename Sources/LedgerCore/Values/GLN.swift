/// GS1 Global Location Numbers: the 13-digit numbers that name a party (a company, one of its departments) or a
/// place, in the forms EPCIS and GS1 Digital Link write them.
public enum GLN {
    /// `text` as a GLN-13, if it names a party: 13 digits whose last is the GS1 check digit, a PGLN URI
    /// (`urn:epc:id:pgln:4012345.00000`) or a GS1 Digital Link with a party GLN (`…/417/4012345000009`).
    public static func party(_ text: some StringProtocol) -> String? {
        let text = String(text)
        if let fields = urnFields(text, scheme: "id:pgln"), fields.count == 2 {
            return gln(companyPrefix: fields[0], reference: fields[1])
        }
        if let digits = digitalLinkValue(text, key: "417") { return gln13(digits) }
        return gln13(text)
    }

    /// The GLN-13 of the place `text` names: an SGLN URI (`urn:epc:id:sgln:4012345.00020.1`, its extension dropped)
    /// or a GS1 Digital Link with a location GLN (`…/414/4012345000207`).
    public static func location(_ text: some StringProtocol) -> String? {
        let text = String(text)
        if let fields = urnFields(text, scheme: "id:sgln"), fields.count == 3 {
            return gln(companyPrefix: fields[0], reference: fields[1])
        }
        return digitalLinkValue(text, key: "414").flatMap(gln13)
    }

    /// `text` if it is 13 digits whose last is the GS1 check digit.
    public static func gln13(_ text: some StringProtocol) -> String? {
        guard text.utf8.count == 13, text.utf8.allSatisfy(\.isASCIIDigit),
            EPCIdentifier.checkDigit(text.dropLast()) == text.last
        else { return nil }
        return String(text)
    }

    /// For an SGLN with an extension other than `0` (`urn:epc:id:sgln:4012345.00020.1`), the same SGLN with extension
    /// `0`: GS1 reserves the extension for locations within the site (docs/identity.md).
    public static func impliedSite(ofLocation id: String) -> String? {
        let prefix = "urn:epc:id:sgln:"
        guard id.hasPrefix(prefix) else { return nil }
        let parts = id.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2] != "0", !parts[2].isEmpty else { return nil }
        return prefix + parts[0] + "." + parts[1] + ".0"
    }

    /// The GLN-13 of a company prefix (6 to 12 digits) and a location or party reference that fill 12 digits.
    package static func gln(companyPrefix: String, reference: String) -> String? {
        guard (6...12).contains(companyPrefix.count), companyPrefix.count + reference.count == 12,
            companyPrefix.utf8.allSatisfy(\.isASCIIDigit), reference.utf8.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let body = companyPrefix + reference
        return EPCIdentifier.checkDigit(body).map { body + String($0) }
    }

    /// The dot-separated fields of `urn:epc:{scheme}:…`.
    private static func urnFields(_ text: String, scheme: String) -> [String]? {
        let prefix = "urn:epc:" + scheme + ":"
        guard text.hasPrefix(prefix) else { return nil }
        return text.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The path segment after `/{key}/` in an http(s) URI.
    private static func digitalLinkValue(_ text: String, key: String) -> String? {
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else { return nil }
        let path = text.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }.prefix { $0 != "?" && $0 != "#" }
        let segments = path.split(separator: "/")
        guard let index = segments.firstIndex(where: { $0 == key }), index + 1 < segments.count else { return nil }
        return String(segments[index + 1])
    }
}
