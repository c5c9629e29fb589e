#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

extension IsolationForest {
    /// The model as JSON (its `Codable` form): save it and read it back with ``decode(_:)`` to score later.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// A model saved by ``encoded()``; throws when `bytes` are not such a model.
    public static func decode(_ bytes: [UInt8]) throws -> IsolationForest {
        try JSONDecoder().decode(IsolationForest.self, from: Data(bytes))
    }
}
