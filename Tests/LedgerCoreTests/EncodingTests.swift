import LedgerCore
import LedgerCrypto
import Testing

@Suite struct EncodingTests {
    @Test func canonicalJSONSortsByUTF16AndEscapesMinimally() throws {
        let value: JSONValue = [
            "b": "x", "a": .array([.integer(1), .bool(true), .null]), "\u{FF46}": "wide", "\u{1F600}": "emoji",
            "c": "line\nbreak \"quoted\" back\\slash \u{01} ü",
        ]
        let text = String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
        // U+1F600 is a surrogate pair (D83D…) in UTF-16 and so sorts before U+FF46, unlike in code-point order.
        #expect(
            text
                == #"{"a":[1,true,null],"b":"x","c":"line\nbreak \"quoted\" back\\slash \u0001 ü","😀":"emoji","ｆ":"wide"}"#
        )
        let decoded = try CanonicalJSON.decode(Array(text.utf8))
        #expect(decoded == value)
        #expect(throws: CanonicalJSON.Failure.self) { try CanonicalJSON.decode(Array(#"{"b":1, "a":2}"#.utf8)) }
        #expect(throws: CanonicalJSON.Failure.self) { try CanonicalJSON.encode(.number("1.5")) }
    }

    /// The canonical check made while parsing accepts exactly the bytes that re-encoding the parsed
    /// value reproduces: compared on canonical documents and on thousands of small alterations of them.
    @Test func canonicalCheckWhileParsingAgreesWithReencoding() throws {
        var random = SystemRandomNumberGenerator()
        let strings = [
            "", "a", "b", "ab", "Ä", "\u{FF46}", "\u{1F600}", "tab\there", "q\"uote", "back\\slash", "\u{01}\u{1F}",
            "/", "\u{7F}",
        ]
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &random) {
            case 0: return .string(strings.randomElement(using: &random) ?? "")
            case 1: return .integer(Int.random(in: -1_000...1_000, using: &random))
            case 2: return [.bool(true), .bool(false), .null].randomElement(using: &random) ?? .null
            case 3: return .string("plain")
            case 4: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth + 1) })
            default:
                var members = [String: JSONValue]()
                for _ in 0..<Int.random(in: 0...4, using: &random) {
                    members[strings.randomElement(using: &random) ?? ""] = value(depth + 1)
                }
                return .object(members)
            }
        }
        func reencodes(_ bytes: [UInt8]) -> Bool {
            guard let parsed = try? CanonicalJSON.parse(bytes), let encoded = try? CanonicalJSON.encode(parsed) else {
                return false
            }
            return encoded == bytes
        }
        let alphabet = Array(#" {}[],:"\u0009ntrfb/-.eE+"#.utf8) + [0x0A, 0xC3, 0x84, 0xEF, 0xBD, 0x86]
        var rejected = 0
        for _ in 0..<400 {
            let original = try CanonicalJSON.encode(value(0))
            #expect(try CanonicalJSON.decode(original) == CanonicalJSON.parse(original))
            for _ in 0..<10 {
                var bytes = original
                let position = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(alphabet.randomElement(using: &random) ?? 0x20, at: position)
                case 1 where position < bytes.count: bytes.remove(at: position)
                default: if position < bytes.count { bytes[position] = alphabet.randomElement(using: &random) ?? 0x20 }
                }
                let accepted = (try? CanonicalJSON.decode(bytes)) != nil
                #expect(accepted == reencodes(bytes), "\(String(decoding: bytes, as: UTF8.self))")
                if !accepted { rejected += 1 }
            }
        }
        #expect(rejected > 1_000)
        // Each kind of departure is named.
        for (bad, departure) in [
            (#"{"a":1, "b":2}"#, "whitespace"), (#"{"b":1,"a":2}"#, "out of order"), (#"["\/"]"#, "escaped"),
            ("[1.0]", "canonical integer"),
            (#"["\u00e4"]"#, "escaped"), (" 1", "whitespace"),
        ] {
            var reason = "accepted"
            do { _ = try CanonicalJSON.decode(Array(bad.utf8)) } catch { reason = error.reason }
            #expect(reason.contains(departure), "\(bad): \(reason)")
        }
    }

    @Test func parserIsStrict() {
        for bad in [
            #"{"a":1,"a":2}"#, "[1,]", "01", #""\x""#, "[1] x", #""\ud800""#, String(repeating: "[", count: 100),
        ] {
            #expect(throws: JSONParser.Failure.self, "\(bad)") { try JSONParser.parse(bad) }
        }
        let object = try? JSONParser.parse(#"{"q": 120.50}"#)
        #expect(object?["q"] == .number("120.50"))
        let pair = try? JSONParser.parse(#""\ud83d\ude00""#)
        #expect(pair == .string("😀"))
    }

    @Test func parserReadsMemberByMember() throws {
        var parser = JSONParser(document: Array(#" {"a": [1, "x\u00e9"], "b": {}, "c": [], "d": "plain"} "#.utf8))
        var seen = [String: JSONValue]()
        try parser.beginObject()
        while let name = try parser.nextMember() {
            switch name {
            case "a":
                var elements = [JSONValue]()
                try parser.beginArray()
                while try parser.nextElement() { elements.append(try parser.value()) }
                seen[name] = .array(elements)
            case "b":
                try parser.beginObject()
                #expect(try parser.nextMember() == nil)
            case "c":
                try parser.beginArray()
                #expect(try parser.nextElement() == false)
            default:
                seen[name] = try parser.value()
            }
        }
        try parser.finish()
        #expect(seen == ["a": [.integer(1), "xé"], "d": "plain"])
        for bad in [#"{"a":1 "b":2}"#, #"{"a":1,}"#, #"{"a":1"#, "[1,]", #"{"a":1} x"#] {
            var parser = JSONParser(document: Array(bad.utf8))
            #expect(throws: JSONParser.Failure.self, "\(bad)") {
                if bad.hasPrefix("[") {
                    try parser.beginArray()
                    while try parser.nextElement() { _ = try parser.value() }
                } else {
                    try parser.beginObject()
                    while try parser.nextMember() != nil { _ = try parser.value() }
                }
                try parser.finish()
            }
        }
    }

    @Test func decimalsHaveOneSpelling() {
        let cases = [
            "0120.50": "120.5", "1.205e2": "120.5", "-0.0": "0", "+3": "3", "5E-3": "0.005", "1000": "1000",
            "0.000": "0", "12e1": "120",
            "120.5": "120.5", "-0.25": "-0.25", "0": "0", "-0": "0", "00": "0", "-7": "-7", "0.05": "0.05",
        ]
        for (input, expected) in cases {
            #expect(ExactDecimal(input)?.text == expected, "\(input)")
        }
        for bad in ["", ".5", "1.", "1,5", "abc", "1e999", "--1", "0x10", "-", "1.2.3", "1.5 ", "٣"] {
            #expect(ExactDecimal(bad) == nil, "\(bad)")
        }
    }

    @Test func timestampsNormaliseToUTCAndKeepTheOffset() throws {
        let t = try Timestamp(iso8601: "2026-03-01T01:15:00.500+02:00")
        #expect(t.utc == "2026-02-28T23:15:00.5Z")
        #expect(t.offset == "+02:00")
        #expect(t.local == "2026-03-01T01:15:00.5+02:00")
        let rebuilt = try Timestamp(utc: t.utc, offset: t.offset)
        #expect(rebuilt == t)
        let beforeEpoch = try Timestamp(iso8601: "1969-12-31T23:59:59Z")
        #expect(beforeEpoch.epochSeconds == -1)
        let leapDay = try Timestamp(iso8601: "2024-02-29T00:00:00-05:30")
        #expect(leapDay.utc == "2024-02-29T05:30:00Z")
        for bad in [
            "2026-03-01T08:15:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-03-01 08:15:00Z",
            "2026-03-01T24:00:00Z",
        ] {
            #expect(throws: Timestamp.Failure.self, "\(bad)") { try Timestamp(iso8601: bad) }
        }
    }

    @Test func base64AndHexAreStrict() {
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Zm9vYh==") == nil, "non-zero padding bits")
        #expect(Base64.decode("Zm9vYg=") == nil)
        #expect(Base64.decodeURL(Base64.encodeURL([0xfb, 0xff])) == [0xfb, 0xff])
        #expect(Hex.decode("0aff") == [0x0a, 0xff])
        #expect(Hex.decode("0AFF") == nil)
    }
}

@Suite struct SignedEventTests {
    let key: Ed25519.PrivateKey

    init() throws { key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 4, count: 32)) }

    func content(quantity: String = "10.50") throws -> EventContent {
        try EventContent(
            record: JSONParser.parse(
                """
                {"record_id": "R1", "event": "ship", "occurred_at": "2026-03-01T08:15:00+02:00", "product": "cocoa-beans",
                 "lot": "L1", "quantity": "\(quantity)", "unit": "kg", "facility": "F1", "shipment_id": "S1", "destination": "F2",
                 "unit_price": "2.6", "currency": "USD"}
                """))
    }

    @Test func statementCommitsSensitiveFieldsOnly() throws {
        let event = try SignedEvent.sign(content(), signer: "farm", key: key)
        let statement = String(decoding: event.statement, as: UTF8.self)
        #expect(statement.hasPrefix(#"{"commitments":{"currency":"#))
        #expect(statement.contains(#""occurred_at":"2026-03-01T06:15:00Z","occurred_offset":"+02:00""#))
        #expect(!statement.contains("10.5"), "quantities enter the statement only as digests")
        #expect(!statement.contains("F2"))
        #expect(Set(event.header.commitments.keys) == ["quantity", "unit_price", "currency", "destination"])
        #expect(event.id == SHA256.hash(event.statement))
        #expect(event.isSignedBy(key.publicKey))
        let expectedContent = try content()
        #expect(event.content == expectedContent)
    }

    @Test func signingIsDeterministicAndSaltsUnguessable() throws {
        let first = try SignedEvent.sign(content(), signer: "farm", key: key)
        let second = try SignedEvent.sign(content(quantity: "10.5"), signer: "farm", key: key)
        #expect(first == second, "the same record signs to the same bytes")
        let otherKey = try Ed25519.PrivateKey(seed: [UInt8](repeating: 5, count: 32))
        let other = try SignedEvent.sign(content(), signer: "farm", key: otherKey)
        #expect(other.disclosures["quantity"]?.salt != first.disclosures["quantity"]?.salt)
        // A digest is SHA-256 of the canonical [salt, name, value].
        let disclosure = try #require(first.disclosures["quantity"])
        let expected = Base64.encodeURL(SHA256.hash(Array(#"["\#(disclosure.salt)","quantity","10.5"]"#.utf8)).bytes)
        #expect(first.header.commitments["quantity"] == expected)
    }

    /// The signer writes statements and disclosures directly as bytes; they must be exactly what
    /// encoding the same values as `JSONValue` gives, with salts as `Disclosure` documents them.
    @Test func signerWritesTheBytesTheJSONValuesEncodeTo() throws {
        let records = [
            #"""
            {"record_id": "T-1 \"ü\" \\ 😀", "event": "transform", "occurred_at": "2026-03-01T01:15:00.250-05:30", "product": "cocoa ｆ",
             "lot": "L\u00e9", "facility": "F1", "unit": "kg", "quantity": "3.50", "inputs": "A:1.50;B:2", "unit_price": "0", "currency": "EUR",
             "serials": "S1;S2", "certificate": "slash/ \"q\""}
            """#,
            #"""
            {"record_id": "R2", "event": "receive", "occurred_at": "2026-03-01T08:15:00Z", "product": "p", "lot": "L", "facility": "F",
             "unit": "t", "quantity": "1e3", "shipment_id": "S", "origin": "O", "carrier": "C"}
            """#,
            #"""
            {"record_id": "F1", "event": "facility", "occurred_at": "2026-03-01T08:15:00Z", "facility": "F1", "party": "farm",
             "name": "Farm", "kind": "farm", "country": "GH", "latitude": "6.5", "longitude": "-1.25", "workers": "12",
             "extensions": {"z": [1, "x"], "a": {"b": null, "q\"\\é": true}}}
            """#,
        ]
        let signer = "farm \"ü\""
        let eventSigner = EventSigner(participant: signer, key: key)
        let saltKey = SHA256.hash(parts: [Array("provenance/v1/disclosure-salt-key".utf8), [0], key.seed]).bytes
        for record in records {
            let content = try EventContent(record: JSONParser.parse(record))
            let event = try eventSigner.sign(content)
            let row = try eventSigner.signRow(content)
            #expect(row.statement == event.statement && row.signature == event.signature && row.id == event.id)
            let disclosures = row.disclosures
            var commitments = [String: JSONValue]()
            for (name, value) in content.sensitiveFields {
                let message = try CanonicalJSON.encode(
                    .array([.string(signer), .string(content.recordID), .string(name)]))
                let salt = Base64.encodeURL(SHA256.hmac(key: saltKey, message: message).bytes.prefix(16))
                #expect(event.disclosures[name] == Disclosure(salt: salt, name: name, value: value))
                let digest = Base64.encodeURL(
                    SHA256.hash(try CanonicalJSON.encode(.array([.string(salt), .string(name), value]))).bytes)
                commitments[name] = .string(digest)
            }
            let statement: JSONValue = [
                "v": .integer(SignedEvent.formatVersion), "kind": .string(content.kind.rawValue),
                "signer": .string(signer),
                "record_id": .string(content.recordID), "occurred_at": .string(content.occurredAt.utc),
                "occurred_offset": .string(content.occurredAt.offset), "fields": .object(content.publicFields),
                "commitments": .object(commitments),
            ]
            #expect(event.statement == (try CanonicalJSON.encode(statement)), "\(content.recordID)")
            #expect(disclosures == (try CanonicalJSON.encode(event.disclosuresJSON)), "\(content.recordID)")
            #expect(try eventSigner.id(of: content) == event.id)
            let rebuilt = try SignedEvent(
                statement: event.statement, signature: event.signature, disclosures: Array(event.disclosures.values))
            #expect(rebuilt == event)
        }
    }

    @Test func alteredDisclosureIsRejected() throws {
        let event = try SignedEvent.sign(content(), signer: "farm", key: key)
        let disclosure = try #require(event.disclosures["quantity"])
        let forged = Disclosure(salt: disclosure.salt, name: "quantity", value: "99")
        #expect(throws: LedgerError.self) {
            try SignedEvent(statement: event.statement, signature: event.signature, disclosures: [forged])
        }
        let withheld = event.withholding(["quantity"])
        #expect(withheld.withheldFields == ["quantity"])
        #expect(withheld.isSignedBy(key.publicKey))
    }

    @Test func storedFieldsReadAsTheSignedEventShowsThem() throws {
        let event = try SignedEvent.sign(content(), signer: "farm", key: key)
        let disclosures = try CanonicalJSON.encode(event.disclosuresJSON)
        let stored = try EventFields(statement: event.statement, disclosures: disclosures)
        #expect(stored.id == event.id)
        #expect(stored.kind == .ship && stored.signer == "farm" && stored.recordID == "R1")
        #expect(stored.occurredAt == event.header.occurredAt)
        #expect(Dictionary(uniqueKeysWithValues: stored.fields.map { ($0.name, $0.value) }) == event.visibleFields)

        let withheld = event.withholding(["quantity"])
        let partial = try EventFields(
            statement: event.statement, disclosures: CanonicalJSON.encode(withheld.disclosuresJSON))
        #expect(!partial.fields.contains { $0.name == "quantity" })

        let quantity = try #require(event.disclosures["quantity"])
        let forged = try CanonicalJSON.encode(
            .array([Disclosure(salt: quantity.salt, name: "quantity", value: "99").json]))
        #expect(throws: LedgerError.self) { try EventFields(statement: event.statement, disclosures: forged) }
        let twice = try CanonicalJSON.encode(.array([quantity.json, quantity.json]))
        #expect(throws: LedgerError.self) { try EventFields(statement: event.statement, disclosures: twice) }
        var truncated = event.statement
        truncated.removeLast()
        #expect(throws: LedgerError.self) { try EventFields(statement: truncated, disclosures: disclosures) }
    }
}
