internal import OrderedCollections

/// Decides which tickets to open, add occurrences to, escalate or resolve.
///
/// A value type with no I/O and no clock: feed events with ``process(_:)``, move time on with
/// ``advance(to:late:)``, and persist the returned ``TicketUpdate``s together with ``takeStateChanges()``.
/// Replaying the same events gives the same decisions, however they are batched. Its state has one owner
/// (the daemon's pipeline, or a replay), so there is no de-duplication race.
///
/// ```swift
/// var engine = RuleEngine(rules: rules, registry: registry)
/// let updates = engine.process(event)                               // open / occurred / resolved
/// let later = engine.advance(to: event.time + .seconds(600))        // escalations, absences, deadlines
/// ```
///
/// Rules run in event time. Per event, only rules whose trigger or auto-resolve can match its type are
/// looked at (``RuleSet``'s per-type index); per-subject state is in hash maps and timers in a priority
/// queue, so the cost of an event does not grow with the number of rules or subjects.
///
/// An event older than the engine's clock (out of order, within the processor's lateness) is still applied:
/// windows insert it in time order, signs of life keep the latest time, and an auto-resolving event only
/// resolves a ticket whose last trigger is not later than it.
public struct RuleEngine: Sendable {
    /// The rules in force.
    public internal(set) var rules: RuleSet
    /// The registry in force.
    public internal(set) var registry: SiteRegistry
    /// The engine's clock: the latest event time or advance seen (0 before the first).
    public internal(set) var now: EventTime
    /// When the engine first knew the time: absence and daily-deadline rules watch from then.
    public internal(set) var epoch: EventTime?
    /// The number the next ticket gets.
    public internal(set) var nextTicketNumber: Int
    /// Unresolved tickets by de-duplication key (history omitted).
    public internal(set) var unresolved: [DedupKey: Ticket] = [:]
    /// Per-subject state: dense tables for the absence rules that watch every device, an ordered dictionary for
    /// the rest (see ``SubjectStates``).
    var states = SubjectStates()
    var timers = TimerQueue()
    /// Keys with a quiet-period timer pending (at most one each). A pending absence timer is a flag in the
    /// subject's state instead (``SubjectState/absenceArmed``): there is one per watched subject.
    var quietArmed: Set<DedupKey> = []
    /// Daily deadlines pending, with the start of their local day.
    var dailyDue: [DedupKey: (start: EventTime, deadline: EventTime)] = [:]
    var clockDirty = false
    /// The roster restored with the state, until the restore's start of watching has read it.
    var roster: WatchRoster?
    /// The roster made by the start of watching, until ``takeStateChanges()`` takes it.
    var rosterToStore: WatchRoster?
    let lookup: RegistryLookup

    /// Creates an engine, optionally restoring it.
    /// - Parameters:
    ///   - rules: the rules in force.
    ///   - registry: the site registry.
    ///   - nextTicketNumber: the number of the next ticket (one past the store's highest).
    ///   - unresolved: tickets not yet resolved, restored from the store.
    ///   - state: the blobs of a previous ``takeStateChanges()`` (windows, deadlines, last-seen times, clock).
    public init(
        rules: RuleSet,
        registry: SiteRegistry,
        nextTicketNumber: Int = 1,
        unresolved: [Ticket] = [],
        state: [String: [UInt8]] = [:]
    ) {
        self.rules = rules
        self.registry = registry
        self.nextTicketNumber = nextTicketNumber
        self.now = EventTime(milliseconds: 0)
        self.lookup = RegistryLookup(registry: registry)
        self.states = SubjectStates(rules: rules, registry: registry)
        for ticket in unresolved where ticket.status != .resolved {
            var copy = ticket
            copy.history = []
            self.unresolved[ticket.dedupKey] = copy
        }
        restoreState(state)
        rebuildTimers()
    }

    /// Applies one event: fires timers due up to its time, resolves what it clears, raises or adds to
    /// what it triggers.
    public mutating func process(_ event: Event) -> [TicketUpdate] {
        process(DecodedEvent(event: event))
    }

    /// ``process(_:)`` given the registry entries the decoder found for the event.
    mutating func process(_ decoded: consuming DecodedEvent) -> [TicketUpdate] {
        var updates = advance(to: decoded.event.time)
        let typeIndex = decoded.event.type.index
        let plan = rules.plan(for: decoded.event.site)
        let resolvers = plan.resolvedBy[typeIndex]
        let triggers = plan.triggeredBy[typeIndex]
        guard !resolvers.isEmpty || !triggers.isEmpty else { return updates }
        let boxes = rules.boxes
        var context = RuleContext(decoded: decoded, registry: registry)
        for ruleIndex in resolvers {
            autoResolve(boxes[ruleIndex], context: &context, into: &updates)
        }
        for ruleIndex in triggers {
            evaluate(boxes[ruleIndex], index: ruleIndex, context: &context, into: &updates)
        }
        return updates
    }

    /// Moves the clock to `time` (never backwards) and fires every timer due by then, in due order.
    ///
    /// - Parameter late: the timers fire after the fact (the daemon was not running when they were due);
    ///   their history entries say so.
    public mutating func advance(to time: EventTime, late: Bool = false) -> [TicketUpdate] {
        if epoch == nil { startWatching(at: time) }
        var updates: [TicketUpdate] = []
        let lateNote = late ? "late: fired at \(time), after the daemon was not running" : nil
        while let timer = timers.popDue(at: time) {
            now = max(now, timer.due)
            fire(timer, lateNote: lateNote, into: &updates)
        }
        if time > now {
            now = time
            clockDirty = true
        }
        return updates
    }

    /// Takes in a change made outside the engine (a person acknowledged, resolved or reopened a ticket).
    ///
    /// An acknowledged ticket stops escalating; a resolved one frees its key, so the next trigger opens a
    /// new ticket; a reopened one is tracked again.
    public mutating func apply(external ticket: Ticket) {
        let key = ticket.dedupKey
        switch ticket.status {
        case .resolved:
            if unresolved[key]?.id == ticket.id { unresolved[key] = nil }
        case .open, .acknowledged:
            guard unresolved[key] == nil || unresolved[key]?.id == ticket.id else { return }
            let wasTracked = unresolved[key] != nil
            var copy = ticket
            copy.history = []
            unresolved[key] = copy
            if !wasTracked, let rule = rules[ticket.rule] { scheduleTicketTimers(copy, rule: rule) }
        }
    }

    /// Replaces the rules and registry (a reload), keeping every ticket and the state of rules that remain.
    public mutating func reload(rules: RuleSet, registry: SiteRegistry) {
        let unstoredRoster = rosterToStore
        self = RuleEngine(
            rules: rules,
            registry: registry,
            nextTicketNumber: nextTicketNumber,
            unresolved: Array(unresolved.values),
            state: encodeAllState()
        )
        rosterToStore = unstoredRoster
    }

    /// The earliest pending timer, so a live shell knows when to call ``advance(to:late:)`` next.
    public var nextTimerDue: EventTime? { timers.nextDue }

    /// Number of subjects with remembered state (windows, deadlines, last-seen times).
    public var trackedSubjects: Int { states.count }
}

/// Registry look-ups the engine needs that the registry does not index: a resident's care device, a site's
/// calendar.
struct RegistryLookup: Sendable {
    /// Site → resident → the first of their care devices (by id), for the location of resident tickets.
    let residentDevice: [String: [String: String]]
    /// Site → local calendar.
    let calendars: [String: LocalCalendar]

    init(registry: SiteRegistry) {
        var residentDevice: [String: [String: String]] = [:]
        var calendars: [String: LocalCalendar] = [:]
        for (id, site) in registry.sites {
            var devices: [String: String] = [:]
            for device in site.devices.values.sorted(by: { $0.id < $1.id }) {
                if let resident = device.resident, devices[resident] == nil { devices[resident] = device.id }
            }
            residentDevice[id] = devices
            calendars[id] = LocalCalendar(timeZone: site.timeZone)
        }
        self.residentDevice = residentDevice
        self.calendars = calendars
    }
}
