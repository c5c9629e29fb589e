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

/// The media type of a `Content-Type` or `Accept` entry (`application/json; charset=utf-8` → `application/json`),
/// lowercased, without its parameters.
func mediaType(_ field: some StringProtocol) -> String {
    field.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
}

extension Request {
    /// The whole body, up to the context's upload limit.
    func bodyBytes(context: some RequestContext) async throws -> [UInt8] {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return Array(buffer.readableBytesView)
    }

    /// The body parsed as a JSON object with no members but `allowed`; `bad_request` naming the line and column, or
    /// the member, otherwise. A body longer than `limit` bytes (the context's upload limit unless given) is refused
    /// with `payload_too_large` before it is read whole.
    func jsonObject(context: some RequestContext, allowing allowed: Set<String>, limit: Int? = nil) async throws
        -> [String: JSONValue]
    {
        let members = try await jsonObject(context: context, limit: limit)
        if let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw APIError.badRequest(
                "the body has the unknown member '\(Echo.short(unknown))'; it takes \(allowed.sorted().joined(separator: ", "))"
            )
        }
        return members
    }

    /// The body parsed as a JSON object; `bad_request` naming the line and column otherwise, `payload_too_large` past
    /// `limit` bytes (the context's upload limit unless given).
    func jsonObject(context: some RequestContext, limit: Int? = nil) async throws -> [String: JSONValue] {
        let bytes: [UInt8]
        if let limit {
            do {
                bytes = Array(try await body.collect(upTo: limit).readableBytesView)
            } catch {
                throw APIError(
                    .contentTooLarge, code: "payload_too_large", "this request's body is at most \(limit) bytes")
            }
        } else {
            bytes = try await bodyBytes(context: context)
        }
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
        case let text?:
            throw APIError.badRequest("query parameter \(name) must be true or false, got '\(Echo.short(text))'")
        }
    }

    /// The largest integer a query parameter takes: 2^53 − 1, the largest that every JSON reader holds exactly.
    static let largestInteger = 9_007_199_254_740_991

    /// The `name` query parameter as an integer from `minimum` to `maximum`, or `defaultValue` when absent.
    func integerParameter(
        _ name: String, default defaultValue: Int, minimum: Int = 0, maximum: Int = Request.largestInteger
    ) throws(APIError) -> Int {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        guard let value = Int(String(text)), (minimum...maximum).contains(value) else {
            throw APIError.badRequest(
                "query parameter \(name) must be an integer from \(minimum) to \(maximum), got '\(Echo.short(text))'")
        }
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
