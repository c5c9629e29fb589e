import Foundation
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Provenance
import TestSupport
import Testing

@Suite struct ProofTests {
    /// A ledger with some history and the ID of a ship event with every sensitive field.
    static func ledgerWithShipment(_ backend: StoreBackend) async throws -> (LedgerFixture, Digest) {
        let fixture = try await LedgerFixture(backend: backend)
        let receipt = try await fixture.ledger.append(LedgerFixture.farmRecords(7), signedWith: fixture.farmKey)
        _ = try await fixture.ledger.append(LedgerFixture.millRecords(lot: 4), signedWith: fixture.millKey)
        let ship = try #require(receipt.appended.first { $0.header.recordID == "S-5" })
        return (fixture, ship.id)
    }

    /// Many proofs made together are the proofs made one at a time, and each verifies.
    @Test(arguments: StoreBackend.tested) func proofsMadeTogetherAreThoseMadeOneAtATime(backend: StoreBackend)
        async throws
    {
        let (fixture, _) = try await Self.ledgerWithShipment(backend)
        defer { fixture.remove() }
        let size = try await fixture.ledger.treeSize()
        // The events of two lots, signed by the farm and the mill, out of order and one twice: the bundles follow
        // the order asked for.
        var indexes = [Int]()
        for lot in ["LOT-4", "LOT-1"] { indexes += try await fixture.ledger.history(of: lot).entries.map(\.index) }
        indexes = indexes.reversed() + [indexes[0]]
        #expect(indexes.count == 7)
        let together = try await fixture.ledger.proofs(at: indexes)
        #expect(together.count == indexes.count)
        for (index, bundle) in zip(indexes, together) {
            #expect(bundle.proof.index == index)
            #expect(bundle == (try await fixture.ledger.proof(for: bundle.event.id)), "index \(index)")
            #expect(try bundle.verify(operatorKey: fixture.operatorKey.publicKey).index == index)
        }
        await #expect(throws: LedgerError.self) { try await fixture.ledger.proofs(at: [size + 5]) }
    }

    @Test(arguments: StoreBackend.tested) func everyChangedByteOfABundleFailsVerification(backend: StoreBackend)
        async throws
    {
        let (fixture, id) = try await Self.ledgerWithShipment(backend)
        defer { fixture.remove() }
        let bytes = try await fixture.ledger.proof(for: id).serialized()
        let operatorKey = fixture.operatorKey.publicKey
        let verified = try ProofBundle(bytes: bytes).verify(operatorKey: operatorKey)
        #expect(verified.event.id == id)
        #expect(verified.event.withheldFields.isEmpty)
        #expect(verified.event.visibleFields["quantity"] == .string("105.25"))
        #expect(verified.signer.id == "farm")

        var survivors = [Int]()
        for position in bytes.indices {
            for flip: UInt8 in [0x01, 0x20] {
                var mutated = bytes
                mutated[position] ^= flip
                if (try? ProofBundle(bytes: mutated).verify(operatorKey: operatorKey)) != nil {
                    survivors.append(position)
                }
            }
        }
        #expect(
            survivors.isEmpty, "bundle still verified after changing byte(s) \(survivors.prefix(10)) of \(bytes.count)")
        // Truncation and a second trailing newline fail too.
        #expect(throws: LedgerError.self) { try ProofBundle(bytes: Array(bytes.dropLast())) }
        #expect(throws: LedgerError.self) { try ProofBundle(bytes: bytes + [0x0A]) }
        // Another operator's key does not verify it.
        #expect(throws: LedgerError.self) {
            try ProofBundle(bytes: bytes).verify(operatorKey: fixture.farmKey.publicKey)
        }
    }

    /// A bundle has one spelling: signature lines added to its checkpoint (a made-up witness, a second key under the
    /// operator's name) are refused, not ignored.
    @Test(arguments: StoreBackend.tested) func extraSignatureLinesInTheBundledCheckpointAreRefused(
        backend: StoreBackend
    ) async throws {
        let (fixture, id) = try await Self.ledgerWithShipment(backend)
        defer { fixture.remove() }
        let bytes = try await fixture.ledger.proof(for: id).serialized()
        let original = try ProofBundle(bytes: bytes)
        _ = try original.verify(operatorKey: fixture.operatorKey.publicKey)
        let noteText = original.proof.checkpoint.text
        let witness = try SignedNote.sign(text: noteText, name: "witness.example", key: fixture.farmKey)
        let second = try SignedNote.sign(text: noteText, name: "test.local/ledger", key: fixture.millKey)
        for extra in [witness, second] {
            let line = try #require(extra.serialized.split(separator: "\n").last)
            let serialized = original.proof.checkpoint.serialized
            let text = String(decoding: bytes, as: UTF8.self)
            let escapedNote = String(decoding: try CanonicalJSON.encode(.string(serialized)), as: UTF8.self)
            let escapedLonger = String(
                decoding: try CanonicalJSON.encode(.string(serialized + line + "\n")), as: UTF8.self)
            let altered = text.replacingOccurrences(
                of: String(escapedNote.dropFirst().dropLast()), with: String(escapedLonger.dropFirst().dropLast()))
            try #require(altered != text)
            #expect {
                try ProofBundle(bytes: Array(altered.utf8)).verify(operatorKey: fixture.operatorKey.publicKey)
            } throws: { error in
                (error as? LedgerError)?.description.contains("signature lines") == true
            }
        }
    }

    @Test(arguments: StoreBackend.tested) func redactedBundleVerifiesWithoutTheValues(backend: StoreBackend)
        async throws
    {
        let (fixture, id) = try await Self.ledgerWithShipment(backend)
        defer { fixture.remove() }
        let bundle = try await fixture.ledger.proof(for: id, withholding: ["unit_price", "currency", "quantity"])
        let bytes = try bundle.serialized()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("105.25"))
        #expect(!text.contains("2.61"))
        let verified = try ProofBundle(bytes: bytes).verify(operatorKey: fixture.operatorKey.publicKey)
        #expect(verified.event.withheldFields == ["currency", "quantity", "unit_price"])
        #expect(verified.event.visibleFields["destination"] == .string("MILL-1"))
        #expect(verified.event.visibleFields["quantity"] == nil)

        // A disclosed value altered, and the bundle re-serialised canonically, fails on its digest.
        let altered = text.replacingOccurrences(of: "\"MILL-1\"]", with: "\"MILL-2\"]")
        #expect(altered != text)
        #expect {
            try ProofBundle(bytes: Array(altered.utf8)).verify(operatorKey: fixture.operatorKey.publicKey)
        } throws: { error in
            (error as? LedgerError)?.description.contains("destination") == true
        }
    }

    @Test(arguments: StoreBackend.tested) func consistencyBetweenCheckpoints(backend: StoreBackend) async throws {
        let (fixture, _) = try await Self.ledgerWithShipment(backend)
        defer { fixture.remove() }
        let old = try await fixture.ledger.latestCheckpoint()
        _ = try await fixture.ledger.append(LedgerFixture.farmRecords(9, from: 100), signedWith: fixture.farmKey)
        let result = try await fixture.ledger.consistency(from: old)
        #expect(result.old.size < result.new.size)
        #expect(
            Merkle.verifyConsistency(
                oldSize: result.old.size, newSize: result.new.size, oldRoot: result.old.root, newRoot: result.new.root,
                proof: result.proof))

        // A checkpoint for the same size but another root, even correctly signed, proves a fork.
        let forged = try Checkpoint(origin: "test.local/ledger", size: result.old.size, root: SHA256.hash([1, 2, 3]))
            .signed(by: fixture.operatorKey, name: "test.local/ledger")
        await #expect { try await fixture.ledger.consistency(from: forged) } throws: {
            ($0 as? LedgerError)?.code == .tampered
        }
        // A checkpoint by someone else is refused.
        let stranger = try Checkpoint(origin: "test.local/ledger", size: 1, root: SHA256.hash([1])).signed(
            by: fixture.farmKey, name: "test.local/ledger")
        await #expect { try await fixture.ledger.consistency(from: stranger) } throws: {
            ($0 as? LedgerError)?.code == .invalidProof
        }
    }

    @Test(arguments: StoreBackend.tested) func checkpointIsAC2SPSignedNote(backend: StoreBackend) async throws {
        let fixture = try await LedgerFixture(backend: backend)
        defer { fixture.remove() }
        let note = try await fixture.ledger.latestCheckpoint()
        let lines = note.serialized.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "test.local/ledger")
        #expect(lines[1] == "5")  // the genesis event, two participants, two facilities
        #expect(lines[3] == "")
        #expect(lines[4].hasPrefix("\u{2014} test.local/ledger "))
        // Key ID: first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
        let signatureBytes = try #require(Base64.decode(String(lines[4].split(separator: " ")[2])))
        let keyID = SHA256.hash(parts: [
            Array("test.local/ledger".utf8), [0x0A, 0x01], fixture.operatorKey.publicKey.rawRepresentation,
        ]).bytes.prefix(4)
        #expect(Array(signatureBytes.prefix(4)) == Array(keyID))
        #expect(
            fixture.operatorKey.publicKey.isValidSignature(
                Array(signatureBytes.dropFirst(4)), for: Array(note.text.utf8)))
    }
}
