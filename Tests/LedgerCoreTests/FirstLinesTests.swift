import LedgerCore
import Testing

/// The lines on which a file's identifiers first appeared, kept as hashes whatever the identifiers' length.
@Suite struct FirstLinesTests {
    @Test func aRepeatedIdentifierGivesTheLineItFirstAppearedOn() {
        var lines = FirstLines()
        let hashID = "ni:///sha-256;" + String(repeating: "ab", count: 32) + "?ver=CBV2.0"
        #expect(lines[hashID] == nil)
        lines[hashID] = 12
        lines["B-1"] = 13
        #expect(lines[hashID] == 12)
        #expect(lines["B-1"] == 13)
        // One character more, less or other is another identifier.
        #expect(lines[String(hashID.dropLast())] == nil)
        #expect(lines[hashID + "#1"] == nil)
        #expect(lines["B-2"] == nil)
        #expect(lines["b-1"] == nil)
    }

    @Test func manyIdentifiersKeepTheirOwnLines() {
        var lines = FirstLines()
        let count = 200_000
        for index in 0..<count { lines["urn:uuid:00000000-0000-4000-8000-\(index)"] = index + 1 }
        let wrong = (0..<count).filter { lines["urn:uuid:00000000-0000-4000-8000-\($0)"] != $0 + 1 }
        #expect(wrong.isEmpty)
        #expect(lines["urn:uuid:00000000-0000-4000-8000-\(count)"] == nil)
    }
}
