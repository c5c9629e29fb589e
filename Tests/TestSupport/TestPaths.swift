public import Foundation

/// Folders of the repository that tests read, found from this file's path.
public enum TestPaths {
    /// The package's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// `SampleData/`.
    public static let sampleData = root.appendingPathComponent("SampleData")
    /// `../shared/`, beside the clone (GS1 EPCIS schemas and examples, peer benchmarks).
    public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
}
