public import LinliCore
public import TicketStore

/// The processor and the store together: restore the engine from the store, feed it messages and time, and
/// commit what it decides, one transaction per batch.
///
/// The live pipeline and `linli replay` both work through a session, so they restore, process and persist in
/// exactly the same way: replaying a file in two parts against one store gives what replaying it whole gives.
public struct ProcessingSession: Sendable {
    /// How the session handles time.
    public struct Timing: Sendable, Hashable {
        /// Whose clock the engine follows.
        public var clock: DaemonConfiguration.Clock
        /// Events further behind the engine's clock than this are rejected as `too_late`.
        public var lateness: Duration
        /// In wall-clock mode, events further ahead of the wall clock than this are rejected as `too_early`.
        public var futureTolerance: Duration

        /// Creates a timing.
        public init(clock: DaemonConfiguration.Clock, lateness: Duration, futureTolerance: Duration) {
            self.clock = clock
            self.lateness = lateness
            self.futureTolerance = futureTolerance
        }

        /// Replay: the engine follows the events; out-of-order events within an hour are applied.
        public static let replay = Timing(clock: .event, lateness: .seconds(3600), futureTolerance: .seconds(300))
    }

    /// The processor; its engine is the single owner of rule state.
    public private(set) var processor: EventProcessor
    /// How time is handled.
    public let timing: Timing
    /// Whether the next wall-clock advance is the first since the session was restored (timers it fires
    /// were due while the daemon was not running).
    private var catchingUp = true
    /// Results not yet committed.
    public private(set) var pending = ProcessorOutput()
    /// The store committed to.
    public let store: TicketStore

    /// Restores a session from the store: unresolved tickets, the next ticket number and the memory of
    /// applied events.
    /// - Parameters:
    ///   - rules: the rules in force.
    ///   - registry: the site registry.
    ///   - store: the ticket store.
    ///   - deduplicationCapacity: how many applied event ids to remember.
    ///   - timing: the clock mode, lateness and future tolerance.
    public static func restore(
        rules: RuleSet,
        registry: SiteRegistry,
        store: TicketStore,
        deduplicationCapacity: Int,
        timing: Timing = .replay
    ) async throws -> ProcessingSession {
        let unresolved = try await store.unresolvedTickets()
        let next = try await store.maxTicketNumber() + 1
        let state = try await store.allEngineState().filter { $0.key.hasPrefix(RuleEngine.stateKeyPrefix) }
        let engine = RuleEngine(
            rules: rules,
            registry: registry,
            nextTicketNumber: next,
            unresolved: unresolved,
            state: state
        )
        var deduplicator = EventDeduplicator(capacity: deduplicationCapacity)
        for seen in try await store.seenEvents(newest: deduplicationCapacity) {
            _ = deduplicator.insert(source: seen.source, id: seen.id)
        }
        // Older batches would never be loaded again: keep the table at the capacity.
        try await store.pruneSeenEvents(keepingNewest: deduplicationCapacity)
        let processor = EventProcessor(
            engine: engine,
            deduplicator: deduplicator,
            lateness: timing.lateness,
            futureTolerance: timing.futureTolerance
        )
        return ProcessingSession(processor: processor, store: store, timing: timing)
    }

    private init(processor: EventProcessor, store: TicketStore, timing: Timing) {
        self.processor = processor
        self.store = store
        self.timing = timing
    }

    /// Decodes and applies one message (a bad one becomes a dead letter).
    ///
    /// In wall-clock mode `receivedAt` is also the reference for events from the future.
    public mutating func ingest(topic: String, payload: [UInt8], receivedAt: EventTime) {
        let wallClock = timing.clock == .wall ? receivedAt : nil
        processor.ingest(topic: topic, payload: payload, receivedAt: receivedAt, wallClock: wallClock, into: &pending)
    }

    /// A tick of the wall clock: in wall-clock mode the engine advances to it (escalations, absences and
    /// deadlines fire without waiting for an event; the first tick after a restore fires, marked late, what
    /// fell due while the daemon was not running). In event-clock mode it does nothing.
    public mutating func tick(wallClock: EventTime) {
        guard timing.clock == .wall else { return }
        processor.advance(to: wallClock, late: catchingUp && processor.engine.epoch != nil, into: &pending)
        catchingUp = false
    }

    /// Replaces the rules and registry (a reload), keeping tickets and the state of rules that remain.
    public mutating func reload(rules: RuleSet, registry: SiteRegistry) {
        processor.engine.reload(rules: rules, registry: registry)
    }

    /// Moves the engine's clock on, collecting what fires.
    public mutating func advance(to time: EventTime) {
        processor.advance(to: time, into: &pending)
    }

    /// Tells the engine about a ticket changed by a person.
    public mutating func apply(external ticket: Ticket) {
        processor.engine.apply(external: ticket)
    }

    /// Commits everything pending, with the engine's changed state and `extraState` (e.g. a journal
    /// position), in one transaction, and returns it (nothing is written when there is nothing to write).
    @discardableResult
    public mutating func commit(extraState: [String: [UInt8]] = [:]) async throws -> ProcessorOutput {
        let (output, commit) = takeCommit(extraState: extraState)
        if let commit { try await store.commit(commit.batch()) }
        return output
    }

    /// Takes everything pending, with the engine's changed state and `extraState`, as one transaction for
    /// ``TicketStore/commit(_:)`` (`nil` when there is nothing to write), without encoding or writing it: the
    /// caller may do both while the session goes on with the next messages.
    ///
    /// - Important: Commit the transactions in the order they were taken.
    public mutating func takeCommit(extraState: [String: [UInt8]] = [:]) -> (output: ProcessorOutput, commit: PendingCommit?) {
        let output = pending
        pending.removeAll()
        let state = processor.engine.takeUnencodedStateChanges()
        guard !output.isEmpty || !state.isEmpty || !extraState.isEmpty else { return (output, nil) }
        return (output, PendingCommit(output: output, state: state, extraState: extraState))
    }
}

/// One transaction's worth of a session's results, taken but not yet encoded for the store.
public struct PendingCommit: Sendable {
    /// The results.
    public let output: ProcessorOutput
    let state: EngineStateChanges
    let extraState: [String: [UInt8]]

    /// The store's batch: ticket changes, dead letters, seen events and the encoded engine state.
    public func batch() -> IngestBatch {
        var engineState = EngineStateBlobs()
        state.encode(into: &engineState)
        for (key, value) in extraState { engineState.append(key: key, value: value) }
        return IngestBatch(
            changes: output.updates.map(TicketChange.init),
            deadLetters: output.deadLetters,
            seenEvents: output.seen,
            engineState: engineState
        )
    }
}
