/// The whole path from a received message to ticket decisions, with no I/O: decode and validate, drop
/// redeliveries, run the rules.
///
/// The daemon and `linli replay` both use it, so a recorded file and live traffic give the same tickets.
/// Results accumulate in a ``ProcessorOutput`` the shell commits as one batch.
public struct EventProcessor: Sendable {
    /// The rule engine.
    public var engine: RuleEngine
    /// Memory of applied events.
    public var deduplicator: EventDeduplicator
    /// How late (behind the engine's clock) an event may be and still be applied.
    public var lateness: Duration
    /// How far ahead of the wall clock (live mode only) an event may be; `nil` accepts any future time.
    public var futureTolerance: Duration?

    /// Creates a processor.
    /// - Parameters:
    ///   - engine: the rule engine.
    ///   - deduplicator: memory of applied events.
    ///   - lateness: events older than the engine's clock minus this are rejected as `too_late`.
    ///   - futureTolerance: events further ahead than this are rejected as `too_early`.
    public init(
        engine: RuleEngine,
        deduplicator: EventDeduplicator = EventDeduplicator(),
        lateness: Duration = .seconds(3600),
        futureTolerance: Duration? = .seconds(300)
    ) {
        self.engine = engine
        self.deduplicator = deduplicator
        self.lateness = lateness
        self.futureTolerance = futureTolerance
    }

    /// Decodes one message and applies it; a bad, too late or too early one becomes a dead letter, a
    /// redelivered one is counted.
    /// - Parameters:
    ///   - topic: the MQTT topic.
    ///   - payload: the raw payload.
    ///   - receivedAt: when it arrived, for the dead letter.
    ///   - wallClock: the wall clock in live mode, the reference for events from the future; `nil` in replay
    ///     and event-clock mode, where any future time is accepted (the clock follows the events).
    ///   - output: where results accumulate.
    public mutating func ingest(
        topic: String,
        payload: [UInt8],
        receivedAt: EventTime,
        wallClock: EventTime? = nil,
        into output: inout ProcessorOutput
    ) {
        let decoded: DecodedEvent
        do {
            decoded = try Event.decoded(topic: topic, payload: payload, registry: engine.registry)
        } catch {
            output.reject(
                DeadLetter(topic: topic, reason: error.reason, detail: error.description, payload: payload, receivedAt: receivedAt)
            )
            return
        }
        if let position = decoded.deviceIndex { engine.states.prefetch(site: decoded.event.site, device: position) }
        if let problem = timeliness(of: decoded.event, wallClock: wallClock) {
            output.reject(
                DeadLetter(topic: topic, reason: problem.reason, detail: problem.detail, payload: payload, receivedAt: receivedAt)
            )
            return
        }
        apply(decoded, into: &output)
    }

    /// Why an event is too late or too early to apply, if it is.
    func timeliness(of event: Event, wallClock: EventTime?) -> (reason: String, detail: String)? {
        let clock = engine.now
        if engine.epoch != nil, event.time < clock - lateness {
            return ("too_late", "time \(event.time) is more than \(lateness.shortText) behind the engine's clock (\(clock))")
        }
        guard let futureTolerance, let reference = wallClock, event.time > reference + futureTolerance else { return nil }
        return ("too_early", "time \(event.time) is more than \(futureTolerance.shortText) ahead of the clock (\(reference))")
    }

    /// Applies one decoded event.
    public mutating func apply(_ event: Event, into output: inout ProcessorOutput) {
        apply(DecodedEvent(event: event), into: &output)
    }

    /// ``apply(_:into:)`` given the registry entries the decoder found for the event.
    mutating func apply(_ decoded: consuming DecodedEvent, into output: inout ProcessorOutput) {
        guard deduplicator.insert(source: decoded.event.source, id: decoded.event.id) else {
            output.duplicates += 1
            return
        }
        output.accepted += 1
        output.seen.append(SeenEvent(source: decoded.event.source, id: decoded.event.id, time: decoded.event.time))
        output.updates += engine.process(decoded)
        engine.forgetStale(before: engine.now - lateness, budget: Self.sweepPerEvent)
    }

    /// Keyed engine states looked at for staleness per applied event (``RuleEngine/forgetStale(before:budget:)``),
    /// and per clock advance (a tick of the daemon, which keeps the sweep going while no event comes).
    static let sweepPerEvent = 1
    static let sweepPerAdvance = 256

    /// Moves the engine's clock on (live mode: the wall clock), collecting what fires.
    /// - Parameter late: the timers fire after the fact (catching up after a restart).
    public mutating func advance(to time: EventTime, late: Bool = false, into output: inout ProcessorOutput) {
        output.updates += engine.advance(to: time, late: late)
        engine.forgetStale(before: engine.now - lateness, budget: Self.sweepPerAdvance)
    }
}

/// What a batch of ingested messages produced: everything the shell must persist in one transaction.
public struct ProcessorOutput: Sendable {
    /// Ticket decisions, in order.
    public var updates: [TicketUpdate] = []
    /// Rejected messages.
    public var deadLetters: [DeadLetter] = []
    /// Events applied (for the persisted de-duplication memory).
    public var seen: [SeenEvent] = []
    /// How many events were applied.
    public var accepted = 0
    /// How many redelivered events were ignored.
    public var duplicates = 0
    /// Rejections by reason code.
    public var rejectedByReason: [String: Int] = [:]

    /// Creates an empty output.
    public init() {}

    /// Whether nothing needs persisting.
    public var isEmpty: Bool { updates.isEmpty && deadLetters.isEmpty && seen.isEmpty }

    /// Records a rejection.
    public mutating func reject(_ letter: DeadLetter) {
        deadLetters.append(letter)
        rejectedByReason[letter.reason, default: 0] += 1
    }

    /// Empties it, keeping capacity, for the next batch.
    public mutating func removeAll() {
        updates.removeAll(keepingCapacity: true)
        deadLetters.removeAll(keepingCapacity: true)
        seen.removeAll(keepingCapacity: true)
        accepted = 0
        duplicates = 0
        rejectedByReason.removeAll(keepingCapacity: true)
    }
}
