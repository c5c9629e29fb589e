import Foundation
import LedgerCore
import TestSupport
import Testing

/// `Schemas/openapi.json`: every response a test receives is checked against the schema the document
/// gives for its path, method and status.
enum OpenAPIContract {
    static let document: JSONValue? = {
        guard
            let data = FileManager.default.contents(
                atPath: TestPaths.root.appendingPathComponent("Schemas/openapi.json").path)
        else { return nil }
        return try? JSONParser.parse([UInt8](data))
    }()

    /// The problems of `response` to `method path` (a path template such as `/v1/lots/{id}`).
    static func problems(_ response: APIResponse, _ method: String, _ path: String) -> [String] {
        guard let document else { return ["Schemas/openapi.json cannot be read"] }
        let status = String(response.status.code)
        guard let operation = document["paths"]?[path]?[method.lowercased()] else {
            return ["\(method) \(path) is not in the document"]
        }
        guard var declared = operation["responses"]?[status] else {
            return ["\(method) \(path) declares no \(status) response"]
        }
        // A shared response, `{"$ref": "#/components/responses/NAME"}`.
        if let reference = declared["$ref"]?.stringValue {
            let name = reference.replacingOccurrences(of: "#/components/responses/", with: "")
            guard let shared = document["components"]?["responses"]?[name] else {
                return ["\(method) \(path) \(status) refers to \(reference), which the document lacks"]
            }
            declared = shared
        }
        let contentType = response.headers[.contentType] ?? ""
        let mediaType =
            contentType.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        guard let schema = declared["content"]?[mediaType]?["schema"] else {
            return ["\(method) \(path) \(status) declares no \(mediaType) content"]
        }
        guard mediaType == "application/json" else { return [] }
        guard let body = try? JSONParser.parse(response.body) else {
            return ["\(method) \(path) \(status): the body is not JSON"]
        }
        var checker = SchemaChecker(document: document)
        checker.check(body, schema: schema, path: "\(method) \(path) \(status)")
        return checker.problems
    }

    /// Expects `response` to have `status` and to match the document.
    static func expect(
        _ response: APIResponse, _ status: Int, _ method: String, _ path: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            Int(response.status.code) == status, "\(method) \(path): \(String(decoding: response.body, as: UTF8.self))",
            sourceLocation: sourceLocation)
        #expect(problems(response, method, path) == [], sourceLocation: sourceLocation)
    }
}
