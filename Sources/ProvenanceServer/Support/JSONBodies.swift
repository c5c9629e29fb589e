public import Hummingbird
public import LedgerCore
import NIOCore

extension Response {
    /// A JSON response: compact canonical JSON when the value has a canonical form, else pretty-printed.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? CanonicalJSON.encode(value)) ?? Array(value.prettyPrinted().utf8)
        return bytesResponse(bytes, contentType: "application/json", status: status)
    }

    /// A response of `bytes` with `contentType`.
    static func bytesResponse(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// The whole body, up to the context's upload limit.
    func bodyBytes(context: some RequestContext) async throws -> [UInt8] {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }

    /// The body parsed as a JSON object; `bad_request` naming the line and column otherwise.
    func jsonObject(context: some RequestContext) async throws -> [String: JSONValue] {
        let bytes = try await bodyBytes(context: context)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError.badRequest("the body is not JSON: \(error)")
        }
        guard let members = value.objectValue else { throw APIError.badRequest("the body must be a JSON object") }
        return members
    }

    /// The `name` query parameter as a boolean (`true` or `false`), `false` when absent.
    func booleanParameter(_ name: String) throws(APIError) -> Bool {
        switch uri.queryParameters.get(name) {
        case nil, "false": false
        case "true": true
        case let text?: throw APIError.badRequest("query parameter \(name) must be true or false, got '\(text)'")
        }
    }

    /// The `name` query parameter as a non-negative integer, or `defaultValue`.
    func integerParameter(_ name: String, default defaultValue: Int, maximum: Int = .max) throws(APIError) -> Int {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        guard let value = Int(String(text)), value >= 0 else {
            throw APIError.badRequest("query parameter \(name) must be a non-negative integer, got '\(text)'")
        }
        guard value <= maximum else { throw APIError.badRequest("query parameter \(name) is at most \(maximum)") }
        return value
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The string member `name` of a request body; `bad_request` when it is missing or not a string.
    func requiredString(_ name: String) throws(APIError) -> String {
        guard let value = self[name]?.stringValue else {
            throw APIError.badRequest("the body needs \(name) (a string)")
        }
        return value
    }
}
