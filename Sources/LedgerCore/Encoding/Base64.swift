/// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded), decoded strictly.
///
/// Strict means a text decodes only if re-encoding the result gives the same text back: no
/// whitespace, no missing or extra padding, no non-zero trailing bits. A proof bundle therefore
/// has one spelling, and changing any of its characters is detected.
public enum Base64 {
    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Each alphabet's value per byte, -1 for bytes outside it.
    private static let standardValues = values(of: standardAlphabet)
    private static let urlValues = values(of: urlAlphabet)

    /// Padded standard base64.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        encode(Array(bytes), alphabet: standardAlphabet, pad: true)
    }

    /// Unpadded base64url.
    public static func encodeURL(_ bytes: some Collection<UInt8>) -> String {
        encode(Array(bytes), alphabet: urlAlphabet, pad: false)
    }

    /// The bytes of padded standard base64 `text`, or `nil` unless `text` is exactly canonical.
    public static func decode(_ text: String) -> [UInt8]? {
        decode(text, alphabet: standardAlphabet, values: standardValues, pad: true)
    }

    /// The bytes of unpadded base64url `text`, or `nil` unless `text` is exactly canonical.
    public static func decodeURL(_ text: String) -> [UInt8]? {
        decode(text, alphabet: urlAlphabet, values: urlValues, pad: false)
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], pad: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in stride(from: 18, through: 0, by: -6) {
                out.append(alphabet[Int(chunk >> UInt32(shift) & 0x3f)])
            }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var chunk = UInt32(bytes[index]) << 16
            if rest == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
            out.append(alphabet[Int(chunk >> 18 & 0x3f)])
            out.append(alphabet[Int(chunk >> 12 & 0x3f)])
            if rest == 2 { out.append(alphabet[Int(chunk >> 6 & 0x3f)]) }
            if pad { out.append(contentsOf: Array(repeating: UInt8(ascii: "="), count: 3 - rest)) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func values(of alphabet: [UInt8]) -> [Int16] {
        var lookup = [Int16](repeating: -1, count: 256)
        for (value, character) in alphabet.enumerated() { lookup[Int(character)] = Int16(value) }
        return lookup
    }

    private static func decode(_ text: String, alphabet: [UInt8], values lookup: [Int16], pad: Bool) -> [UInt8]? {
        var characters = Array(text.utf8)
        if pad {
            guard characters.count % 4 == 0 else { return nil }
            while characters.last == UInt8(ascii: "=") { characters.removeLast() }
        }
        var out = [UInt8]()
        out.reserveCapacity(characters.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in characters {
            let value = lookup[Int(character)]
            guard value >= 0 else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Reject leftover bits and any non-canonical padding by re-encoding.
        guard encode(out, alphabet: alphabet, pad: pad) == text else { return nil }
        return out
    }
}
