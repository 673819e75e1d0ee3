/// What the server asks of the process it runs in: health, metrics, and a word when people change tickets.
///
/// The daemon supplies real ones (broker state, a store write probe, its Prometheus registry, a nudge to the
/// MQTT feed); the defaults report healthy, serve no metrics and do nothing, which is what a server over a
/// bare store needs.
public struct TicketAPIOperations: Sendable {
    /// Runs the health checks for `/healthz`.
    public var health: @Sendable () async -> HealthReport
    /// The Prometheus text exposition for `/metrics`.
    public var metrics: @Sendable () async -> String
    /// Called after a person's change (acknowledge, resolve, comment, reopen) is stored.
    public var ticketsChanged: @Sendable () -> Void

    /// Creates the hooks; each defaults to the no-daemon behaviour.
    public init(
        health: @escaping @Sendable () async -> HealthReport = { HealthReport(checks: []) },
        metrics: @escaping @Sendable () async -> String = { "" },
        ticketsChanged: @escaping @Sendable () -> Void = {}
    ) {
        self.health = health
        self.metrics = metrics
        self.ticketsChanged = ticketsChanged
    }
}
