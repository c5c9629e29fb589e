public import Foundation

/// Folders of the repository that tests read, found from this file's path.
public enum TestPaths {
    /// The package's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// `SampleData/`.
    public static let sampleData = root.appendingPathComponent("SampleData")
    /// `Tests/Fixtures/EPCIS/`: the project's own EPCIS documents and the schema they are validated against.
    public static let epcisFixtures = root.appendingPathComponent("Tests/Fixtures/EPCIS")

    /// The path of the EPCIS fixture `name` (`object-events.xml`, `epcis-2_0-events.xsd`…).
    public static func epcisFixture(_ name: String) -> String {
        epcisFixtures.appendingPathComponent(name).path
    }
    /// The EPCIS 2.0 fixtures, valid for ``epcisSchema``.
    public static let epcis20Fixtures = [
        "object-events.xml", "aggregation-events.xml", "transformation-events.xml", "association-events.xml",
        "transaction-events.xml", "error-declarations.xml",
    ]
    /// The EPCIS 1.2 fixture.
    public static let epcis12Fixture = "epcis-1_2.xml"
    /// The project's schema of EPCIS 2.0 documents, `Tests/Fixtures/EPCIS/epcis-2_0-events.xsd`.
    public static let epcisSchema = epcisFixture("epcis-2_0-events.xsd")
}

/// GS1's EPCIS examples (`XML/`) and schemas (`XSD/`), an optional conformance corpus that is not
/// part of the repository.
///
/// It is looked for in `$PROVENANCE_EPCIS_DIR` if that is set, else in `../shared/epcis` beside the
/// clone; a variable naming a folder without `XML/` means the corpus is absent (there is no fallback).
/// Tests that read it are enabled with `.enabled(if: EPCISCorpus.shouldRun, …)`: without the corpus
/// they are skipped, except under CI (`CI=true`), where they run and fail with ``absence``.
public enum EPCISCorpus {
    /// The environment variable naming the corpus folder.
    public static let variable = "PROVENANCE_EPCIS_DIR"

    /// Where the corpus is looked for: `$PROVENANCE_EPCIS_DIR`, else `../shared/epcis` beside the clone.
    public static let location: URL = {
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty {
            return URL(fileURLWithPath: value)
        }
        return TestPaths.root.deletingLastPathComponent().appendingPathComponent("shared/epcis")
    }()

    /// ``location`` if it holds the corpus (an `XML/` folder), `nil` if it does not.
    public static let directory: URL? = {
        var isFolder: ObjCBool = false
        let examples = location.appendingPathComponent("XML").path
        return FileManager.default.fileExists(atPath: examples, isDirectory: &isFolder) && isFolder.boolValue
            ? location : nil
    }()

    /// Whether a missing corpus is a failure rather than a reason to skip: under CI (`CI=true`).
    public static let isRequired = ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"

    /// Whether the corpus tests run: the corpus is there, or CI requires it.
    public static var shouldRun: Bool { directory != nil || isRequired }

    /// Why the corpus tests do not run, and where to put the corpus.
    public static var absence: String {
        let variableValue = ProcessInfo.processInfo.environment[variable] ?? ""
        let looked = variableValue.isEmpty ? "" : " (\(variable)=\(variableValue))"
        return
            "GS1's EPCIS examples and schemas are not in \(location.path)\(looked): put GS1's EPCIS folder (XML/, XSD/) "
            + "in ../shared/epcis beside the repository, or set \(variable) to the folder that holds it"
    }

    /// The error a corpus test throws when the corpus is missing (under CI).
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The corpus folder.
    ///
    /// - Throws: ``Missing`` with ``absence`` when the corpus is not there.
    public static func require() throws -> URL {
        guard let directory else { throw Missing(description: absence) }
        return directory
    }

    /// The paths of the corpus's XML examples (every `.xml` under `XML/`), sorted.
    public static func examples() throws -> [String] {
        let folder = try require().appendingPathComponent("XML")
        let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map { folder.appendingPathComponent($0).path }
    }

    /// The paths of the corpus's JSON-LD event documents (every `.jsonld` under `JSON/` but the context), sorted.
    public static func jsonExamples() throws -> [String] {
        let folder = try require().appendingPathComponent("JSON")
        let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".jsonld") && !$0.hasSuffix("epcis-context.jsonld") }.sorted().map {
            folder.appendingPathComponent($0).path
        }
    }

    /// Checks the JSON documents at `files` against GS1's EPCIS 2.0 JSON schema with Python's `jsonschema`: the
    /// checker's exit status and its report, which ends `checked N invalid 0` when every document is valid.
    public static func validateJSON(_ files: [String]) throws -> (status: Int32, report: String) {
        let schema = try require().appendingPathComponent("JSON/EPCIS-JSON-Schema.json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", "-c",
                """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                bad = 0
                for path in sys.argv[2:]:
                    for error in jsonschema.Draft7Validator(schema).iter_errors(json.load(open(path))):
                        bad += 1
                        print(path, error.message[:300])
                print("checked", len(sys.argv) - 2, "invalid", bad)
                """,
                schema,
            ] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The path of the example `name` under `XML/` (`WithExtension/ObjectEvent.xml`).
    public static func example(_ name: String) throws -> String {
        try require().appendingPathComponent("XML").appendingPathComponent(name).path
    }

    /// The path of GS1's EPCIS 2.0 schema, `XSD/EPCglobal-epcis-2_0.xsd`.
    public static func schema() throws -> String {
        try require().appendingPathComponent("XSD/EPCglobal-epcis-2_0.xsd").path
    }

    /// The path of GS1's EPCIS 2.0 query schema, `XSD/EPCglobal-epcis-query-2_0.xsd`, which declares the query
    /// document.
    public static func querySchema() throws -> String {
        try require().appendingPathComponent("XSD/EPCglobal-epcis-query-2_0.xsd").path
    }
}
