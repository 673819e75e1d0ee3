import AsyncAlgorithms
import LinliCore
public import Logging
import Mosquitto
public import ServiceLifecycle
public import TicketStore

/// The daemon's heart: receives messages from the broker, runs them through the ``EventProcessor`` and
/// commits what they produce, one transaction per batch (group commit).
///
/// The session (and so all rule-engine state) has one owner: this service's `run()`; nothing else
/// touches it, so there is no de-duplication race. A tick on the wall clock advances the engine (so
/// escalations fire without waiting for an event) and picks up acknowledgements and resolutions made
/// by other processes through the store.
///
/// - Important: A bad message never throws out of ``run()``: it is dead-lettered, counted and logged.
public final class IngestPipeline: Service {
    private let configuration: DaemonConfiguration
    private let store: TicketStore
    private let logger: Logger
    private let status: DaemonStatus
    private let makeSession: @Sendable () async throws -> ProcessingSession

    /// Creates the service.
    /// - Parameters:
    ///   - configuration: broker and batching settings.
    ///   - store: where tickets, dead letters and seen events go.
    ///   - status: shared counters and health, read by the HTTP side and tests.
    ///   - logger: the service's logger.
    ///   - makeSession: restores the processing session (rules, registry, tickets) when the service starts.
    public init(
        configuration: DaemonConfiguration,
        store: TicketStore,
        status: DaemonStatus,
        logger: Logger,
        makeSession: @escaping @Sendable () async throws -> ProcessingSession
    ) {
        self.configuration = configuration
        self.store = store
        self.status = status
        self.logger = logger
        self.makeSession = makeSession
    }

    private enum Input: Sendable {
        case messages([MQTTMessage])
        case tick
    }

    /// Connects, subscribes and processes until graceful shutdown; then stops receiving, drains what was
    /// buffered, commits it and returns.
    public func run() async throws {
        var session = try await makeSession()
        var revision = try await store.currentRevision()
        let mqtt = try MQTTConfiguration(daemon: configuration.mqtt)
        logger.info("connecting to broker", metadata: ["mqtt.broker": "\(mqtt.host):\(mqtt.port)"])
        try await MQTTClient.withClient(configuration: mqtt, logger: logger) { client in
            let qos: QoS = configuration.mqtt.qos == 0 ? .atMostOnce : .atLeastOnce
            for topic in configuration.mqtt.topics {
                try await client.subscribe(topic, qos: qos)
            }
            status.setBrokerConnected(true)
            logger.info("ingesting", metadata: ["mqtt.topics": "\(configuration.mqtt.topics.joined(separator: ","))"])
            let batches = MessageBatches(messages: client.messages, maximum: configuration.batchSize)
            let ticks = AsyncTimerSequence(interval: configuration.tickInterval, clock: .continuous)
                .cancelOnGracefulShutdown()
            let inputs = merge(batches.map { Input.messages($0) }, ticks.map { _ in Input.tick })
            try await withGracefulShutdownHandler {
                for await input in inputs {
                    switch input {
                    case .messages(let messages):
                        let now = WallClock.now()
                        for message in messages {
                            session.ingest(topic: message.topic, payload: message.payload, receivedAt: now)
                        }
                    case .tick:
                        status.setBrokerConnected(client.isConnected)
                        session.advance(to: WallClock.now())
                        revision = try await pickUpExternalChanges(since: revision, into: &session)
                    }
                    try await commit(&session)
                    if Task.isCancelled { break }
                }
            } onGracefulShutdown: {
                client.stopReceiving()
            }
        }
        status.setBrokerConnected(false)
        logger.info("ingest stopped")
    }

    /// Commits the session's pending results in one transaction and logs ticket lifecycle changes.
    private func commit(_ session: inout ProcessingSession) async throws {
        let output = try await session.commit()
        for update in output.updates where update.action != .occurred {
            logger.info(
                "ticket \(update.action.rawValue)",
                metadata: [
                    "ticket.id": "\(update.ticket.id)", "rule.id": "\(update.ticket.rule)",
                    "site.id": "\(update.ticket.site)", "ticket.severity": "\(update.ticket.severity.rawValue)",
                ]
            )
        }
        for letter in output.deadLetters {
            logger.warning(
                "event rejected",
                metadata: ["mqtt.topic": "\(letter.topic)", "event.reject_reason": "\(letter.reason)"]
            )
        }
        status.record(output)
    }

    /// Tells the engine about tickets changed by people (CLI, API) since `revision`.
    private func pickUpExternalChanges(
        since revision: Int64,
        into session: inout ProcessingSession
    ) async throws
        -> Int64
    {
        let (tickets, latest) = try await store.changesSince(revision: revision)
        for ticket in tickets {
            session.apply(external: ticket)
        }
        return latest
    }
}

/// Batches of messages from the client's buffer, as an async sequence (one hand-off per batch).
struct MessageBatches: AsyncSequence, Sendable {
    typealias Element = [MQTTMessage]
    let messages: MQTTMessages
    let maximum: Int

    struct Iterator: AsyncIteratorProtocol {
        var base: MQTTMessages.Iterator
        let maximum: Int

        mutating func next() async -> [MQTTMessage]? {
            await base.nextBatch(maximum: maximum)
        }
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(base: messages.makeAsyncIterator(), maximum: maximum)
    }
}
