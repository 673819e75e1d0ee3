public import LinliCore
public import TicketStore

/// The processor and the store together: restore the engine from the store, feed it messages and time, and
/// commit what it decides, one transaction per batch.
///
/// The live pipeline and `linli replay` both work through a session, so they restore, process and persist in
/// exactly the same way: replaying a file in two parts against one store gives what replaying it whole gives.
public struct ProcessingSession: Sendable {
    /// The processor; its engine is the single owner of rule state.
    public private(set) var processor: EventProcessor
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
    public static func restore(
        rules: RuleSet,
        registry: SiteRegistry,
        store: TicketStore,
        deduplicationCapacity: Int
    ) async throws -> ProcessingSession {
        let unresolved = try await store.unresolvedTickets()
        let next = try await store.maxTicketNumber() + 1
        let engine = RuleEngine(rules: rules, registry: registry, nextTicketNumber: next, unresolved: unresolved)
        var deduplicator = EventDeduplicator(capacity: deduplicationCapacity)
        for seen in try await store.seenEvents(since: EventTime(milliseconds: 0)).suffix(deduplicationCapacity) {
            _ = deduplicator.insert(source: seen.source, id: seen.id)
        }
        return ProcessingSession(processor: EventProcessor(engine: engine, deduplicator: deduplicator), store: store)
    }

    private init(processor: EventProcessor, store: TicketStore) {
        self.processor = processor
        self.store = store
    }

    /// Decodes and applies one message (a bad one becomes a dead letter).
    public mutating func ingest(topic: String, payload: [UInt8], receivedAt: EventTime) {
        processor.ingest(topic: topic, payload: payload, receivedAt: receivedAt, into: &pending)
    }

    /// Moves the engine's clock on, collecting what fires.
    public mutating func advance(to time: EventTime) {
        processor.advance(to: time, into: &pending)
    }

    /// Tells the engine about a ticket changed by a person.
    public mutating func apply(external ticket: Ticket) {
        processor.engine.apply(external: ticket)
    }

    /// Commits everything pending in one transaction and returns it (empty output: nothing written).
    @discardableResult
    public mutating func commit() async throws -> ProcessorOutput {
        let output = pending
        pending.removeAll()
        guard !output.isEmpty else { return output }
        try await store.commit(
            IngestBatch(
                changes: output.updates.map(TicketChange.init),
                deadLetters: output.deadLetters,
                seenEvents: output.seen,
                engineState: [:]
            )
        )
        return output
    }
}
