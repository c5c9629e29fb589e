import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import LedgerCore
import LedgerCrypto
import LedgerStorage
import Logging
import NIOCore
import Pipeline
import Provenance
import ProvenanceServer
import Synchronization
import TestSupport
import Testing

/// The demo network of `SampleData/demo`, built through the library in a temporary folder: the farm,
/// the mill and the factory with their facilities and shipments, a compliance officer who has run
/// the default pipeline (one flag: the farm's May harvest beyond capacity), and an auditor.
struct DemoNetwork {
    let folder: URL
    let ledger: Ledger
    /// The PostgreSQL database the ledger is in, if it is not in a file of `folder`.
    let databaseURL: String?
    /// Unix seconds the server's clock reads; tests move it to expire tokens.
    let now: Clock

    final class Clock: Sendable {
        private let seconds = Mutex<Int64>(1_790_000_000)
        func read() -> Int64 { seconds.withLock { $0 } }
        func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
    }

    static let keysFolder = TestPaths.sampleData.appendingPathComponent("demo/keys")
    /// The demo key of `participant`; the auditor has no demo key file, so its key comes from a fixed seed.
    static func key(_ participant: String) throws -> Ed25519.PrivateKey {
        if participant == "auditor" { return try Ed25519.PrivateKey(seed: Array(repeating: 7, count: 32)) }
        let url = keysFolder.appendingPathComponent("DEMO-ONLY-\(participant).pem")
        return try Ed25519.PrivateKey(pem: String(contentsOf: url, encoding: .utf8))
    }

    static func make(backend: StoreBackend = .sqlite) async throws -> DemoNetwork {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prov-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let databaseURL = backend == .postgres ? try TestPostgres.newDatabase() : nil
        let address =
            try databaseURL.map { url throws in try LedgerAddress(url) }
            ?? .sqlite(path: folder.appendingPathComponent("ledger.sqlite").path)
        let clock = LedgerClock.fixed(epochSeconds: 1_830_297_600)
        let ledger = try await Ledger.create(
            at: address, origin: "demo.provenance.local/ledger", operatorKey: try key("operator"), clock: clock)
        for (id, role) in [
            ("farm-gh", ParticipantRole.producer), ("mill-nl", .processor), ("factory-de", .processor),
            ("compliance", .compliance),
            ("auditor", .auditor),
        ] {
            _ = try await ledger.registerParticipant(id: id, name: id, role: role, publicKey: try key(id).publicKey)
        }
        let demo = TestPaths.sampleData.appendingPathComponent("demo")
        for (file, party) in [
            ("farm-gh-facilities.csv", "farm-gh"), ("mill-nl-facilities.csv", "mill-nl"),
            ("factory-de-facilities.csv", "factory-de"),
        ] {
            let source = FacilitiesCSV(path: demo.appendingPathComponent(file).path, recordedAt: clock())
            _ = try await ledger.ingest(
                source, signedWith: try key(party), options: IngestOptions(recordIDsNameContent: true))
        }
        // The farm's harvests name its plots.
        _ = try await ledger.ingest(
            PlotsGeoJSON(
                path: demo.appendingPathComponent("farm-gh-plots.geojson").path, party: "farm-gh", recordedAt: clock()),
            signedWith: try key("farm-gh"), options: IngestOptions(recordIDsNameContent: true))
        for (file, party) in [
            ("farm-shipments.csv", "farm-gh"), ("farm-shipments-may.csv", "farm-gh"), ("mill-shipments.csv", "mill-nl"),
        ] {
            _ = try await ledger.ingest(
                ShipmentCSV(path: demo.appendingPathComponent(file).path), signedWith: try key(party))
        }
        let definitionURL = TestPaths.root.appendingPathComponent("Pipelines/default.yml")
        let definitionBytes = [UInt8](try Data(contentsOf: definitionURL))
        let definition = try PipelineDefinition(
            parsing: String(decoding: definitionBytes, as: UTF8.self), file: "default.yml")
        _ = try await ledger.runPipeline(
            definition, definitionBytes: definitionBytes, signedWith: try key("compliance"))
        return DemoNetwork(folder: folder, ledger: ledger, databaseURL: databaseURL, now: Clock())
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
        if let databaseURL { TestPostgres.dropDatabase(databaseURL) }
    }

    /// The keys of `participants` as the server loads them from a folder of PEM files.
    func signingKeys(_ participants: [String]) async throws -> SigningKeys {
        let keys = folder.appendingPathComponent("signing-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        for participant in participants {
            try FileManager.default.copyItem(
                at: Self.keysFolder.appendingPathComponent("DEMO-ONLY-\(participant).pem"),
                to: keys.appendingPathComponent("\(participant).pem"))
        }
        return try await SigningKeys.load(directory: keys.path, ledger: ledger)
    }

    /// Runs `body` against the API in-process, the server holding `signingKeys`.
    func withServer(
        replicas: ReadReplicas = .none, signingKeys: SigningKeys = .none, metrics: ServerMetrics? = nil,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let clock = now
        let router = try ProvenanceServer.makeRouter(
            ledger: ledger, replicas: replicas, signingKeys: signingKeys, metrics: metrics, clock: { clock.read() })
        let application = Application(router: router, logger: Self.serverLogger)
        try await application.test(.router, body)
    }

    /// The in-process servers' logger: warnings and errors only, since a line per request would bury a failing
    /// test's report under thousands of them.
    static let serverLogger: Logger = {
        var logger = Logger(label: "prov.test-server")
        logger.logLevel = .warning
        return logger
    }()
}

/// A response's status and parsed JSON body.
struct APIResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [UInt8]

    var json: JSONValue {
        get throws { try JSONParser.parse(body) }
    }

    /// The error code of an error response.
    var errorCode: String? { (try? json)?["error"]?["code"]?.stringValue }
}

extension TestClientProtocol {
    /// Sends a request and collects the response.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: JSONValue? = nil,
        contentType: String? = nil, headers extra: HTTPFields = [:],
        body: [UInt8]? = nil
    ) async throws -> APIResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var bytes = body
        if let json {
            bytes = try CanonicalJSON.encode(json)
            headers[.contentType] = "application/json"
        }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) })
        { response in
            APIResponse(
                status: response.status, headers: response.headers, body: Array(response.body.readableBytesView))
        }
    }

    /// Logs `participant` in with `key`: challenge, signature, token.
    func login(_ participant: String, key: Ed25519.PrivateKey) async throws -> String {
        let challenge = try await call(.post, "/v1/auth/challenge", json: ["participant": .string(participant)])
        try #require(challenge.status == .ok, "\(String(decoding: challenge.body, as: UTF8.self))")
        let text = try #require(try challenge.json["challenge"]?.stringValue)
        let signature = try key.signature(for: Array(text.utf8))
        let token = try await call(
            .post, "/v1/auth/token",
            json: [
                "participant": .string(participant), "challenge": .string(text),
                "signature": .string(Base64.encode(signature)),
            ])
        try #require(token.status == .ok, "\(String(decoding: token.body, as: UTF8.self))")
        return try #require(try token.json["token"]?.stringValue)
    }
}
