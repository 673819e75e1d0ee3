import Foundation
import Hummingbird
import NIOCore

/// The JSON body of `POST /api/v1/tickets/{id}/{action}`: `{"note": "...", "actor": "..."}`, both optional
/// (a comment needs its note); an empty body is the same as `{}`.
struct TicketActionBody: Decodable, Sendable {
    /// Resolution note, comment or a note for the history.
    var note: String?
    /// Who did it, when the client knows (recorded as `ACTOR (api:TOKEN)`).
    var actor: String?

    /// Reads the body of `request`, at most `limit` bytes.
    /// - Throws: 413 when larger, 400 when it is not such a JSON object (naming the field).
    static func read(from request: Request, limit: Int) async throws -> TicketActionBody {
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { return TicketActionBody() }
        do {
            return try JSONDecoder().decode(TicketActionBody.self, from: Data(buffer.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw HTTPError(
                .badRequest,
                message: field.isEmpty ? "the body must be a JSON object" : "body field '\(field)' must be a string"
            )
        } catch {
            throw HTTPError(.badRequest, message: "the body is not valid JSON: expected {\"note\": \"…\"}")
        }
    }
}
