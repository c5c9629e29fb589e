// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Provenance",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "prov", targets: ["prov"]),
        .library(name: "Provenance", targets: ["Provenance"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerCrypto", targets: ["LedgerCrypto"]),
        .library(name: "LedgerStorage", targets: ["LedgerStorage"]),
        .library(name: "LedgerSQLite", targets: ["LedgerSQLite"]),
        .library(name: "LedgerPostgres", targets: ["LedgerPostgres"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "SampleNetwork", targets: ["SampleNetwork"]),
        .library(name: "Anomaly", targets: ["Anomaly"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "ProvenanceServer", targets: ["ProvenanceServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        // C system libraries, one shim each; only the adapters named in docs/architecture.md import them.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CCSV",
            providers: [.apt(["libcsv-dev"])]
        ),

        .target(
            name: "LedgerCrypto",
            dependencies: ["COpenSSL"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "LedgerCore",
            dependencies: ["LedgerCrypto"],
            swiftSettings: strictSettings
        ),
        // The store protocol and its records; each backend is a target of its own that depends only on what it uses.
        .target(
            name: "LedgerStorage",
            dependencies: ["LedgerCore", "LedgerCrypto"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "LedgerSQLite",
            dependencies: [
                "LedgerStorage", "LedgerCore", "LedgerCrypto", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "LedgerStorage", "LedgerCore", "LedgerCrypto", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Ingest",
            dependencies: ["LedgerCore", "LedgerCrypto", "CCSV", "CLibXML2", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "SampleNetwork",
            dependencies: ["LedgerCore", "LedgerCrypto"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Anomaly",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Pipeline",
            dependencies: ["Anomaly", "LedgerCore", "LedgerCrypto", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Provenance",
            dependencies: [
                "LedgerCore", "LedgerCrypto", "LedgerStorage", "LedgerSQLite", "LedgerPostgres", "Pipeline", "Spreadsheets",
            ],
            swiftSettings: strictSettings
        ),
        // Spreadsheet files written from reports: the Office Open XML (.xlsx) package, through ZIPFoundation.
        .target(
            name: "Spreadsheets",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ProvenanceServer",
            dependencies: [
                "Provenance", "Ingest", "LedgerCore", "LedgerCrypto", "LedgerStorage", "Pipeline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "IngestFuzzer",
            dependencies: ["Ingest"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Benchmarks",
            dependencies: [
                "Anomaly", "Ingest", "LedgerCore", "LedgerCrypto", "LedgerStorage", "LedgerSQLite", "LedgerPostgres",
                "Pipeline",
                "Provenance",
                "SampleNetwork",
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "prov",
            dependencies: [
                "Provenance", "ProvenanceServer", "Pipeline", "Ingest", "SampleNetwork", "Anomaly", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        .target(
            name: "TestSupport",
            dependencies: ["LedgerCore", "LedgerCrypto"],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerCryptoTests",
            dependencies: ["LedgerCrypto"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "LedgerCrypto", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: ["Ingest", "LedgerCore", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "LedgerCore", "LedgerCrypto", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SampleNetworkTests",
            dependencies: ["SampleNetwork", "LedgerCore", "LedgerCrypto"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AnomalyTests",
            dependencies: ["Anomaly", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProvenanceTests",
            dependencies: [
                "Provenance", "LedgerStorage", "LedgerSQLite", "LedgerCore", "LedgerCrypto", "Spreadsheets",
                "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProvenanceServerTests",
            dependencies: [
                "ProvenanceServer", "Provenance", "Ingest", "LedgerCore", "LedgerCrypto", "LedgerStorage",
                "LedgerSQLite",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProvTests",
            dependencies: [
                "prov", "Ingest", "LedgerCore", "LedgerCrypto", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
