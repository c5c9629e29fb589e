import Foundation
import LedgerCore
@testable import SampleNetwork

/// A 2,000-lot network shared by the tests, with the indexes the direct checks need.
///
/// `SAMPLE_NETWORK_TEST_LOTS` and `SAMPLE_NETWORK_TEST_SEED` change its size and seed, to soak the
/// direct checks over other networks.
struct NetworkFixture: Sendable {
    static let shared = NetworkFixture(
        lots: Int(ProcessInfo.processInfo.environment["SAMPLE_NETWORK_TEST_LOTS"] ?? "") ?? 2000,
        seed: UInt64(ProcessInfo.processInfo.environment["SAMPLE_NETWORK_TEST_SEED"] ?? "") ?? 20_260_101)

    let network: SampleNetwork.Network
    /// Every row with the participant whose file holds it.
    let rows: [(signer: String, row: SampleNetwork.ShipmentRow)]
    let facilities: [String: SampleNetwork.Facility]
    let kindsByRecord: [String: Set<SampleNetwork.AnomalyKind>]
    let ships: [String: SampleNetwork.ShipmentRow]
    let receives: [String: SampleNetwork.ShipmentRow]

    init(lots: Int, seed: UInt64) {
        do {
            network = try SampleNetwork.generate(SampleNetwork.Configuration(lots: lots, seed: seed))
        } catch {
            fatalError("generating the fixture failed: \(error)")
        }
        var rows = [(signer: String, row: SampleNetwork.ShipmentRow)]()
        for (index, participant) in network.participants.enumerated() {
            for row in network.shipments[index] { rows.append((participant.id, row)) }
        }
        self.rows = rows
        facilities = Dictionary(uniqueKeysWithValues: network.facilities.map { ($0.id, $0) })
        var kinds = [String: Set<SampleNetwork.AnomalyKind>]()
        for label in network.labels { kinds[label.recordID, default: []].insert(label.kind) }
        kindsByRecord = kinds
        ships = Dictionary(
            uniqueKeysWithValues: rows.filter { $0.row.event == .ship }.map { ($0.row.shipmentID, $0.row) })
        receives = Dictionary(
            uniqueKeysWithValues: rows.filter { $0.row.event == .receive }.map { ($0.row.shipmentID, $0.row) })
    }

    func isLabelled(_ row: SampleNetwork.ShipmentRow, _ kind: SampleNetwork.AnomalyKind) -> Bool {
        kindsByRecord[row.recordID]?.contains(kind) == true
    }

    /// Ship and receive of every received shipment.
    var links: [(ship: SampleNetwork.ShipmentRow, receive: SampleNetwork.ShipmentRow)] {
        ships.keys.sorted().compactMap { id in
            guard let ship = ships[id], let receive = receives[id] else { return nil }
            return (ship, receive)
        }
    }

    static func number(_ text: String) -> Double {
        Double(text) ?? .nan
    }

    /// Great-circle distance in km, with the platform's trigonometry (independent of the generator's).
    static func kilometres(_ a: SampleNetwork.Facility, _ b: SampleNetwork.Facility) -> Double {
        let radians = Double.pi / 180
        let dLat = (b.latitude - a.latitude) * radians
        let dLon = (b.longitude - a.longitude) * radians
        let h = pow(sin(dLat / 2), 2) + cos(a.latitude * radians) * cos(b.latitude * radians) * pow(sin(dLon / 2), 2)
        return 2 * 6371 * asin(min(1, h.squareRoot()))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// A temporary directory removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("prov-sample-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Every regular file under the directory, by relative path, sorted.
    func files() throws -> [(String, Data)] {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var result = [(String, Data)]()
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            result.append((relative, try Data(contentsOf: URL(fileURLWithPath: path + "/" + relative))))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
