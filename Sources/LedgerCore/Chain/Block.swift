public import LedgerCrypto

/// A block header: the unit the operator signs and the hash chain links.
///
/// Canonical bytes: RFC 8785 JSON
/// `{"v":1,"height":…,"previous":hex,"events_root":hex,"event_count":…,"tree_size":…,"recorded_at":UTC}`.
/// The block hash is SHA-256 of them; ``recordedAt`` is the ledger's clock, apart from each
/// event's own `occurred_at`.
public struct BlockHeader: Sendable, Hashable {
    public static let formatVersion = 1

    public let height: Int
    /// Hash of the previous block's header; all zeros for the genesis block.
    public let previousHash: Digest
    /// RFC 9162 root over this block's event IDs, in block order.
    public let eventsRoot: Digest
    public let eventCount: Int
    /// Number of events in the ledger after this block (the ledger tree's size).
    public let treeSize: Int
    /// When the ledger recorded the block (UTC).
    public let recordedAt: Timestamp

    public init(
        height: Int, previousHash: Digest, eventsRoot: Digest, eventCount: Int, treeSize: Int, recordedAt: Timestamp
    ) {
        self.height = height
        self.previousHash = previousHash
        self.eventsRoot = eventsRoot
        self.eventCount = eventCount
        self.treeSize = treeSize
        self.recordedAt = Timestamp(epochSeconds: recordedAt.epochSeconds, fraction: recordedAt.fraction)
    }

    public var json: JSONValue {
        .object([
            "v": .integer(Self.formatVersion),
            "height": .integer(height),
            "previous": .string(previousHash.hex),
            "events_root": .string(eventsRoot.hex),
            "event_count": .integer(eventCount),
            "tree_size": .integer(treeSize),
            "recorded_at": .string(recordedAt.utc),
        ])
    }

    public var canonicalBytes: [UInt8] {
        // Every member is a string or a small integer, which always has a canonical form.
        (try? CanonicalJSON.encode(json)) ?? []
    }

    public var hash: Digest { SHA256.hash(canonicalBytes) }

    /// Decodes canonical header bytes.
    public init(canonicalBytes bytes: [UInt8]) throws(LedgerError) {
        let value: JSONValue
        do {
            value = try CanonicalJSON.decode(bytes)
        } catch {
            throw LedgerError(.tampered, "the block header is not canonical JSON: \(error.reason)")
        }
        guard let members = value.objectValue, members.count == 7, members["v"]?.integerValue == Self.formatVersion,
            let height = members["height"]?.integerValue,
            let previous = members["previous"]?.stringValue.flatMap(Hex.decode).flatMap(Digest.init),
            let root = members["events_root"]?.stringValue.flatMap(Hex.decode).flatMap(Digest.init),
            let count = members["event_count"]?.integerValue, let size = members["tree_size"]?.integerValue,
            let recorded = members["recorded_at"]?.stringValue,
            let recordedAt = try? Timestamp(utc: recorded, offset: "Z")
        else {
            throw LedgerError(.tampered, "the block header is malformed")
        }
        self.init(
            height: height, previousHash: previous, eventsRoot: root, eventCount: count, treeSize: size,
            recordedAt: recordedAt)
    }
}

/// A block header with the operator's signature over its canonical bytes.
public struct SealedBlock: Sendable, Hashable {
    public let header: BlockHeader
    public let signature: [UInt8]

    public init(header: BlockHeader, signature: [UInt8]) {
        self.header = header
        self.signature = signature
    }

    public static func seal(_ header: BlockHeader, key: Ed25519.PrivateKey) throws(LedgerError) -> SealedBlock {
        do {
            return SealedBlock(header: header, signature: try key.signature(for: header.canonicalBytes))
        } catch {
            throw LedgerError(.invalidState, "cannot sign block \(header.height): \(error.reason)")
        }
    }

    public var hash: Digest { header.hash }
}
