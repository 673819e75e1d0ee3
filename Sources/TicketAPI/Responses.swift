import HTTPTypes
import Hummingbird
import LinliCore

/// Builders for the server's responses: JSON written with Core's ``LinliCore/JSONWriter`` (so tickets have
/// exactly the contract shape), HTML and plain text, each with its content type and length.
enum Responses {
    /// `application/json` from a finished writer.
    static func json(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        bytes(writer.bytes, contentType: "application/json; charset=utf-8", status: status)
    }

    /// `application/json` for one value.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter(capacity: 1024)
        writer.value(value)
        return json(writer, status: status)
    }

    /// `text/html`.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(text.utf8), contentType: "text/html; charset=utf-8", status: status)
    }

    /// Any body with its content type.
    static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `303 See Other` to `location` (after a form post).
    static func redirect(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        headers[.contentLength] = "0"
        return Response(status: .seeOther, headers: headers)
    }

    /// The API's error body: `{"error":{"message":"…"}}`.
    static func apiError(_ status: HTTPResponse.Status, message: String, headers extra: HTTPFields = [:]) -> Response {
        var response = json(.object(["error": .object(["message": .string(message)])]), status: status)
        response.headers.append(contentsOf: extra)
        return response
    }

    /// The GeoReport v2 error body: `[{"code": 404, "description": "…"}]`.
    static func open311Error(_ status: HTTPResponse.Status, message: String, headers extra: HTTPFields = [:]) -> Response {
        var response = json(
            .array([.object(["code": .number(Double(status.code)), "description": .string(message)])]),
            status: status
        )
        response.headers.append(contentsOf: extra)
        return response
    }
}
