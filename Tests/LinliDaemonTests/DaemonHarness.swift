import Foundation
import LinliCore
import LinliDaemon
import Logging
import Mosquitto
import ServiceLifecycle
import TestSupport
import TicketStore

/// A real mosquitto on a free port, a real SQLite file, and the whole daemon running in-process.
final class DaemonHarness: Sendable {
    let broker: MosquittoBroker
    let directory: TemporaryDirectory
    let daemon: Daemon
    let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// The repository's `Config/` directory.
    static let configDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")

    /// Starts a broker and the daemon with the shipped rules and sites, and waits until it is subscribed.
    static func start(tick: Duration = .milliseconds(50)) async throws -> DaemonHarness {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        var configuration = DaemonConfiguration()
        configuration.mqtt.url = broker.url
        configuration.mqtt.clientID = "linli-test-\(UUID().uuidString.prefix(8))"
        configuration.databasePath = directory.path + "/linli.sqlite"
        configuration.sitesDirectory = configDirectory.appendingPathComponent("sites").path
        configuration.rulesDirectory = configDirectory.appendingPathComponent("rules").path
        configuration.tickInterval = tick
        var logger = Logger(label: "linli-test")
        logger.logLevel = .warning
        let daemon = try await Daemon(configuration: configuration, logger: logger)
        let harness = DaemonHarness(broker: broker, directory: directory, daemon: daemon)
        try await harness.waitUntil("the daemon is subscribed") { harness.daemon.status.snapshot.brokerConnected }
        return harness
    }

    private init(broker: MosquittoBroker, directory: TemporaryDirectory, daemon: Daemon) {
        self.broker = broker
        self.directory = directory
        self.daemon = daemon
        let group = daemon.makeServiceGroup()
        self.group = group
        self.running = Task { try await daemon.run(group) }
    }

    /// Publishes raw payloads at QoS 1 and waits for the broker's acknowledgements.
    func publish(_ messages: [(topic: String, payload: [UInt8])]) async throws {
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.clientID = "publisher-\(UUID().uuidString.prefix(8))"
        try await MQTTClient.withClient(configuration: configuration, logger: Logger(label: "publisher")) { client in
            for message in messages {
                try await client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce, retain: false)
            }
            try await client.flush()
        }
    }

    /// Publishes events as the contract's CloudEvents.
    func publish(events: [Event]) async throws {
        try await publish(events.map { ($0.topic, $0.payload()) })
    }

    /// Polls `condition` every 20 ms for up to `timeout`.
    func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(15),
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError.timedOut(what)
    }

    /// Stops the daemon gracefully and the broker; removes the files unless asked to keep them.
    func stop(keepingFiles: Bool = false) async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        await broker.stop()
        if !keepingFiles { directory.remove() }
    }

    enum HarnessError: Error, CustomStringConvertible {
        case timedOut(String)
        var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting until \(what)"
            }
        }
    }
}
