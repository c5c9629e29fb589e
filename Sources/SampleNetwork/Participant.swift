public import LedgerCore
public import LedgerCrypto

extension SampleNetwork {
    /// A party of the sample network: a participant of the ledger with its own signing key.
    public struct Participant: Sendable, Hashable {
        /// The participant ID, e.g. `producer-gh-cocoa`; also the name of its files.
        public let id: String
        public let name: String
        public let role: ParticipantRole
        /// The 32-byte Ed25519 seed of its key, derived from the network's seed and ``id``.
        public let keySeed: [UInt8]

        /// The participant's signing key. Sample keys are derived from a public seed: never use
        /// them on a real ledger.
        public func privateKey() throws(CryptoError) -> Ed25519.PrivateKey {
            try Ed25519.PrivateKey(seed: keySeed)
        }

        /// Where ``SampleNetwork/write(_:to:replacingExisting:progress:)`` writes the key, relative
        /// to the output directory.
        public var keyFile: String { "keys/\(id).pem" }

        /// The 32-byte key seed for `participant` in a network made from `seed`:
        /// SHA-256 of `provenance-sample-network/key/v1`, the seed in decimal and the ID, each
        /// followed by a zero byte.
        static func keySeed(seed: UInt64, participant: String) -> [UInt8] {
            let parts: [[UInt8]] = [
                Array("provenance-sample-network/key/v1".utf8), [0],
                Array(String(seed).utf8), [0],
                Array(participant.utf8), [0],
            ]
            return SHA256.hash(parts: parts).bytes
        }
    }

    /// A facility's master data, one row of a facilities CSV.
    public struct Facility: Sendable, Hashable {
        /// Column names of the facilities CSV, in order.
        public static let csvHeader = [
            "facility_id", "party", "name", "kind", "country", "latitude", "longitude", "capacity_per_day", "unit",
            "workers",
            "certificate", "certificate_expires",
        ]

        public let id: String
        /// The participant that operates it (and signs its events).
        public let party: String
        public let name: String
        /// `farm`, `mine`, `mill`, `factory`, `warehouse`, `port` or `retail`.
        public let kind: String
        /// ISO 3166-1 alpha-2.
        public let country: String
        /// Latitude and longitude in units of 10⁻⁴ degree, as written (four decimals).
        public let latitudeE4: Int
        public let longitudeE4: Int
        /// Daily capacity in ``unit`` steps (see ``SampleUnit``): for farms and mines what they can
        /// produce, for processors what they can make, for warehouses and shops what they can handle.
        let capacitySteps: Int64
        public let unit: SampleUnit
        public let workers: Int
        /// Certificate ID held, or empty.
        public let certificate: String
        /// Day number (days since 1970-01-01) of the last day the certificate is valid; unused when
        /// there is no certificate.
        let certificateExpiresDay: Int
        /// Minutes east of UTC of its local (standard) time.
        public let utcOffsetMinutes: Int
        let landmass: Landmass

        public var latitude: Double { Double(latitudeE4) / 10_000 }
        public var longitude: Double { Double(longitudeE4) / 10_000 }
        /// `capacity_per_day` as written.
        public var capacityPerDay: String { Formatting.decimal(capacitySteps, decimals: unit.decimals) }
        /// `certificate_expires` as written (`YYYY-MM-DD`), or empty.
        public var certificateExpires: String { certificate.isEmpty ? "" : Formatting.date(certificateExpiresDay) }

        /// The row's cells, in ``csvHeader`` order.
        public var csvFields: [String] {
            [
                id, party, name, kind, country, Formatting.decimal(Int64(latitudeE4), decimals: 4),
                Formatting.decimal(Int64(longitudeE4), decimals: 4), capacityPerDay, unit.rawValue, String(workers),
                certificate, certificateExpires,
            ]
        }

        /// The facility as the fields of a `facility` event.
        public var record: JSONValue {
            var members: [String: JSONValue] = [:]
            for (name, value) in zip(Self.csvHeader, csvFields) where !value.isEmpty {
                members[name == "facility_id" ? "facility" : name] = .string(value)
            }
            return .object(members)
        }
    }
}
