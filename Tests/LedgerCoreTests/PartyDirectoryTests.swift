import Testing

@testable import LedgerCore

/// GLNs as they name parties and places, and the participant each names.
@Suite struct PartyDirectoryTests {
    @Test func everyFormOfAPartyGLNIsItsGLN13() {
        #expect(GLN.party("4012345000009") == "4012345000009")
        #expect(GLN.party("urn:epc:id:pgln:4012345.00000") == "4012345000009")
        #expect(GLN.party("urn:epc:id:pgln:401234567.000") == "4012345670004")
        #expect(GLN.party("https://id.gs1.org/417/4012345000009") == "4012345000009")
        // A wrong check digit, a wrong length, a prefix too short, a location's SGLN.
        for text in [
            "4012345000008", "401234500000", "urn:epc:id:pgln:40123.0000000", "urn:epc:id:sgln:4012345.00000.0",
        ] {
            #expect(GLN.party(text) == nil, "\(text)")
        }
        // A place's GLN, its extension dropped.
        #expect(GLN.location("urn:epc:id:sgln:4098765.00001.7") == GLN.location("urn:epc:id:sgln:4098765.00001.0"))
        #expect(GLN.location("https://example.com/414/4012345000009") == "4012345000009")
        #expect(GLN.location("4012345000009") == nil)
    }

    @Test func theLatestListNamesTheParticipant() {
        var directory = PartyDirectory()
        directory.apply([
            "action": "register", "participant": "retail", "name": "Retail", "glns": ["4012345000009"],
        ])
        #expect(directory.participant(named: "urn:epc:id:pgln:4012345.00000") == "retail")
        // Its GLN written as a place (an SGLN of extension 0) names it too.
        #expect(directory.participant(named: "urn:epc:id:sgln:4012345.00000.0") == "retail")
        #expect(
            directory.conflict(["action": "register", "participant": "other", "glns": ["4012345000009"]])
                == "GLN 4012345000009 already names participant 'retail' (Retail); participant 'other' cannot claim it too"
        )
        // An identify replaces the list: the old GLN is free again.
        directory.apply(["action": "identify", "participant": "retail", "glns": ["4098765000003"]])
        #expect(directory.participant(named: "4012345000009") == nil)
        #expect(directory.participant(named: "4098765000003") == "retail")
        #expect(directory.conflict(["action": "register", "participant": "other", "glns": ["4012345000009"]]) == nil)
        directory.apply(["action": "revoke", "participant": "retail"])
        #expect(directory.participant(named: "4098765000003") == "retail")
    }

    @Test func theSchemaKeepsTheGLN13sWithoutRepeats() throws {
        let normalized = try EventSchema.normalize(
            ["4012345000009", "urn:epc:id:pgln:4012345.00000"], as: .glnList, field: "glns")
        #expect(normalized == ["4012345000009"])
        #expect(throws: LedgerError.self) { try EventSchema.normalize(["12"], as: .glnList, field: "glns") }
    }
}
