import AsyncAlgorithms
public import LinliCore
public import Logging
import Mosquitto
public import ServiceLifecycle
public import TicketStore
import UnixSignals

/// The daemon's heart: receives messages from the broker, runs them through the ``EventProcessor`` and
/// commits what they produce in group commits, written while the next batch is processed
/// (``BackgroundCommitter``): ticket changes at once, the rest after `pipeline.batch_size` messages or
/// `pipeline.commit_delay_ms` (``CommitSchedule``), and while a transaction is being written, all that
/// gathered meanwhile as soon as it ends.
///
/// The session (and so all rule-engine state) has one owner: this service's `run()`; nothing else
/// touches it, so there is no de-duplication race. A tick on the wall clock advances the engine (so
/// escalations fire without waiting for an event) and picks up acknowledgements and resolutions made
/// by other processes through the store.
///
/// Every message is appended to the ``InboxJournal`` on the MQTT network thread before libmosquitto's
/// callback returns (the broker already counts it as delivered); each batch commits the journal position it
/// includes with its tickets, and a restart first applies what the journal holds past that position.
///
/// - Important: A bad message never throws out of ``run()``: it is dead-lettered, counted and logged.
public final class IngestPipeline: Service {
    private let configuration: DaemonConfiguration
    private let store: TicketStore
    private let logger: Logger
    private let status: DaemonStatus
    private let makeSession: @Sendable () async throws -> ProcessingSession
    private let onCommit: @Sendable (ProcessorOutput, Duration) -> Void
    private let onReload: @Sendable (RuleSet, SiteRegistry) -> Void

    /// Creates the service.
    /// - Parameters:
    ///   - configuration: broker and batching settings.
    ///   - store: where tickets, dead letters and seen events go.
    ///   - status: shared counters and health, read by the HTTP side and tests.
    ///   - logger: the service's logger.
    ///   - makeSession: restores the processing session (rules, registry, tickets) when the service starts.
    ///   - onCommit: told of each committed batch and how long its transaction took (metrics, the ticket feed).
    ///   - onReload: told of the rules and sites a reload put in force (the HTTP side shows the same).
    public init(
        configuration: DaemonConfiguration,
        store: TicketStore,
        status: DaemonStatus,
        logger: Logger,
        makeSession: @escaping @Sendable () async throws -> ProcessingSession,
        onCommit: @escaping @Sendable (ProcessorOutput, Duration) -> Void = { _, _ in },
        onReload: @escaping @Sendable (RuleSet, SiteRegistry) -> Void = { _, _ in }
    ) {
        self.configuration = configuration
        self.store = store
        self.status = status
        self.logger = logger
        self.makeSession = makeSession
        self.onCommit = onCommit
        self.onReload = onReload
    }

    private enum Input: Sendable {
        case messages([MQTTMessage])
        /// Every configured filter is subscribed (`nil`), or one could not be (the error).
        case subscribed((any Error)?)
        case tick
        case reload
        /// The commit delay has passed, or the transaction in flight has ended: results held back are committed
        /// if still pending.
        case flush
    }

    /// Subscribes to the configured topics in a task of its own, so that a persistent session's backlog, which the
    /// broker sends before its SUBACK, is processed while it arrives (with back-pressure) rather than buffered whole
    /// and processed after. The sequence yields one ``Input/subscribed(_:)`` and ends.
    private func subscribe(_ client: MQTTClient) -> (AsyncStream<Input>, Task<Void, Never>) {
        let (outcomes, outcome) = AsyncStream.makeStream(of: Input.self)
        let qos: QoS = configuration.mqtt.qos == 0 ? .atMostOnce : .atLeastOnce
        let topics = configuration.mqtt.topics
        let task = Task {
            do {
                for topic in topics {
                    try await client.subscribe(topic, qos: qos, consumingConcurrently: true)
                }
                outcome.yield(.subscribed(nil))
            } catch {
                outcome.yield(.subscribed(error))
            }
            outcome.finish()
        }
        return (outcomes, task)
    }

    /// Records each loss of the broker connection in the status as the client reports it, until the client shuts
    /// down.
    private func watchConnection(_ client: MQTTClient) -> Task<Void, Never> {
        let events = client.makeConnectionEvents()
        return Task { [status] in
            for await event in events {
                switch event {
                case .disconnected, .refused: status.recordBrokerDisconnect()
                case .connected: break
                }
            }
        }
    }

    /// Connects, subscribes and processes until graceful shutdown; then stops receiving, drains what was
    /// buffered, commits it and returns.
    public func run() async throws {
        var session = try await makeSession()
        var revision = try await store.currentRevision()
        var inbox = try await InboxProgress.open(configuration: configuration, store: store, logger: logger)
        defer { inbox.journal.close() }
        let (commitsEnded, commitEnded) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var committer = BackgroundCommitter(onFinished: { commitEnded.yield() })
        try await replayJournal(into: &session, inbox: &inbox, committer: &committer)
        let mqtt = try MQTTConfiguration(daemon: configuration.mqtt)
        logger.info("connecting to broker", metadata: ["mqtt.broker": "\(mqtt.host):\(mqtt.port)"])
        let journal = inbox.journal
        let onReceive: MQTTClient.ReceiveHook = { [status, logger] message in
            // On the network thread, before libmosquitto's callback returns: the message is durable before
            // anything else happens to it.
            do {
                message.tag = try journal.append(topic: message.topic, payload: message.payload, receivedAt: WallClock.now())
            } catch {
                status.recordJournalFailure()
                logger.error(
                    "inbox journal: a message could not be written; it is processed from memory only",
                    metadata: ["journal.error": "\(error)"]
                )
            }
        }
        try await MQTTClient.withClient(configuration: mqtt, logger: logger, onReceive: onReceive) { client in
            let (subscribed, subscribing) = subscribe(client)
            defer { subscribing.cancel() }
            let watching = watchConnection(client)
            defer { watching.cancel() }
            var isSubscribed = false
            let batches = MessageBatches(messages: client.messages, maximum: configuration.batchSize)
            let ticks = AsyncTimerSequence(interval: configuration.tickInterval, clock: .continuous)
                .cancelOnGracefulShutdown()
            let reloads = await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown()
            let flushInterval = configuration.commitDelay > .zero ? configuration.commitDelay : configuration.tickInterval
            let flushes = AsyncTimerSequence(interval: flushInterval, clock: .continuous).cancelOnGracefulShutdown()
            // Messages go through one merge only (each level is a task hop); the rare inputs share the inner ones.
            let inputs = merge(
                batches.map { Input.messages($0) },
                merge(subscribed, ticks.map { _ in Input.tick }, reloads.map { _ in Input.reload }),
                merge(flushes.map { _ in Input.flush }, commitsEnded.cancelOnGracefulShutdown().map { Input.flush })
            )
            var schedule = CommitSchedule(
                delay: configuration.commitDelay,
                batchSize: configuration.batchSize,
                start: .now
            )
            try await withGracefulShutdownHandler {
                for await input in inputs {
                    switch input {
                    case .messages(let messages):
                        let now = WallClock.now()
                        let times = journal.receivedAt(sequences: messages.lazy.map(\.tag))
                        for (message, receivedAt) in zip(messages, times) {
                            session.ingest(topic: message.topic, payload: message.payload, receivedAt: receivedAt ?? now)
                            inbox.take(message.tag)
                        }
                        schedule.processed(messages: messages.count)
                    case .subscribed(let failure):
                        if let failure { throw failure }
                        isSubscribed = true
                        status.setBrokerConnected(true)
                        logger.info("ingesting", metadata: ["mqtt.topics": "\(configuration.mqtt.topics.joined(separator: ","))"])
                    case .tick:
                        status.setBrokerConnected(isSubscribed && client.isConnected)
                        inbox.report(to: status)
                        session.tick(wallClock: WallClock.now())
                        revision = try await pickUpExternalChanges(since: revision, into: &session)
                        schedule.changed()
                    case .reload:
                        reload(&session)
                        schedule.changed()
                    case .flush:
                        break
                    }
                    let now = ContinuousClock.now
                    let hasTicketChanges = !session.pending.updates.isEmpty
                    if schedule.shouldCommit(withTicketChanges: hasTicketChanges, committerBusy: committer.isBusy, at: now) {
                        try await submitCommit(&session, inbox: &inbox, committer: &committer)
                        schedule.committed(at: now)
                    }
                    if Task.isCancelled { break }
                }
                try await submitCommit(&session, inbox: &inbox, committer: &committer)
                try await committer.wait()
            } onGracefulShutdown: {
                client.stopReceiving()
            }
        }
        status.setBrokerConnected(false)
        logger.info("ingest stopped")
    }

    /// Starts committing the session's pending results, with the journal position they include, in one
    /// transaction, once the previous one is durable; the loop goes on with the next messages meanwhile.
    private func submitCommit(
        _ session: inout ProcessingSession,
        inbox: inout InboxProgress,
        committer: inout BackgroundCommitter
    ) async throws {
        let (output, commit) = session.takeCommit(extraState: inbox.stateToCommit)
        let journalCommit = inbox.submitted(applying: output.seen.count)
        let journal = inbox.journal
        try await committer.submit { [self] in
            let started = ContinuousClock.now
            if let commit { try await store.commit(commit.batch()) }
            didCommit(output, duration: ContinuousClock.now - started)
            try await InboxProgress.didCommit(journalCommit, journal: journal, store: store, status: status)
        }
    }

    /// Once a batch is durable: tells the ticket feed and metrics, and logs ticket lifecycle changes and
    /// rejected messages.
    private func didCommit(_ output: ProcessorOutput, duration: Duration) {
        onCommit(output, duration)
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

    /// Applies what the journal holds beyond the committed position (messages acknowledged to the broker
    /// before a crash), in batches, before connecting.
    private func replayJournal(
        into session: inout ProcessingSession,
        inbox: inout InboxProgress,
        committer: inout BackgroundCommitter
    ) async throws {
        var reader = inbox.journal.makeReader(after: inbox.committed)
        var replayed = 0
        while true {
            let records = try reader.next(maximum: configuration.batchSize)
            if records.isEmpty { break }
            for record in records {
                session.ingest(topic: record.topic, payload: record.payload, receivedAt: record.receivedAt)
                inbox.take(record.sequence)
            }
            replayed += records.count
            try await submitCommit(&session, inbox: &inbox, committer: &committer)
        }
        try await committer.wait()
        status.setJournalReplayed(replayed)
        inbox.report(to: status)
        if replayed > 0 {
            logger.notice("replayed messages from the inbox journal", metadata: ["journal.replayed": "\(replayed)"])
        }
    }

    /// Reloads rules and sites from their directories (SIGHUP); an invalid set is refused, its errors
    /// logged, and the old one keeps running with its state.
    private func reload(_ session: inout ProcessingSession) {
        do {
            let registry = try ConfigurationFiles.loadSites(from: configuration.sitesDirectory)
            let rules = try ConfigurationFiles.loadRules(from: configuration.rulesDirectory)
            session.reload(rules: rules, registry: registry)
            onReload(rules, registry)
            logger.info(
                "reloaded rules and sites",
                metadata: ["rules.count": "\(rules.rules.count)", "sites.count": "\(registry.sites.count)"]
            )
        } catch {
            for issue in error.issues {
                logger.error("reload refused: \(issue)")
            }
            logger.error("reload refused; the previous rules and sites stay in force")
        }
    }

    /// Tells the engine about tickets changed by people (CLI, API) since `revision`.
    private func pickUpExternalChanges(
        since revision: Int64,
        into session: inout ProcessingSession
    ) async throws
        -> Int64
    {
        let (tickets, latest) = try await store.peopleChangesSince(revision: revision)
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
