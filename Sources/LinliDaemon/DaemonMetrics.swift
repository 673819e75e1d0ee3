public import LinliCore
import Metrics
import Prometheus
import Synchronization
import TicketAPI

/// The daemon's metrics, kept with swift-metrics in a Prometheus registry of its own and served at
/// `/metrics` in the Prometheus text format.
///
/// Each daemon has its own registry (no global `MetricsSystem` bootstrap), so several daemons in one test
/// process do not mix their counts.
///
/// | metric | type | what |
/// |---|---|---|
/// | `linli_events_received_total` | counter | messages taken from the broker (accepted, duplicate or rejected) |
/// | `linli_events_accepted_total` | counter | events applied to the rules |
/// | `linli_events_duplicate_total` | counter | redelivered events ignored |
/// | `linli_events_rejected_total{reason}` | counter | messages dead-lettered, by reason code |
/// | `linli_rule_evaluations_total` | counter | events run through the rule set (one per accepted event) |
/// | `linli_tickets_opened_total{rule}` | counter | tickets opened, by rule |
/// | `linli_ticket_escalations_total{rule}` | counter | escalation steps, by rule |
/// | `linli_tickets_resolved_total{rule}` | counter | tickets resolved by the engine (auto-resolve), by rule |
/// | `linli_ingest_lag_seconds` | histogram | commit wall-clock time minus event time, per accepted event |
/// | `linli_store_write_seconds` | histogram | time of each batch's store transaction |
/// | `linli_feed_published_total`, `linli_feed_cleared_total` | counter | ticket feed messages and clears |
/// | `linli_broker_connected` | gauge | 1 when the ingest connection is up |
/// | `linli_tickets_unresolved{team,severity}` | gauge | open and acknowledged tickets, at scrape time |
/// | `linli_tickets_overdue{team}` | gauge | unresolved tickets past a deadline, at scrape time |
public final class DaemonMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let received: Metrics.Counter
    private let accepted: Metrics.Counter
    private let duplicates: Metrics.Counter
    private let ruleEvaluations: Metrics.Counter
    private let ingestLag: Metrics.Timer
    private let storeWrite: Metrics.Timer
    private let feedPublished: Metrics.Counter
    private let feedCleared: Metrics.Counter
    private let brokerConnected: Metrics.Gauge
    private let brokerDisconnects: Metrics.Counter
    /// The status's disconnection count at the last scrape (the counter moves on by the difference).
    private let countedDisconnects = Mutex(0)
    /// Counters and gauges with a label value, made on first use. Guarded by the mutex; any task.
    private let labelled = Mutex<[String: LabelledMetric]>([:])
    /// Gauge label sets reported at the last scrape, so ones that went away are set to 0.
    private let reportedGauges = Mutex<Set<String>>([])

    /// Creates the metrics in a new registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["linli_ingest_lag_seconds"] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        factory.durationHistogramBuckets["linli_store_write_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.registry = registry
        self.factory = factory
        received = Metrics.Counter(label: "linli_events_received_total", factory: factory)
        accepted = Metrics.Counter(label: "linli_events_accepted_total", factory: factory)
        duplicates = Metrics.Counter(label: "linli_events_duplicate_total", factory: factory)
        ruleEvaluations = Metrics.Counter(label: "linli_rule_evaluations_total", factory: factory)
        ingestLag = Metrics.Timer(label: "linli_ingest_lag_seconds", factory: factory)
        storeWrite = Metrics.Timer(label: "linli_store_write_seconds", factory: factory)
        feedPublished = Metrics.Counter(label: "linli_feed_published_total", factory: factory)
        feedCleared = Metrics.Counter(label: "linli_feed_cleared_total", factory: factory)
        brokerConnected = Metrics.Gauge(label: "linli_broker_connected", factory: factory)
        brokerDisconnects = Metrics.Counter(label: "linli_broker_disconnects_total", factory: factory)
    }

    /// Records one committed batch: what arrived, what the rules did, how late the events were when their
    /// batch was committed at `now`, and how long the store took.
    public func recordCommit(_ output: ProcessorOutput, writeDuration: Duration, at now: EventTime) {
        let rejected = output.rejectedByReason.values.reduce(0, +)
        received.increment(by: output.accepted + output.duplicates + rejected)
        accepted.increment(by: output.accepted)
        duplicates.increment(by: output.duplicates)
        ruleEvaluations.increment(by: output.accepted)
        for (reason, count) in output.rejectedByReason {
            counter("linli_events_rejected_total", ("reason", reason)).increment(by: count)
        }
        for update in output.updates {
            switch update.action {
            case .opened: counter("linli_tickets_opened_total", ("rule", update.ticket.rule)).increment()
            case .escalated: counter("linli_ticket_escalations_total", ("rule", update.ticket.rule)).increment()
            case .resolved: counter("linli_tickets_resolved_total", ("rule", update.ticket.rule)).increment()
            case .occurred, .acknowledged, .reopened, .commented: break
            }
        }
        for seen in output.seen {
            ingestLag.recordNanoseconds(max(0, now.milliseconds - seen.time.milliseconds) * 1_000_000)
        }
        if !output.isEmpty {
            storeWrite.recordNanoseconds(writeDuration.nanoseconds)
        }
    }

    /// Records what the ticket feed sent.
    public func recordFeed(published: Int, cleared: Int) {
        if published > 0 { feedPublished.increment(by: published) }
        if cleared > 0 { feedCleared.increment(by: cleared) }
    }

    /// Sets the scrape-time figures: broker connection and disconnections, and unresolved and overdue tickets per
    /// team.
    /// - Parameters:
    ///   - connected: whether the broker connection is up.
    ///   - disconnects: how many times it was lost since the daemon started (``DaemonStatus/Snapshot/brokerDisconnects``).
    ///   - unresolved: every ticket not resolved now (history not needed).
    ///   - now: the time overdue is judged at.
    public func refresh(brokerConnected connected: Bool, disconnects: Int, unresolved: [Ticket], now: EventTime) {
        brokerConnected.record(connected ? 1 : 0)
        let newDisconnects = countedDisconnects.withLock { counted in
            defer { counted = max(counted, disconnects) }
            return disconnects - counted
        }
        if newDisconnects > 0 { brokerDisconnects.increment(by: newDisconnects) }
        var values: [String: (labels: [(String, String)], value: Int)] = [:]
        for ticket in unresolved {
            let severityKey = "unresolved|\(ticket.team)|\(ticket.severity.rawValue)"
            values[severityKey, default: ([("team", ticket.team), ("severity", ticket.severity.rawValue)], 0)].value += 1
            let overdueKey = "overdue|\(ticket.team)"
            values[overdueKey, default: ([("team", ticket.team)], 0)].value += 0
            if TicketDeadline.isOverdue(ticket, at: now) { values[overdueKey]?.value += 1 }
        }
        let stale = reportedGauges.withLock { reported in
            let gone = reported.subtracting(values.keys)
            reported = Set(values.keys)
            return gone
        }
        for key in stale {
            let parts = key.split(separator: "|").map(String.init)
            if parts[0] == "unresolved" {
                gauge("linli_tickets_unresolved", [("team", parts[1]), ("severity", parts[2])]).record(0)
            } else {
                gauge("linli_tickets_overdue", [("team", parts[1])]).record(0)
            }
        }
        for (key, entry) in values {
            let name = key.hasPrefix("unresolved") ? "linli_tickets_unresolved" : "linli_tickets_overdue"
            gauge(name, entry.labels).record(entry.value)
        }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        registry.emitToString()
    }

    // MARK: Helpers

    /// A counter or gauge made once per label set.
    private enum LabelledMetric {
        case counter(Metrics.Counter)
        case gauge(Metrics.Gauge)
    }

    private func counter(_ name: String, _ label: (String, String)) -> Metrics.Counter {
        let key = "\(name)|\(label.0)=\(label.1)"
        return labelled.withLock { metrics in
            if case .counter(let counter)? = metrics[key] { return counter }
            let counter = Metrics.Counter(label: name, dimensions: [label], factory: factory)
            metrics[key] = .counter(counter)
            return counter
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> Metrics.Gauge {
        let key = name + "|" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return labelled.withLock { metrics in
            if case .gauge(let gauge)? = metrics[key] { return gauge }
            let gauge = Metrics.Gauge(label: name, dimensions: labels, factory: factory)
            metrics[key] = .gauge(gauge)
            return gauge
        }
    }
}
