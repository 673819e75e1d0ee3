import LinliCore
import TicketAPI
import TicketStore

/// The checks behind `/healthz`: the ingest connection to the broker is up, the store takes a write, and
/// (when enabled) the ticket feed's connection is up.
struct DaemonHealth: Sendable {
    /// The engine-state key the store probe writes (the time of the probe).
    static let probeKey = "health.probe"

    let status: DaemonStatus
    let store: TicketStore
    let feed: TicketFeed?

    /// Runs the checks; the store probe is a real one-row write transaction, given 2 s.
    func report() async -> HealthReport {
        var checks = [
            HealthReport.Check(
                name: "broker",
                ok: status.snapshot.brokerConnected,
                message: status.snapshot.brokerConnected ? nil : "not connected to the broker"
            )
        ]
        do {
            let now = WallClock.now()
            try await withDeadline(.seconds(2)) { [store] in
                try await store.commit(IngestBatch(engineState: [Self.probeKey: Array(RFC3339.format(now).utf8)]))
            }
            checks.append(HealthReport.Check(name: "store", ok: true))
        } catch is DeadlineExceeded {
            checks.append(HealthReport.Check(name: "store", ok: false, message: "a write took longer than 2 s"))
        } catch {
            checks.append(HealthReport.Check(name: "store", ok: false, message: "a write failed: \(error)"))
        }
        if let feed {
            checks.append(
                HealthReport.Check(
                    name: "feed",
                    ok: feed.isConnected,
                    message: feed.isConnected ? nil : "the ticket feed is not connected to the broker"
                )
            )
        }
        return HealthReport(checks: checks)
    }
}
