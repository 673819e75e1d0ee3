import Hummingbird

/// One route the server answers: method and path pattern (`GET /api/v1/tickets/{id}`).
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// `GET` or `POST`.
    public var method: String
    /// The path pattern, parameters in braces.
    public var path: String

    public var description: String { "\(method) \(path)" }
}

/// Registers routes on the router and remembers them, so the server can list what it serves (the
/// OpenAPI document is checked against that list).
final class RouteRecorder {
    let router: Router<TicketRequestContext>
    private(set) var routes: [RouteDescription] = []

    init(router: Router<TicketRequestContext>) {
        self.router = router
    }

    func get(
        _ path: String,
        use handler: @escaping @Sendable (Request, TicketRequestContext) async throws -> Response
    ) {
        routes.append(RouteDescription(method: "GET", path: path))
        router.get(RouterPath(path), use: handler)
    }

    func post(
        _ path: String,
        use handler: @escaping @Sendable (Request, TicketRequestContext) async throws -> Response
    ) {
        routes.append(RouteDescription(method: "POST", path: path))
        router.post(RouterPath(path), use: handler)
    }
}
