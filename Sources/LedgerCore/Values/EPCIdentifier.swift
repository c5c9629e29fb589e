/// What a GS1 identifier of a trade item says: its GTIN and, when present, lot and serial number.
///
/// Read from the EPC URIs EPCIS uses for objects and classes (`urn:epc:id:sgtin:…`,
/// `urn:epc:class:lgtin:…`, `urn:epc:idpat:sgtin:…`) and from GS1 Digital Link URIs
/// (`https://id.gs1.org/01/…/10/…/21/…`). The GTIN is given as GTIN-14 with its check digit, the
/// form the ledger's `product` field uses, whatever the company prefix length of the URI.
public struct EPCIdentifier: Sendable, Equatable {
    /// The GTIN-14.
    public let gtin: String
    public let lot: String?
    public let serial: String?

    /// Parses `uri`; `nil` for an identifier that names no trade item (SSCC, GIAI, GRAI, SGLN…)
    /// or a malformed one.
    public init?(_ uri: String) {
        if uri.hasPrefix("urn:epc:") {
            self.init(urn: uri)
        } else if uri.hasPrefix("https://") || uri.hasPrefix("http://") {
            self.init(digitalLink: uri)
        } else {
            return nil
        }
    }

    private init?(urn: String) {
        guard let uri = EPCURI(urn, maxFields: 3), uri.fields.count == 3,
            let gtin = Self.gtin(companyPrefix: uri.fields[0], itemReference: uri.fields[1])
        else { return nil }
        let fields = uri.fields
        switch (uri.family, uri.scheme) {
        case ("id", "sgtin"):
            guard let serial = Self.percentDecoded(fields[2]), !serial.isEmpty else { return nil }
            self.init(gtin: gtin, lot: nil, serial: serial)
        case ("class", "lgtin"):
            guard let lot = Self.percentDecoded(fields[2]), !lot.isEmpty else { return nil }
            self.init(gtin: gtin, lot: lot, serial: nil)
        case ("idpat", "sgtin"):
            guard fields[2] == "*" else { return nil }
            self.init(gtin: gtin, lot: nil, serial: nil)
        default:
            return nil
        }
    }

    private init(gtin: String, lot: String?, serial: String?) {
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
    }

    /// A Digital Link URI: a path with `/01/{GTIN}` followed by optional `/10/{lot}` and `/21/{serial}`.
    private init?(digitalLink uri: String) {
        let afterScheme = uri.drop { $0 != "/" }.dropFirst(2)
        let path = afterScheme.drop { $0 != "/" }.prefix { $0 != "?" && $0 != "#" }
        let segments = path.split(separator: "/").map(String.init)
        guard let start = segments.firstIndex(of: "01"), start + 1 < segments.count else { return nil }
        guard let padded = Self.gtin14(segments[start + 1]) else { return nil }
        var lot: String?
        var serial: String?
        var index = start + 2
        while index + 1 < segments.count {
            switch segments[index] {
            case "10": lot = Self.percentDecoded(segments[index + 1])
            case "21": serial = Self.percentDecoded(segments[index + 1])
            default: break
            }
            index += 2
        }
        self.init(gtin: padded, lot: lot, serial: serial)
    }

    /// The GTIN-14 of an SGTIN's company prefix and item reference (indicator digit first).
    package static func gtin(companyPrefix: String, itemReference: String) -> String? {
        guard (6...12).contains(companyPrefix.utf8.count), companyPrefix.utf8.count + itemReference.utf8.count == 13,
            let indicator = itemReference.first, companyPrefix.utf8.allSatisfy(\.isASCIIDigit),
            itemReference.utf8.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let body = String(indicator) + companyPrefix + itemReference.dropFirst()
        guard let check = checkDigit(body) else { return nil }
        return body + String(check)
    }

    /// `text` as a GTIN-14, if it is a GTIN-8, -12, -13 or -14 (digits only) whose check digit holds: the shorter
    /// forms are padded with leading zeros, as GS1 writes them in a 14-digit field.
    public static func gtin14(_ text: some StringProtocol) -> String? {
        guard [8, 12, 13, 14].contains(text.utf8.count), text.utf8.allSatisfy(\.isASCIIDigit) else { return nil }
        let padded = String(repeating: "0", count: 14 - text.utf8.count) + text
        guard checkDigit(padded.dropLast()) == padded.last else { return nil }
        return padded
    }

    /// The GS1 check digit of `digits` (weights 3, 1, 3… from the right).
    public static func checkDigit(_ digits: some StringProtocol) -> Character? {
        var sum = 0
        // The rightmost digit weighs 3: a digit at an even distance from the end weighs 3, the others 1.
        var weight = digits.utf8.count % 2 == 0 ? 1 : 3
        for byte in digits.utf8 {
            guard byte.isASCIIDigit else { return nil }
            sum += Int(byte - UInt8(ascii: "0")) * weight
            weight = 4 - weight
        }
        return Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8((10 - sum % 10) % 10)))
    }

    /// `text` with `%XX` escapes decoded; `nil` if an escape is malformed or the result is not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes = [UInt8]()
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue?.isASCIIDigit ?? false }
}

extension UInt8 {
    /// Whether the byte is an ASCII digit, `0` to `9`.
    var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}

/// The parts of an EPC URI, `urn:epc:{family}:{scheme}:{fields}`: the family (`id`, `class`, `idpat`), the scheme
/// (`sgtin`, `lgtin`, `sscc`…) and the dot-separated fields after them.
package struct EPCURI {
    package let family: String
    package let scheme: String
    package let fields: [String]

    /// Splits `uri` into at most `maxFields` fields (the last keeps any further dots); `nil` if it does not start
    /// with `urn:epc:` or lacks the colon after its family or its scheme.
    package init?(_ uri: String, maxFields: Int = .max) {
        let (colon, dot) = (UInt8(ascii: ":"), UInt8(ascii: "."))
        guard uri.utf8.starts(with: "urn:epc:".utf8) else { return nil }
        let bytes = uri.utf8.dropFirst("urn:epc:".utf8.count)
        guard let familyEnd = bytes.firstIndex(of: colon) else { return nil }
        let schemeStart = bytes.index(after: familyEnd)
        guard let schemeEnd = bytes[schemeStart...].firstIndex(of: colon) else { return nil }
        var fields = [String]()
        fields.reserveCapacity(min(maxFields, 5))
        var start = bytes.index(after: schemeEnd)
        while fields.count < maxFields - 1, let end = bytes[start...].firstIndex(of: dot) {
            fields.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = bytes.index(after: end)
        }
        fields.append(String(decoding: bytes[start...], as: UTF8.self))
        family = String(decoding: bytes[..<familyEnd], as: UTF8.self)
        scheme = String(decoding: bytes[schemeStart..<schemeEnd], as: UTF8.self)
        self.fields = fields
    }
}
