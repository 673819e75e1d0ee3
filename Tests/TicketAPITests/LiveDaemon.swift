import Foundation
import LinliCore
import LinliDaemon
import Logging
import Mosquitto
import ServiceLifecycle
import TestSupport
import TicketAPI
import TicketStore

/// A real mosquitto on a free port, the whole daemon in-process (HTTP on a free port, the ticket feed,
/// the pipeline) over a real SQLite file, with the shipped rules and sites.
final class LiveDaemon: Sendable {
    let broker: MosquittoBroker
    let directory: TemporaryDirectory
    let daemon: Daemon
    let url: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// The store file.
    var databasePath: String { directory.file("linli.sqlite") }

    /// Starts a broker (unless given one) and a daemon; waits until it is subscribed and serving HTTP.
    static func start(
        broker: MosquittoBroker? = nil,
        directory: TemporaryDirectory? = nil,
        clearAfter: Duration = .seconds(3600),
        configure: (inout DaemonConfiguration) -> Void = { _ in }
    ) async throws -> LiveDaemon {
        let started: MosquittoBroker
        if let broker {
            started = broker
        } else {
            started = try await MosquittoBroker.start()
        }
        let broker = started
        let directory = try directory ?? TemporaryDirectory()
        var configuration = DaemonConfiguration()
        configuration.mqtt.url = broker.url
        configuration.mqtt.clientID = "linli-http-test-\(UUID().uuidString.prefix(8))"
        configuration.databasePath = directory.file("linli.sqlite")
        configuration.sitesDirectory = APIFixtures.configDirectory.appendingPathComponent("sites").path
        configuration.rulesDirectory = APIFixtures.configDirectory.appendingPathComponent("rules").path
        configuration.tickInterval = .milliseconds(50)
        configuration.http.address = "127.0.0.1:0"
        configuration.http.tokens = try APIFixtures.tokens().map(\.configurationLine)
        configuration.feed.clearAfter = clearAfter
        configure(&configuration)
        var logger = Logger(label: "linli-http-test")
        logger.logLevel = .warning
        let daemon = try await Daemon(configuration: configuration, logger: logger)
        let group = daemon.makeServiceGroup()
        let running = Task { try await daemon.run(group) }
        let url: String
        do {
            url = try await daemon.endpoints.waitForHTTP(timeout: .seconds(40))
            let deadline = ContinuousClock.now + .seconds(40)
            while !daemon.status.snapshot.brokerConnected {
                guard ContinuousClock.now < deadline else { throw TestServerError("the daemon did not subscribe") }
                try await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        return LiveDaemon(
            broker: broker,
            directory: directory,
            daemon: daemon,
            url: url,
            group: group,
            running: running
        )
    }

    private init(
        broker: MosquittoBroker,
        directory: TemporaryDirectory,
        daemon: Daemon,
        url: String,
        group: ServiceGroup,
        running: Task<Void, any Error>
    ) {
        self.broker = broker
        self.directory = directory
        self.daemon = daemon
        self.url = url
        self.group = group
        self.running = running
    }

    /// Stops the daemon gracefully; then the broker and the files unless kept (for a restart).
    func stop(keepingBroker: Bool = false, keepingFiles: Bool = false) async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        if !keepingBroker { await broker.stop() }
        if !keepingFiles { directory.remove() }
    }

    /// Publishes events as the contract's CloudEvents at QoS 1 and waits for the broker's acknowledgements.
    func publish(events: [Event]) async throws {
        try await publish(events.map { ($0.topic, $0.payload()) })
    }

    /// Publishes raw messages at QoS 1.
    func publish(_ messages: [(topic: String, payload: [UInt8])]) async throws {
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.clientID = "publisher-\(UUID().uuidString.prefix(8))"
        try await MQTTClient.withClient(configuration: configuration, logger: Logger(label: "publisher")) { client in
            for message in messages {
                try await client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce)
            }
            try await client.flush()
        }
    }

    /// Polls `condition` every 20 ms for up to `timeout`.
    static func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(15),
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestServerError("timed out waiting until \(what)")
    }

    /// An event at Zijing, now.
    static func event(_ type: EventType, device: String, data: EventData = EventData()) -> Event {
        Event(id: UUID().uuidString, site: "zijing", device: device, type: type, time: WallClock.now(), data: data)
    }
}
