public import LinliCore
public import TicketStore

/// Runs recorded messages through the rules with no broker, in event time: what `linli replay` does.
///
/// The engine's clock follows the events (each event moves it to its own time; the wall clock is never
/// read), so the same messages give the same tickets, ids included, however fast they are replayed. Messages
/// go through a ``ProcessingSession`` exactly as in the live pipeline: decoded and checked against the
/// contract (a bad one becomes a dead letter), de-duplicated, shown to the rules; what they produce is
/// committed every ``chunkSize`` messages (while a transaction is being written, what gathers meanwhile commits
/// in one once it ends), so a long capture is not held in one transaction. Replaying a file in two parts
/// against one store gives what replaying it whole gives.
///
/// ```swift
/// var replayer = try await Replayer.start(rules: rules, registry: registry, store: try TicketStore.inMemory())
/// for line in lines { try await replayer.replay(line) }
/// let summary = try await replayer.finish()
/// let tickets = try await replayer.store.tickets(matching: TicketFilter())
/// ```
public struct Replayer: Sendable {
    /// Messages per committed transaction by default.
    public static let defaultChunkSize = 10_000
    /// Messages between two yields of the task.
    static let yieldInterval = 512

    /// The store tickets, dead letters and engine state are committed to.
    public var store: TicketStore { session.store }
    /// Messages per committed transaction.
    public let chunkSize: Int
    /// What has been replayed so far (committed or not).
    public private(set) var summary = ReplaySummary()

    private var session: ProcessingSession
    private var uncommitted = 0
    private var committer = BackgroundCommitter()

    private init(session: ProcessingSession, chunkSize: Int) {
        self.session = session
        self.chunkSize = chunkSize
    }

    /// Restores a session from `store` (empty or not) and returns a replayer on it.
    /// - Parameters:
    ///   - rules: the rules in force.
    ///   - registry: the site registry.
    ///   - store: the ticket store; an existing one is continued from.
    ///   - deduplicationCapacity: how many applied event ids to remember against redelivery.
    ///   - timing: the session's timing; replay follows event time (``ProcessingSession/Timing/replay``).
    ///   - chunkSize: messages per committed transaction (at least 1).
    public static func start(
        rules: RuleSet,
        registry: SiteRegistry,
        store: TicketStore,
        deduplicationCapacity: Int = 200_000,
        timing: ProcessingSession.Timing = .replay,
        chunkSize: Int = Replayer.defaultChunkSize
    ) async throws -> Replayer {
        let session = try await ProcessingSession.restore(
            rules: rules,
            registry: registry,
            store: store,
            deduplicationCapacity: deduplicationCapacity,
            timing: timing
        )
        return Replayer(session: session, chunkSize: max(1, chunkSize))
    }

    /// The engine's clock: the latest event time seen (`nil` before the first applied event).
    public var clock: EventTime? {
        session.processor.engine.epoch == nil ? nil : session.processor.engine.now
    }

    /// Replays one capture line.
    public mutating func replay(_ line: CaptureLine) async throws {
        try await replay(topic: line.topic, payload: line.payload, at: line.at)
    }

    /// Replays one message; commits when a chunk is full and the previous commit has been written (or
    /// `CommitSchedule.backlogBatches` chunks are waiting).
    ///
    /// A valid event moves the engine's clock to its time (timers due by then fire first). A message that is
    /// rejected is kept as a dead letter received at `at` when the capture recorded it, else at the engine's
    /// clock (the latest event time), so the outcome never depends on when the replay runs.
    /// - Parameters:
    ///   - topic: the MQTT topic.
    ///   - payload: the payload bytes.
    ///   - at: when the message was received, if the capture says.
    public mutating func replay(topic: String, payload: [UInt8], at: EventTime?) async throws {
        let receivedAt = at ?? session.processor.engine.now
        session.ingest(topic: topic, payload: payload, receivedAt: receivedAt)
        summary.messages += 1
        uncommitted += 1
        // While a transaction is written, chunks gather up to the daemon's backlog of batches.
        if uncommitted >= chunkSize && (!committer.isBusy || uncommitted >= CommitSchedule.backlogBatches * chunkSize) {
            try await commit()
        } else if summary.messages % Self.yieldInterval == 0 {
            // A long replay is CPU work on the cooperative pool: let other tasks (a daemon in the same
            // process, other tests) run now and then.
            await Task.yield()
        }
    }

    /// Commits what is pending and returns the summary of the whole replay: the tickets then stand as they
    /// are at the last event's time.
    @discardableResult
    public mutating func finish() async throws -> ReplaySummary {
        try await commit()
        try await committer.wait()
        summary.lastEventTime = clock
        return summary
    }

    /// Starts committing the pending results in one transaction (the next chunk is processed meanwhile) and
    /// adds them to the summary.
    private mutating func commit() async throws {
        let (output, commit) = session.takeCommit()
        uncommitted = 0
        summary.add(output)
        guard let commit else { return }
        try await committer.submit { [store] in try await store.commit(commit.batch()) }
    }
}
