import Foundation
public import LinliCore
public import LinliDaemon
public import Logging
public import Mosquitto
import ServiceLifecycle
import Synchronization
public import TicketStore

/// A real mosquitto on a free port, a real SQLite file, and the whole daemon running in-process with the shipped
/// rules and sites: the harness of the live daemon tests.
///
/// The daemon can be stopped and started again on the same store, journal and broker (``restart()``), as after a
/// crash or a deploy; ``configuration`` stays the same across restarts.
///
/// ```swift
/// let live = try await LiveDaemon.start(http: true)
/// try await live.publish(events: [event])
/// try await LiveDaemon.waitUntil("the event is applied") { live.status.accepted == 1 }
/// let tickets = try await live.store.tickets(matching: TicketFilter())
/// try await live.stop()
/// ```
public final class LiveDaemon: Sendable {
    /// What stays the same across runs of the daemon.
    private struct Setup: Sendable {
        let broker: MosquittoBroker
        let directory: TemporaryDirectory
        let configuration: DaemonConfiguration
        let logger: Logger
    }

    /// One run of the daemon, from ``startDaemon()`` to ``stopDaemon()``.
    private struct Running: Sendable {
        let daemon: Daemon
        let group: ServiceGroup
        let task: Task<Void, any Error>
        let url: String?
    }

    private let setup: Setup
    private let running = Mutex<Running?>(nil)

    /// How long starting may take: on two shared cores the suites run at once and hold the cooperative pool.
    public static let startTimeout: Duration = .seconds(40)

    /// A configuration for a broker at `brokerURL` and a store in `directory`, with the shipped rules and sites,
    /// a client id of its own, a 50 ms tick, the wall clock, and only the pipeline (HTTP, on a free loopback port
    /// when enabled, and the ticket feed off).
    public static func configuration(brokerURL: String, directory: TemporaryDirectory) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        configuration.mqtt.url = brokerURL
        configuration.mqtt.clientID = "linli-test-\(UUID().uuidString.prefix(8))"
        configuration.databasePath = directory.file("linli.sqlite")
        configuration.sitesDirectory = Repository.configDirectory.appendingPathComponent("sites").path
        configuration.rulesDirectory = Repository.configDirectory.appendingPathComponent("rules").path
        configuration.tickInterval = .milliseconds(50)
        configuration.http.enabled = false
        configuration.http.address = "127.0.0.1:0"
        configuration.feed.enabled = false
        return configuration
    }

    /// A logger that drops everything below `level`.
    public static func quietLogger(_ label: String = "linli-test", level: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// Starts a broker (unless given one) and the daemon over a store in `directory` (a fresh one unless given);
    /// returns once the daemon is subscribed and, with HTTP, serving.
    /// - Parameters:
    ///   - http: Whether the HTTP server runs (on a free loopback port, see ``url``).
    ///   - feed: Whether the ticket feed publishes to the broker.
    ///   - clock: Whether the daemon's clock is the wall clock or follows the events.
    ///   - tick: How often the daemon ticks (fast, so deadlines and batches show up at once).
    ///   - broker: A running broker to use (for example one with persistence, or a TLS one), kept by the harness.
    ///   - directory: Where the store is (for a restart over an existing store with another configuration).
    ///   - logger: The daemon's logger; by default warnings and errors only.
    ///   - configure: Changes to the configuration (TLS, batch sizes, tokens, ...) made before the daemon starts.
    /// - Throws: The daemon's start error, or ``LiveDaemonError`` when it does not connect in time.
    public static func start(
        http: Bool = false,
        feed: Bool = false,
        clock: DaemonConfiguration.Clock = .wall,
        tick: Duration = .milliseconds(50),
        broker: MosquittoBroker? = nil,
        directory: TemporaryDirectory? = nil,
        logger: Logger = quietLogger(),
        configure: (inout DaemonConfiguration) throws -> Void = { _ in }
    ) async throws -> LiveDaemon {
        let started: MosquittoBroker
        if let broker {
            started = broker
        } else {
            started = try await MosquittoBroker.start()
        }
        let ownDirectory = directory == nil
        let directory = try directory ?? TemporaryDirectory()
        var configuration = Self.configuration(brokerURL: started.url, directory: directory)
        configuration.http.enabled = http
        configuration.feed.enabled = feed
        configuration.clock = clock
        configuration.tickInterval = tick
        try configure(&configuration)
        let live = LiveDaemon(Setup(broker: started, directory: directory, configuration: configuration, logger: logger))
        do {
            try await live.startDaemon()
        } catch {
            if ownDirectory { directory.remove() }
            throw error
        }
        return live
    }

    private init(_ setup: Setup) {
        self.setup = setup
    }

    /// The broker the daemon's configuration was made for (the harness's own unless one was given).
    public var broker: MosquittoBroker { setup.broker }

    /// The directory of the store (`linli.sqlite`) and its journal.
    public var directory: TemporaryDirectory { setup.directory }

    /// What every run of the daemon uses.
    public var configuration: DaemonConfiguration { setup.configuration }

    /// The daemon of the current (or last) run.
    public var daemon: Daemon {
        guard let current = running.withLock({ $0 }) else { preconditionFailure("the daemon was never started") }
        return current.daemon
    }

    /// The current run's task: cancelled or finished only when the daemon stopped.
    public var task: Task<Void, any Error> {
        guard let current = running.withLock({ $0 }) else { preconditionFailure("the daemon was never started") }
        return current.task
    }

    /// The daemon's store.
    public var store: TicketStore { daemon.store }

    /// The daemon's live counters.
    public var status: DaemonStatus.Snapshot { daemon.status.snapshot }

    /// The base URL of the HTTP server (`http://127.0.0.1:PORT`); empty when HTTP is off.
    public var url: String { running.withLock { $0?.url } ?? "" }

    /// The store file.
    public var databasePath: String { configuration.databasePath }

    /// Starts the daemon on the harness's configuration and waits until it is subscribed and (with HTTP) serving.
    /// - Throws: The daemon's start error, or ``LiveDaemonError`` when it does not connect in time.
    public func startDaemon() async throws {
        let daemon = try await Daemon(configuration: configuration, logger: setup.logger)
        let group = daemon.makeServiceGroup()
        let task = Task { try await daemon.run(group) }
        do {
            var url: String?
            if configuration.http.enabled {
                url = try await daemon.endpoints.waitForHTTP(timeout: Self.startTimeout)
            }
            try await Self.waitUntil("the daemon is subscribed", timeout: Self.startTimeout) {
                daemon.status.snapshot.brokerConnected
            }
            running.withLock { $0 = Running(daemon: daemon, group: group, task: task, url: url) }
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
    }

    /// Stops the daemon gracefully (as on SIGTERM) and waits until its store is closed; the broker and the files
    /// stay.
    public func stopDaemon() async throws {
        guard let current = running.withLock({ $0 }) else { return }
        await current.group.triggerGracefulShutdown()
        try await current.task.value
    }

    /// Stops the daemon and starts it again on the same store, journal and broker.
    public func restart() async throws {
        try await stopDaemon()
        try await startDaemon()
    }

    /// Stops the daemon; then the broker and the files unless kept (for a restart with another configuration).
    public func stop(keepingBroker: Bool = false, keepingFiles: Bool = false) async throws {
        try await stopDaemon()
        if !keepingBroker { await broker.stop() }
        if !keepingFiles { directory.remove() }
    }

    /// Publishes raw messages at QoS 1 to the harness's broker and waits for the broker's acknowledgements.
    public func publish(_ messages: [(topic: String, payload: [UInt8])]) async throws {
        try await Self.publish(messages, through: try MQTTConfiguration(url: broker.url))
    }

    /// Publishes events as the contract's CloudEvents.
    public func publish(events: [Event]) async throws {
        try await publish(events.map { ($0.topic, $0.payload()) })
    }

    /// Publishes `events` and waits until the daemon has accepted `accepted` events in this run (by default as
    /// many as were published).
    public func publishAndWait(
        events: [Event],
        accepted: Int? = nil,
        timeout: Duration = .seconds(20)
    ) async throws {
        try await publish(events: events)
        let total = accepted ?? events.count
        try await Self.waitUntil("\(total) events are applied", timeout: timeout) { self.status.accepted == total }
    }

    /// Publishes raw messages at QoS 1 through a fresh client made from `configuration` (for example one with
    /// TLS and a password) and waits for every acknowledgement.
    public static func publish(
        _ messages: [(topic: String, payload: [UInt8])],
        through configuration: MQTTConfiguration
    ) async throws {
        var configuration = configuration
        configuration.clientID = "publisher-\(UUID().uuidString.prefix(8))"
        try await MQTTClient.withClient(configuration: configuration, logger: quietLogger("publisher")) { client in
            for message in messages {
                try await client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce, retain: false)
            }
            try await client.flush()
        }
    }

    /// The ids of every event the store remembers as applied.
    public func seenIDs() async throws -> [String] {
        try await store.seenEvents(since: EventTime(milliseconds: 0)).map(\.id)
    }

    /// Polls `condition` every 20 ms for up to `timeout`.
    /// - Throws: ``LiveDaemonError`` when it never holds.
    public static func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(20),
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw LiveDaemonError("timed out waiting until \(what)")
    }
}

/// Something a live daemon test waited for did not happen.
public struct LiveDaemonError: Error, CustomStringConvertible {
    /// What was waited for.
    public let description: String

    init(_ description: String) { self.description = description }
}
