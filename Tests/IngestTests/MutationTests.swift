import Foundation
import Ingest
import LedgerCore
import TestSupport
import Testing

/// Seeded random mutations of valid inputs: every parser must either read the input or refuse it
/// with a ``LedgerError``, never crash, hang or read past its buffers. (The libFuzzer target
/// `IngestFuzzer` runs the same entry point under coverage guidance; see docs/ingest.md.)
@Suite struct MutationTests {
    static let iterations = 10_000

    /// Valid seeds: the demo's CSV, shipment XML and EPCIS files.
    static var seeds: [[UInt8]] {
        get throws {
            try [
                "demo/farm-shipments.csv", "demo/mill-shipments.csv", "demo/farm-gh-facilities.csv",
                "demo/factory-de-receipts.xml",
                "demo/factory-de-dispatch.epcis.xml",
            ].map { name in
                Array(try Data(contentsOf: TestPaths.sampleData.appendingPathComponent(name)))
            }
        }
    }

    @Test func mutatedInputsAreReadOrRefusedNeverCrash() throws {
        var random = SplitMix64(seed: 0x5EED_CAFE)
        let seeds = try Self.seeds
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prov-mutation-\(UUID().uuidString).csv"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var outcomes = (read: 0, refused: 0)
        for _ in 0..<Self.iterations {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            Mutator.mutate(&bytes, rounds: 1 + Int(random.next() % 4), using: &random)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for outcome in IngestFuzzing.readEveryWay(path: path) {
                switch outcome {
                case .read: outcomes.read += 1
                case .refused: outcomes.refused += 1
                }
            }
        }
        // Both paths must be exercised, or the mutations are too weak or too strong to test anything.
        #expect(outcomes.read > Self.iterations / 10)
        #expect(outcomes.refused > Self.iterations / 10)
    }
}

/// Byte-level mutations in the style of a fuzzer: flips, inserts of structural characters,
/// deletions, duplicated and truncated spans.
enum Mutator {
    static let interesting: [[UInt8]] = [
        Array("\"".utf8), Array(",".utf8), Array("\n".utf8), Array("\r\n".utf8), Array(";".utf8), Array(":".utf8),
        Array("\"\"".utf8), [0], [0xFF], [0xEF, 0xBB, 0xBF], [0xC3], Array("-".utf8), Array("1e999".utf8),
        Array("<".utf8),
        Array("&lt;".utf8), Array("T25:61:00+99:99".utf8),
    ]

    static func mutate(_ bytes: inout [UInt8], rounds: Int, using random: inout SplitMix64) {
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
            switch random.next() % 6 {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1 << (random.next() % 8))
            case 1:
                bytes.insert(contentsOf: interesting[Int(random.next() % UInt64(interesting.count))], at: position)
            case 2 where !bytes.isEmpty:
                let length = min(bytes.count - position, 1 + Int(random.next() % 16))
                bytes.removeSubrange(position..<position + length)
            case 3 where !bytes.isEmpty:
                let length = min(bytes.count - position, 1 + Int(random.next() % 64))
                bytes.insert(contentsOf: bytes[position..<position + length], at: position)
            case 4:
                bytes.removeLast(min(bytes.count, Int(random.next() % 32)))
            default:
                if !bytes.isEmpty { bytes[position] = UInt8(truncatingIfNeeded: random.next()) }
            }
        }
    }
}
