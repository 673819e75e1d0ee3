import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into the response its part of the server speaks: `{"error":{"message":…}}` under
/// `/api/`, GeoReport v2 `[{"code","description"}]` under `/open311/`, an HTML page elsewhere.
///
/// An `HTTPError` keeps its status and message (one without a message gets its reason phrase); any other
/// error is logged and answered with a bare 500 that says nothing about its cause.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = TicketRequestContext

    /// Renders error pages for the board.
    let board: BoardRenderer

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return response(for: request, status: error.status, message: error.body, headers: error.headers)
        } catch let error as any HTTPResponseError {
            return response(for: request, status: error.status, message: nil, headers: [:])
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["http.path": "\(request.uri.path)", "error.type": "\(type(of: error))"]
            )
            context.logger.debug("request failure detail", metadata: ["error": "\(error)"])
            return Response(status: .internalServerError, headers: [.contentLength: "0"])
        }
    }

    private func response(
        for request: Request,
        status: HTTPResponse.Status,
        message: String?,
        headers: HTTPFields
    ) -> Response {
        let message = message ?? Self.defaultMessage(status: status, path: request.uri.path)
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics" {
            return Responses.apiError(status, message: message, headers: headers)
        }
        if path.hasPrefix("/open311/") {
            return Responses.open311Error(status, message: message, headers: headers)
        }
        var response = board.errorPage(status: status, message: message, request: request)
        response.headers.append(contentsOf: headers)
        return response
    }

    static func defaultMessage(status: HTTPResponse.Status, path: String) -> String {
        switch status {
        case .notFound: "nothing at \(path.prefix(200))"
        case .contentTooLarge: "the request body is too large"
        default: status.reasonPhrase
        }
    }
}
