import Foundation
import LinliCore
import LinliDaemon
import Logging
import Mosquitto
import ServiceLifecycle
import Synchronization
import TestSupport
import TicketStore

/// Building blocks for the reliability, broker-fault, security and hostile-input suites: a daemon that can be
/// stopped and started again on the same store and journal, publishers, and events.
enum Reliability {
    /// The repository root.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A daemon configuration for `brokerURL` with the shipped rules and sites, a store in `directory`, HTTP and
    /// the ticket feed off, a fast tick and a client id of its own.
    static func configuration(brokerURL: String, directory: TemporaryDirectory) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        configuration.mqtt.url = brokerURL
        configuration.mqtt.clientID = "linli-reliability-\(UUID().uuidString.prefix(8))"
        configuration.databasePath = directory.file("linli.sqlite")
        configuration.sitesDirectory = repository.appendingPathComponent("Config/sites").path
        configuration.rulesDirectory = repository.appendingPathComponent("Config/rules").path
        configuration.tickInterval = .milliseconds(50)
        configuration.http.enabled = false
        configuration.feed.enabled = false
        return configuration
    }

    /// A logger that drops everything below `warning`.
    static func quietLogger(_ label: String = "linli-reliability") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    /// Publishes raw messages at QoS 1 through a fresh client and waits for every acknowledgement.
    static func publish(_ messages: [(topic: String, payload: [UInt8])], to configuration: MQTTConfiguration) async throws {
        var configuration = configuration
        configuration.clientID = "publisher-\(UUID().uuidString.prefix(8))"
        try await MQTTClient.withClient(configuration: configuration, logger: quietLogger("publisher")) { client in
            for message in messages {
                try await client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce, retain: false)
            }
            try await client.flush()
        }
    }

    /// Publishes raw messages at QoS 1 to a plain broker URL.
    static func publish(_ messages: [(topic: String, payload: [UInt8])], to url: String) async throws {
        try await publish(messages, to: try MQTTConfiguration(url: url))
    }

    /// `count` valid bin-fill events with distinct ids, times around now, cycling over the Zijing bins; every
    /// tenth reads 95% (a `bin-full` trigger), the rest 30%.
    static func fillEvents(count: Int, prefix: String, start: EventTime = WallClock.now()) -> [Event] {
        let bins = ["ZJ-B01-K", "ZJ-B01-R", "ZJ-B03-K", "ZJ-B03-R", "ZJ-B05-K", "ZJ-B06-O", "ZJ-B08-H"]
        return (0..<count).map { index in
            Event(
                id: "\(prefix)-\(index)",
                site: "zijing",
                device: bins[index % bins.count],
                type: .binFill,
                time: EventTime(milliseconds: start.milliseconds + Int64(index)),
                data: EventData(fillPct: index % 10 == 9 ? 95 : 30)
            )
        }
    }

    /// The messages of `events` as the contract's CloudEvents.
    static func messages(_ events: [Event]) -> [(topic: String, payload: [UInt8])] {
        events.map { ($0.topic, $0.payload()) }
    }

    /// Polls `condition` every 20 ms for up to `timeout`; throws when it never holds.
    static func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(20),
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ReliabilityError.timedOut(what)
    }

    /// The ids of every event the store remembers as applied.
    static func seenIDs(_ store: TicketStore) async throws -> [String] {
        try await store.seenEvents(since: EventTime(milliseconds: 0)).map(\.id)
    }
}

/// A daemon running in-process until ``stop()``.
struct RunningDaemon: Sendable {
    let daemon: Daemon
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Loads the configuration and starts the services; returns at once (not waiting for the broker).
    static func start(_ configuration: DaemonConfiguration, logger: Logger = Reliability.quietLogger()) async throws -> RunningDaemon {
        let daemon = try await Daemon(configuration: configuration, logger: logger)
        let group = daemon.makeServiceGroup()
        let task = Task { try await daemon.run(group) }
        return RunningDaemon(daemon: daemon, group: group, task: task)
    }

    /// Starts the daemon and waits until it is connected and subscribed.
    static func startConnected(_ configuration: DaemonConfiguration, logger: Logger = Reliability.quietLogger()) async throws -> RunningDaemon {
        let running = try await start(configuration, logger: logger)
        try await Reliability.waitUntil("the daemon is connected") { running.daemon.status.snapshot.brokerConnected }
        return running
    }

    /// Live counters.
    var status: DaemonStatus.Snapshot { daemon.status.snapshot }

    /// Stops gracefully (as on SIGTERM) and waits until the store is closed.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

/// A log handler that keeps every rendered line, to check what reaches the logs.
struct CapturingLogHandler: LogHandler {
    /// The lines logged, shared by copies of the handler.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])

        var all: [String] { lines.withLock { $0 } }

        func append(_ line: String) {
            lines.withLock { $0.append(line) }
        }
    }

    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
    }

    /// A logger at `trace` writing into `lines`.
    static func logger(into lines: Lines) -> Logger {
        Logger(label: "captured") { _ in CapturingLogHandler(lines: lines) }
    }
}

enum ReliabilityError: Error, CustomStringConvertible {
    case timedOut(String)

    var description: String {
        switch self {
        case .timedOut(let what): "timed out waiting until \(what)"
        }
    }
}
