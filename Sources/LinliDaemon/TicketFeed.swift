import AsyncAlgorithms
import LinliCore
public import Logging
import Mosquitto
public import ServiceLifecycle
import Synchronization
public import TicketStore

/// The MQTT ticket feed: every ticket change, by the rules or by people (API, board, CLI), published
/// retained at QoS 1 to `linli/v1/{site}/tickets/{id}` as the contract's ticket JSON; the retained message
/// is cleared (an empty retained publish) `feed.clear_after` after the ticket is resolved.
///
/// The store is the source: each pass reads the tickets written since the last one
/// (``TicketStore/TicketStore/changesSince(revision:)``), so whoever changed a ticket, and from whichever
/// process, subscribers see it. A pass runs when ``notify()`` is called (the pipeline after a commit with
/// ticket changes, the API after a person's change) and on every tick. After the broker acknowledged a
/// pass, the revision reached and the clears still to do are saved in the store (engine state
/// ``stateKey``), so a restart neither loses a clear nor a change made while the daemon was down.
///
/// It has its own broker connection (client id `mqtt.client_id` + `-feed`, clean session).
public final class TicketFeed: Service {
    /// The engine-state key the feed's progress is saved under.
    public static let stateKey = "feed.state"

    private let configuration: DaemonConfiguration
    private let store: TicketStore
    private let status: DaemonStatus
    private let metrics: DaemonMetrics
    private let logger: Logger
    private let nudges: AsyncStream<Void>
    private let nudge: AsyncStream<Void>.Continuation
    private let connected = Atomic<Bool>(false)

    /// Creates the feed.
    /// - Parameters:
    ///   - configuration: the broker settings and the `feed` section.
    ///   - store: the ticket store.
    ///   - status: the pipeline's broker state; the feed connects once the pipeline has.
    ///   - metrics: counts what is published and cleared.
    ///   - logger: the feed's logger.
    public init(
        configuration: DaemonConfiguration,
        store: TicketStore,
        status: DaemonStatus,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.status = status
        self.metrics = metrics
        self.logger = logger
        (nudges, nudge) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass soon (tickets changed). Cheap; calls while a pass is pending coalesce.
    public func notify() {
        nudge.yield()
    }

    /// Whether the feed's broker connection is up.
    public var isConnected: Bool {
        connected.load(ordering: .relaxed)
    }

    /// Publishes until graceful shutdown, then makes one last pass (for what the pipeline committed while
    /// draining), waiting a few seconds at most for the broker.
    ///
    /// It connects once the pipeline has, so a broker that refuses the daemon is reported once, by the
    /// pipeline. A broker lost later does not stop the daemon: the feed logs it, waits (0.5 s doubling up
    /// to 30 s) and tries again; what changed meanwhile is published once it connects.
    public func run() async throws {
        while !status.snapshot.brokerConnected {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(100)) }
            } catch {
                return
            }
        }
        let state = ScheduleBox(
            FeedSchedule(
                stored: try await store.engineState(key: Self.stateKey),
                clearAfter: configuration.feed.clearAfter
            )
        )
        var mqtt = try MQTTConfiguration(daemon: configuration.mqtt)
        mqtt.clientID = configuration.feed.clientID ?? (configuration.mqtt.clientID + "-feed")
        mqtt.cleanSession = true
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await MQTTClient.withClient(configuration: mqtt, logger: logger) { client in
                    failures = 0
                    try await publish(client: client, state: state)
                }
                break
            } catch {
                connected.store(false, ordering: .relaxed)
                failures += 1
                let delay = Duration.milliseconds(min(30_000, 500 << min(failures - 1, 6)))
                logger.warning(
                    "ticket feed cannot reach the broker; retrying",
                    metadata: ["error": "\(error)", "retry.after": "\(delay.shortText)"]
                )
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                } catch {
                    break
                }
            }
        }
        connected.store(false, ordering: .relaxed)
    }

    /// Publishes on a connected client until graceful shutdown, then makes the last pass.
    private func publish(client: MQTTClient, state: ScheduleBox) async throws {
        connected.store(true, ordering: .relaxed)
        logger.info("ticket feed publishing", metadata: ["feed.clear_after": "\(configuration.feed.clearAfter.shortText)"])
        do {
            try await cancelWhenGracefulShutdown { [self] in
                try await loop(client: client, state: state)
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
        try? await withDeadline(.seconds(3)) { [self] in
            try await pass(client: client, state: state)
        }
    }

    private func loop(client: MQTTClient, state: ScheduleBox) async throws {
        let ticks = AsyncTimerSequence(interval: configuration.tickInterval, clock: .continuous).map { _ in () }
        try await pass(client: client, state: state)
        for await _ in merge(nudges, ticks) {
            connected.store(client.isConnected, ordering: .relaxed)
            do {
                try await pass(client: client, state: state)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A store or broker hiccup must not stop the daemon: the next pass retries from the same revision.
                logger.warning("ticket feed pass failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Reads what changed, publishes it and the clears that are due, waits for the broker's
    /// acknowledgements (at most 5 s: if the broker is away, libmosquitto resends on reconnect and the next
    /// pass saves), then saves the progress.
    private func pass(client: MQTTClient, state: ScheduleBox) async throws {
        let before = state.schedule
        let (tickets, latest) = try await store.changesSince(revision: before.revision)
        let now = WallClock.now()
        var schedule = before
        let actions = schedule.take(tickets, upTo: latest, now: now) + schedule.dueClears(now: now)
        guard schedule != before || state.unsaved else { return }
        var published = 0
        var cleared = 0
        for action in actions {
            switch action {
            case .publish(let topic, let ticket):
                try await client.publish(topic: topic, payload: Array(ticket.json().utf8), qos: .atLeastOnce, retain: true)
                published += 1
            case .clear(let topic):
                try await client.publish(topic: topic, payload: [UInt8](), qos: .atLeastOnce, retain: true)
                cleared += 1
            }
        }
        state.schedule = schedule
        state.unsaved = true
        metrics.recordFeed(published: published, cleared: cleared)
        if published + cleared > 0 {
            logger.debug("ticket feed pass", metadata: ["feed.published": "\(published)", "feed.cleared": "\(cleared)"])
        }
        do {
            try await withDeadline(.seconds(5)) { try await client.flush() }
        } catch is DeadlineExceeded {
            logger.debug("ticket feed: broker has not acknowledged yet; progress saved after the next pass")
            return
        }
        try await store.commit(IngestBatch(engineState: [Self.stateKey: schedule.encoded()]))
        state.unsaved = false
    }
}

/// The feed's schedule and whether it is saved, owned by its one loop; the mutex only makes it `Sendable`
/// for the hand-over between the loop and the final pass after shutdown, which never run at the same time.
private final class ScheduleBox: Sendable {
    private let value: Mutex<(schedule: FeedSchedule, unsaved: Bool)>

    init(_ schedule: FeedSchedule) {
        value = Mutex((schedule, false))
    }

    var schedule: FeedSchedule {
        get { value.withLock { $0.schedule } }
        set { value.withLock { $0.schedule = newValue } }
    }

    /// Published but not yet saved in the store.
    var unsaved: Bool {
        get { value.withLock { $0.unsaved } }
        set { value.withLock { $0.unsaved = newValue } }
    }
}

/// An operation did not finish in time.
struct DeadlineExceeded: Error {}

/// Runs `operation`, cancelling it and throwing ``DeadlineExceeded`` if it takes longer than `limit`.
func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
        return value
    }
}
