public import LinliCore
public import Logging
public import ServiceLifecycle
public import TicketAPI
public import TicketStore
public import UnixSignals

/// The composition root of `linli serve`: loads rules and sites, opens the store, and runs the services.
///
/// A library, so tests build the whole daemon with a test configuration and run it in-process.
///
/// ```swift
/// let daemon = try await Daemon(configuration: configuration, logger: logger)
/// try await daemon.run()          // until SIGINT/SIGTERM
/// ```
public struct Daemon: Sendable {
    /// The configuration in force.
    public let configuration: DaemonConfiguration
    /// The rules in force: loaded at start, replaced by a reload (SIGHUP).
    public let loadedRules: LoadedRules
    /// The rules in force now.
    public var rules: RuleSet { loadedRules.current }
    /// The site registry loaded at start.
    public let registry: SiteRegistry
    /// The ticket store.
    public let store: TicketStore
    /// Live counters and health.
    public let status = DaemonStatus()
    /// Prometheus metrics, served at `/metrics`.
    public let metrics = DaemonMetrics()
    /// Where the HTTP server listens, once it does.
    public let endpoints = DaemonEndpoints()
    /// The MQTT ticket feed (`feed.enabled`); made once, so run one service group per daemon.
    public let feed: TicketFeed?
    /// The HTTP server (`http.enabled`); made once, so run one service group per daemon.
    public let httpServer: TicketServer?
    private let logger: Logger

    /// Loads rules and sites and opens the store.
    /// - Throws: ``ConfigurationError`` with file:line for bad rules or sites; store errors.
    public init(configuration: DaemonConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        self.registry = try ConfigurationFiles.loadSites(from: configuration.sitesDirectory)
        let rules = try ConfigurationFiles.loadRules(from: configuration.rulesDirectory)
        self.loadedRules = LoadedRules(rules)
        self.store = try TicketStore(path: configuration.databasePath)
        let feed =
            configuration.feed.enabled
            ? TicketFeed(configuration: configuration, store: store, status: status, metrics: metrics, logger: logger)
            : nil
        self.feed = feed
        self.httpServer =
            configuration.http.enabled
            ? try Self.makeHTTPServer(
                configuration: configuration,
                store: store,
                rules: loadedRules,
                registry: registry,
                status: status,
                metrics: metrics,
                feed: feed,
                endpoints: endpoints,
                logger: logger
            ) : nil
        logger.info(
            "loaded configuration",
            metadata: [
                "rules.count": "\(rules.rules.count)", "sites.count": "\(registry.sites.count)",
                "store.path": "\(configuration.databasePath)",
            ]
        )
    }

    /// The services in dependency order (shutdown runs in reverse): HTTP, the ticket feed, the pipeline. On
    /// SIGTERM ingest stops and drains first, then the feed publishes what was committed, then HTTP stops.
    public func makeServices() -> [any Service] {
        let (metrics, feed) = (metrics, feed)
        let pipeline = IngestPipeline(
            configuration: configuration,
            store: store,
            status: status,
            logger: logger,
            makeSession: { [self] in try await makeSession() },
            onCommit: { output, duration in
                metrics.recordCommit(output, writeDuration: duration, at: WallClock.now())
                if !output.updates.isEmpty { feed?.notify() }
            },
            onReload: { [loadedRules] rules, _ in loadedRules.replace(with: rules) }
        )
        let services: [(any Service)?] = [httpServer, feed, pipeline]
        return services.compactMap { $0 }
    }

    /// Runs until SIGINT or SIGTERM, then stops ingest, drains, commits and closes the store.
    public func run() async throws {
        try await run(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Runs the services with the given shutdown signals, then closes the store.
    public func run(gracefulShutdownSignals: [UnixSignal]) async throws {
        try await run(makeServiceGroup(gracefulShutdownSignals: gracefulShutdownSignals))
    }

    /// The service group, for tests that trigger graceful shutdown themselves
    /// (`group.triggerGracefulShutdown()`); run it with ``run(_:)``.
    public func makeServiceGroup(gracefulShutdownSignals: [UnixSignal] = []) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: makeServices().map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: logger
            )
        )
    }

    /// Runs `group` until it stops, then closes the store.
    public func run(_ group: ServiceGroup) async throws {
        try await group.run()
        try store.close()
        logger.info("stopped")
    }

    /// Restores the processing session from the store.
    public func makeSession() async throws -> ProcessingSession {
        try await ProcessingSession.restore(
            rules: rules,
            registry: registry,
            store: store,
            deduplicationCapacity: configuration.deduplicationCapacity,
            timing: configuration.timing
        )
    }
}
