import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

@Suite struct InputFormatTests {
    static func detect(_ bytes: [UInt8]) throws -> InputFormat {
        let path = try XMLFixture.file(bytes, suffix: ".dat")
        defer { XMLFixture.remove(path) }
        return try InputFormat.detect(path: path)
    }

    static func detect(_ text: String) throws -> InputFormat {
        try detect(Array(text.utf8))
    }

    @Test func tellsFormatsApartByContent() throws {
        #expect(try Self.detect("record_id,event,occurred_at\n") == .csv)
        #expect(try Self.detect("") == .csv)
        #expect(try Self.detect("\n  <shipments xmlns=\"urn:provenance:shipments:1\"/>") == .xml)
        #expect(
            try Self.detect(
                [0xEF, 0xBB, 0xBF]
                    + Array(
                        "<?xml version=\"1.0\"?>\n<!-- c --><s:shipments xmlns:s=\"urn:provenance:shipments:1\"/>".utf8)
            ) == .xml)
        #expect(try Self.detect("<epcis:EPCISDocument xmlns:epcis=\"urn:epcglobal:epcis:xsd:2\"/>") == .epcis)
        #expect(try Self.detect("<EPCISDocument xmlns=\"urn:epcglobal:epcis:xsd:1\"/>") == .epcis)
        for name in EPCISTests.fixtures {
            #expect(try InputFormat.detect(path: TestPaths.epcisFixture(name)) == .epcis, "\(name)")
        }
    }

    @Test func unknownXMLNamesTheRootElement() {
        #expect { try Self.detect("<?xml version=\"1.0\"?>\n<order xmlns=\"urn:acme:orders\"/>") } throws: { error in
            let text = (error as? LedgerError)?.description ?? ""
            return text.contains(".dat:2") && text.contains("<order> in namespace urn:acme:orders")
        }
        #expect { try Self.detect("<rows/>") } throws: { error in
            (error as? LedgerError)?.reason.contains("<rows> in no namespace") == true
        }
        #expect { try InputFormat.detect(path: "/nonexistent.csv") } throws: { error in
            (error as? LedgerError)?.code == .io
        }
    }
}
