internal import LedgerCore

/// The constrained canonical GS1 Digital Link URI of a GS1 identifier, as the CBV 2.0 event hash writes identifiers
/// (CBV 2.0 §8.9; GS1 Digital Link URI Syntax 1.2 §4.11): `https://id.gs1.org/` followed by the primary key and only
/// the key qualifiers that identify the finest level (a serial, else a lot), without any other qualifier, attribute,
/// query or fragment.
///
/// It reads EPC URIs (`urn:epc:id:…`), EPC class URIs (`urn:epc:class:lgtin:…`), the EPC pattern URIs that name a
/// class (`urn:epc:idpat:sgtin:…:*` and the like) and GS1 Digital Link URIs on any domain. Check digits are computed
/// from the EPC URI's digits (EPC URIs carry none); characters a Digital Link must escape (`!()*+,:`) are
/// percent-encoded.
enum GS1DigitalLink {
    static let base = "https://id.gs1.org/"

    /// The canonical Digital Link URI of `uri`, or `nil` if it is no GS1 identifier this reads.
    static func canonical(_ uri: String) -> String? {
        let bytes = uri.utf8
        if bytes.starts(with: "urn:epc:".utf8) { return fromEPC(uri) }
        if bytes.starts(with: "https://".utf8) || bytes.starts(with: "http://".utf8) { return constrained(uri) }
        return nil
    }

    // MARK: EPC URIs

    private static func fromEPC(_ uri: String) -> String? {
        guard let uri = EPCURI(uri) else { return nil }
        let (family, scheme, fields) = (uri.family, uri.scheme, uri.fields)
        switch (family, scheme) {
        case ("id", "sgtin"):
            guard fields.count == 3, let gtin = gtin(fields[0], fields[1]), let serial = text(fields[2], 20) else {
                return nil
            }
            return base + "01/\(gtin)/21/\(serial)"
        case ("class", "lgtin"):
            guard fields.count == 3, let gtin = gtin(fields[0], fields[1]), let lot = text(fields[2], 20) else {
                return nil
            }
            return base + "01/\(gtin)/10/\(lot)"
        case ("idpat", "sgtin"):
            guard fields.count == 3, fields[2] == "*", let gtin = gtin(fields[0], fields[1]) else { return nil }
            return base + "01/\(gtin)"
        case ("id", "sscc"):
            guard fields.count == 2, digits(fields[0], 6...12), digits(fields[1]),
                fields[0].count + fields[1].count == 17
            else { return nil }
            return base + "00/" + withCheckDigit(String(fields[1].prefix(1)) + fields[0] + fields[1].dropFirst())
        case ("id", "sgln"):
            guard fields.count == 3, let gln = gln(fields[0], fields[1]), let extensionText = text(fields[2], 20)
            else { return nil }
            return base + "414/\(gln)" + (fields[2] == "0" ? "" : "/254/\(extensionText)")
        case ("id", "pgln"):
            guard fields.count == 2, let gln = gln(fields[0], fields[1]) else { return nil }
            return base + "417/\(gln)"
        case ("id", "grai"), ("idpat", "grai"):
            guard fields.count == 3, let key = key13(fields[0], fields[1]) else { return nil }
            let grai = withCheckDigit("0" + key)
            if family == "idpat" { return fields[2] == "*" ? base + "8003/\(grai)" : nil }
            guard let serial = text(fields[2], 16) else { return nil }
            return base + "8003/\(grai)\(serial)"
        case ("id", "giai"):
            guard fields.count >= 2, digits(fields[0], 6...12) else { return nil }
            let reference = fields.dropFirst().joined(separator: ".")
            guard let encoded = text(reference, 30 - fields[0].count) else { return nil }
            return base + "8004/\(fields[0])\(encoded)"
        case ("id", "gsrn"), ("id", "gsrnp"):
            guard fields.count == 2, digits(fields[0], 6...12), digits(fields[1]),
                fields[0].count + fields[1].count == 17
            else { return nil }
            return base + (scheme == "gsrn" ? "8018/" : "8017/") + withCheckDigit(fields[0] + fields[1])
        case ("id", "gdti"), ("idpat", "gdti"):
            guard fields.count == 3, let key = key13(fields[0], fields[1]) else { return nil }
            if family == "idpat" { return fields[2] == "*" ? base + "253/\(withCheckDigit(key))" : nil }
            guard let serial = text(fields[2], 17) else { return nil }
            return base + "253/\(withCheckDigit(key))\(serial)"
        case ("id", "sgcn"), ("idpat", "sgcn"):
            guard fields.count == 3, let key = key13(fields[0], fields[1]) else { return nil }
            if family == "idpat" { return fields[2] == "*" ? base + "255/\(withCheckDigit(key))" : nil }
            guard digits(fields[2], 1...12) else { return nil }
            return base + "255/\(withCheckDigit(key))\(fields[2])"
        case ("id", "ginc"):
            guard fields.count >= 2, digits(fields[0], 6...12) else { return nil }
            let reference = fields.dropFirst().joined(separator: ".")
            guard let encoded = text(reference, 30 - fields[0].count) else { return nil }
            return base + "401/\(fields[0])\(encoded)"
        case ("id", "gsin"):
            guard fields.count == 2, digits(fields[0], 6...12), digits(fields[1]),
                fields[0].count + fields[1].count == 16
            else { return nil }
            return base + "402/" + withCheckDigit(fields[0] + fields[1])
        case ("id", "cpi"):
            guard fields.count == 3, digits(fields[0], 6...12), digits(fields[2], 1...12),
                let reference = text(fields[1], 30 - fields[0].count)
            else { return nil }
            return base + "8010/\(fields[0])\(reference)/8011/\(fields[2])"
        case ("id", "itip"):
            guard fields.count == 5, let gtin = gtin(fields[0], fields[1]), digits(fields[2], 2...2),
                digits(fields[3], 2...2), let serial = text(fields[4], 20)
            else { return nil }
            return base + "8006/\(gtin)\(fields[2])\(fields[3])/21/\(serial)"
        case ("id", "upui"):
            guard fields.count >= 3, let gtin = gtin(fields[0], fields[1]),
                let tpx = text(fields.dropFirst(2).joined(separator: "."), 28)
            else { return nil }
            return base + "01/\(gtin)/235/\(tpx)"
        default:
            return nil
        }
    }

    /// The GTIN-14 of a company prefix and an item reference whose first digit is the indicator.
    private static func gtin(_ companyPrefix: String, _ itemReference: String) -> String? {
        EPCIdentifier.gtin(companyPrefix: companyPrefix, itemReference: itemReference)
    }

    /// The GLN of a company prefix and a location or party reference.
    private static func gln(_ companyPrefix: String, _ reference: String) -> String? {
        GLN.gln(companyPrefix: companyPrefix, reference: reference)
    }

    /// The twelve digits of a company prefix and a reference that together make a 13-digit key without its check
    /// digit.
    private static func key13(_ companyPrefix: String, _ reference: String) -> String? {
        guard digits(companyPrefix, 6...12), reference.isEmpty || digits(reference),
            companyPrefix.count + reference.count == 12
        else { return nil }
        return companyPrefix + reference
    }

    private static func digits(_ text: String, _ count: ClosedRange<Int> = 1...Int.max) -> Bool {
        count.contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// `digits` (checked to be digits) followed by their GS1 check digit.
    static func withCheckDigit(_ digits: some StringProtocol) -> String {
        String(digits) + (EPCIdentifier.checkDigit(digits).map { String($0) } ?? "")
    }

    /// A serial, lot or reference of an EPC URI, at most `limit` characters once unescaped, with the characters a
    /// Digital Link path must escape percent-encoded; `nil` for an empty or longer one, or one with a character GS1
    /// keys do not admit (AI encodable character set 82).
    private static func text(_ value: String, _ limit: Int) -> String? {
        // Most serials and lots need no escape: they are their own encoding.
        if value.utf8.allSatisfy({ isCharacterSet82($0) && !mustEscape($0) && $0 != UInt8(ascii: "%") }) {
            return (1...limit).contains(value.utf8.count) ? value : nil
        }
        var encoded = ""
        var length = 0
        var bytes = value.utf8[...]
        while let byte = bytes.popFirst() {
            length += 1
            if byte == UInt8(ascii: "%") {
                // An escape the EPC URI already holds: kept as it is.
                let hex = Array(bytes.prefix(2))
                guard hex.count == 2, hex.allSatisfy(isHexDigit) else { return nil }
                encoded += "%" + String(decoding: hex, as: UTF8.self)
                bytes = bytes.dropFirst(2)
            } else if mustEscape(byte) {
                encoded += "%" + String(byte, radix: 16, uppercase: true)
            } else if isCharacterSet82(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                return nil
            }
        }
        return (1...limit).contains(length) ? encoded : nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static func isCharacterSet82(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "\""), UInt8(ascii: "%")...UInt8(ascii: "/"),
            UInt8(ascii: ":")...UInt8(ascii: "?"),
            UInt8(ascii: "_"):
            true
        default: false
        }
    }

    /// Whether a Digital Link path must percent-encode the byte (`!()*+,:`).
    private static func mustEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: ":"):
            true
        default: false
        }
    }

    // MARK: Digital Link URIs

    /// Primary keys, by application identifier, and the qualifiers the hash keeps after them (finest first).
    private static let keys: [String: [String]] = [
        "00": [], "01": ["21", "10", "235"], "253": [], "255": [], "401": [], "402": [], "414": ["254"],
        "417": [], "8003": [], "8004": [], "8006": ["21", "10"], "8010": ["8011"], "8017": [], "8018": [],
    ]

    /// A Digital Link URI on any domain, moved to `id.gs1.org` and constrained to its primary key and the finest
    /// qualifier it carries; `nil` if its path holds no GS1 primary key.
    private static func constrained(_ uri: String) -> String? {
        let slash = UInt8(ascii: "/")
        // A CBV term's or a GS1 vocabulary's web URI (`https://ref.gs1.org/cbv/BizStep-shipping`) has no path
        // below the term: no key in it.
        for vocabulary in ["https://ref.gs1.org/cbv/", "https://gs1.org/voc/"]
        where uri.utf8.starts(with: vocabulary.utf8) {
            if !uri.utf8.dropFirst(vocabulary.utf8.count).contains(slash) { return nil }
        }
        let afterScheme = uri.utf8.drop { $0 != slash }.dropFirst(2)
        let path = afterScheme.drop { $0 != slash }.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        let pieces = path.split(separator: slash, omittingEmptySubsequences: true)
        // Most URIs in events (CBV terms, private identifiers) name no GS1 key: tell before making strings.
        guard pieces.contains(where: { $0.count <= 4 && keys[String(decoding: $0, as: UTF8.self)] != nil }) else {
            return nil
        }
        let segments = pieces.map { String(decoding: $0, as: UTF8.self) }
        // The primary key is the first segment that is a key's AI followed by a value; a path prefix may come before.
        guard let start = segments.indices.first(where: { keys[segments[$0]] != nil && $0 + 1 < segments.count })
        else { return nil }
        let ai = segments[start]
        var value = segments[start + 1]
        if ai == "01" {
            guard digits(value, 8...14), [8, 12, 13, 14].contains(value.count) else { return nil }
            value = String(repeating: "0", count: 14 - value.count) + value
        }
        var qualifiers = [String: String]()
        var index = start + 2
        while index + 1 < segments.count {
            qualifiers[segments[index]] = segments[index + 1]
            index += 2
        }
        var result = base + ai + "/" + value
        if let finest = keys[ai]?.first(where: { qualifiers[$0] != nil }), let qualifier = qualifiers[finest] {
            result += "/\(finest)/\(qualifier)"
        }
        return result
    }
}
