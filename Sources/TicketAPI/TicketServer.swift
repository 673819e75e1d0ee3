import Hummingbird
public import LinliCore
public import Logging
import NIOCore
public import ServiceLifecycle
public import TicketStore

/// The HTTP side of Linli as one `Service`: the JSON API, Open311 GeoReport v2, the web board, `/healthz`,
/// `/metrics` and the OpenAPI document, over one ticket store.
///
/// Run it in the daemon's service group; it stops on graceful shutdown after the requests in flight.
///
/// ```swift
/// let server = try TicketServer(
///     configuration: configuration, store: store, rules: { loadedRules.current }, registry: registry, logger: logger
/// )
/// let group = ServiceGroup(services: [server], logger: logger)
/// try await group.run()
/// ```
///
/// Routes (see `openapi.yaml` for the API and Open311 ones):
/// - `GET /api/v1/tickets`, `GET /api/v1/tickets/{id}`, `POST /api/v1/tickets/{id}/{ack|resolve|comment|reopen}`,
///   `GET /api/v1/report`, `GET /api/v1/openapi.yaml`
/// - `GET /open311/v2/services.json`, `/open311/v2/requests.json`, `/open311/v2/requests/{id}.json`
/// - `GET /healthz`, `GET /metrics`
/// - the board: `GET /`, `GET /tickets/{id}`, `GET /report`, `POST /tickets/{id}/{action}`, `POST /signin`,
///   `POST /signout`
public final class TicketServer: Service {
    private let configuration: TicketAPIConfiguration
    private let responder: RouterResponder<TicketRequestContext>
    private let logger: Logger
    private let onListening: @Sendable (String, Int) async -> Void
    /// Every route served, in registration order.
    public let routes: [RouteDescription]

    /// Builds the routes.
    /// - Parameters:
    ///   - configuration: address, tokens, read policy and limits.
    ///   - store: the ticket store.
    ///   - rules: the rules in force, asked for at each request (Open311 services, the rule shown on a
    ///     ticket's page), so a reload of the daemon's rules shows at once.
    ///   - registry: the site registry (site names and time zones, Open311 jurisdictions).
    ///   - operations: health, metrics and change notification from the process it runs in.
    ///   - now: the wall clock (for people's actions, deadlines and the ledger).
    ///   - logger: the server's logger; requests are logged at `debug`.
    ///   - onListening: called with the bound host and port once the server accepts connections (the port
    ///     the system chose when configured with 0).
    /// - Throws: ``APITokenError`` for two tokens with one name, ``TicketServerError`` when the module's
    ///   templates or OpenAPI document are missing.
    public init(
        configuration: TicketAPIConfiguration,
        store: TicketStore,
        rules: @escaping @Sendable () -> RuleSet,
        registry: SiteRegistry,
        operations: TicketAPIOperations = TicketAPIOperations(),
        now: @escaping @Sendable () -> EventTime,
        logger: Logger,
        onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        let access = AccessControl(
            authenticator: try TokenAuthenticator(tokens: configuration.tokens),
            readAccess: configuration.readAccess
        )
        let workflow = TicketWorkflow(
            store: store,
            ticketsChanged: operations.ticketsChanged,
            maxNoteLength: configuration.maxNoteLength,
            now: now
        )
        let renderer = try BoardRenderer(registry: registry, refreshSeconds: configuration.boardRefreshSeconds, now: now)
        let router = Router(context: TicketRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: ErrorMiddleware(board: renderer))
        let recorder = RouteRecorder(router: router)
        TicketController(
            store: store,
            access: access,
            workflow: workflow,
            configuration: configuration,
            reports: LedgerReports(store: store, now: now)
        ).register(on: recorder)
        Open311Controller(
            store: store,
            access: access,
            currentRules: rules,
            siteIDs: Set(registry.sites.keys),
            now: now
        ).register(on: recorder)
        BoardController(
            store: store,
            access: access,
            workflow: workflow,
            renderer: renderer,
            currentRules: rules,
            configuration: configuration,
            now: now
        ).register(on: recorder)
        OperationsController(
            operations: operations,
            openAPIDocument: try OperationsController.loadOpenAPIDocument()
        ).register(on: recorder)
        self.responder = router.buildResponder()
        self.routes = recorder.routes
    }

    /// Serves until graceful shutdown.
    /// - Throws: when the address cannot be bound.
    public func run() async throws {
        let onListening = onListening
        let logger = logger
        let host = configuration.host
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "linli"
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("http listening", metadata: ["http.address": "\(host):\(port)"])
                await onListening(host, port)
            },
            logger: logger
        )
        try await application.run()
    }
}
