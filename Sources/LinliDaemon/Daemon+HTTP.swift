import LinliCore
import Logging
import TicketAPI
import TicketStore

extension Daemon {
    /// The HTTP server for this daemon: its store, rules and sites, with health from ``DaemonStatus`` and a
    /// store probe, metrics from ``DaemonMetrics``, and people's changes nudging the ticket feed.
    static func makeHTTPServer(
        configuration: DaemonConfiguration,
        store: TicketStore,
        rules: LoadedRules,
        registry: SiteRegistry,
        status: DaemonStatus,
        metrics: DaemonMetrics,
        feed: TicketFeed?,
        endpoints: DaemonEndpoints,
        logger: Logger
    ) throws -> TicketServer {
        let health = DaemonHealth(status: status, store: store, feed: feed)
        let operations = TicketAPIOperations(
            health: { await health.report() },
            metrics: {
                let unresolved =
                    (try? await store.tickets(
                        matching: TicketFilter(statuses: [.open, .acknowledged], includesHistory: false)
                    )) ?? []
                let snapshot = status.snapshot
                metrics.refresh(
                    brokerConnected: snapshot.brokerConnected,
                    disconnects: snapshot.brokerDisconnects,
                    unresolved: unresolved,
                    now: WallClock.now()
                )
                return metrics.exposition()
            },
            ticketsChanged: { feed?.notify() }
        )
        return try TicketServer(
            configuration: try configuration.http.apiConfiguration(),
            store: store,
            rules: { rules.current },
            registry: registry,
            operations: operations,
            now: { WallClock.now() },
            logger: logger,
            onListening: { host, port in endpoints.setHTTP(host: host, port: port) }
        )
    }
}
