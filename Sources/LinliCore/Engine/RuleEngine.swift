/// Decides which tickets to open, add occurrences to, escalate or resolve.
///
/// A value type with no I/O and no clock: feed events in order with ``process(_:)``, move time on with
/// ``advance(to:)``, and persist the returned ``TicketUpdate``s. Replaying the same events gives the same
/// decisions. Its state has one owner (the daemon's pipeline, or a replay), so there is no de-duplication race.
///
/// ```swift
/// var engine = RuleEngine(rules: rules, registry: registry)
/// let updates = engine.process(event)        // open / occurred / resolved
/// let later = engine.advance(to: event.time + .seconds(600))   // escalations
/// ```
///
/// Per event, only rules whose trigger or auto-resolve can match its type are looked at (``RuleSet``'s
/// per-type index), and per-subject state is in hash maps, so the cost does not grow with the number of
/// rules or subjects.
public struct RuleEngine: Sendable {
    /// The rules in force.
    public private(set) var rules: RuleSet
    /// The registry in force.
    public private(set) var registry: SiteRegistry
    /// The engine's clock: the latest event time or advance seen.
    public private(set) var now: EventTime
    /// The number the next ticket gets.
    public private(set) var nextTicketNumber: Int
    /// Unresolved tickets by de-duplication key (history omitted).
    public private(set) var unresolved: [DedupKey: Ticket] = [:]
    private var timers = TimerQueue()

    /// Creates an engine.
    /// - Parameters:
    ///   - rules: the rules in force.
    ///   - registry: the site registry.
    ///   - nextTicketNumber: the number of the next ticket (one past the store's highest).
    ///   - unresolved: tickets not yet resolved, restored from the store; their escalations are rescheduled.
    ///   - now: the engine's starting clock.
    public init(
        rules: RuleSet,
        registry: SiteRegistry,
        nextTicketNumber: Int = 1,
        unresolved: [Ticket] = [],
        now: EventTime = EventTime(milliseconds: 0)
    ) {
        self.rules = rules
        self.registry = registry
        self.nextTicketNumber = nextTicketNumber
        self.now = now
        for ticket in unresolved where ticket.status != .resolved {
            restore(ticket)
        }
    }

    /// Applies one event: fires timers due up to its time, resolves what it clears, raises or adds to
    /// what it triggers.
    public mutating func process(_ event: Event) -> [TicketUpdate] {
        var updates = advance(to: event.time)
        let typeIndex = event.type.index
        let resolvers = rules.resolvedBy[typeIndex]
        let triggers = rules.triggeredBy[typeIndex]
        guard !resolvers.isEmpty || !triggers.isEmpty else { return updates }
        var context = RuleContext(event: event, registry: registry)
        for ruleIndex in resolvers {
            autoResolve(rules.rules[ruleIndex], context: &context, into: &updates)
        }
        for ruleIndex in triggers {
            let rule = rules.rules[ruleIndex]
            if case .event(let matcher) = rule.trigger, matcher.matches(&context) {
                fire(rule, context: &context, into: &updates)
            }
        }
        return updates
    }

    /// Moves the clock to `time` (never backwards) and fires every timer due by then, in due order.
    public mutating func advance(to time: EventTime) -> [TicketUpdate] {
        var updates: [TicketUpdate] = []
        while let timer = timers.popDue(at: time) {
            now = max(now, timer.due)
            switch timer.purpose {
            case .escalate(let key): escalate(key, due: timer.due, into: &updates)
            case .quiet(let key): resolveIfQuiet(key, due: timer.due, into: &updates)
            }
        }
        now = max(now, time)
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
            var copy = ticket
            copy.history = []
            if unresolved[key] == nil || unresolved[key]?.id == ticket.id {
                let wasTracked = unresolved[key] != nil
                unresolved[key] = copy
                if !wasTracked { scheduleTimers(for: copy) }
            }
        }
    }

    /// Replaces the rules and registry (a reload), keeping every ticket and timer.
    public mutating func reload(rules: RuleSet, registry: SiteRegistry) {
        self.rules = rules
        self.registry = registry
    }

    /// The earliest pending timer, so a live shell knows when to call ``advance(to:)`` next.
    public var nextTimerDue: EventTime? { timers.nextDue }

    // MARK: - Raising

    private mutating func fire(_ rule: Rule, context: inout RuleContext, into updates: inout [TicketUpdate]) {
        guard let subject = rule.subject(of: context) else { return }
        let event = context.event
        let key = DedupKey(rule: rule.id, site: event.site, subject: subject)
        let actor = "rule:\(rule.id)"
        if var ticket = unresolved[key] {
            ticket.occurrences += 1
            ticket.lastEventAt = max(ticket.lastEventAt, event.time)
            ticket.updatedAt = max(ticket.updatedAt, event.time)
            ticket.addEvidence(event.id)
            unresolved[key] = ticket
            if case .quiet(let quiet) = rule.autoResolve { timers.schedule(.quiet(key), at: event.time + quiet) }
            let entry = HistoryEntry(at: event.time, action: .occurred, actor: actor, note: "event \(event.id)")
            updates.append(TicketUpdate(ticket: ticket, entry: entry))
            return
        }
        let ticket = makeTicket(rule, key: key, context: &context)
        unresolved[key] = ticket
        scheduleTimers(for: ticket)
        let entry = HistoryEntry(at: event.time, action: .opened, actor: actor, note: "event \(event.id)")
        updates.append(TicketUpdate(ticket: ticket, entry: entry))
    }

    private mutating func makeTicket(_ rule: Rule, key: DedupKey, context: inout RuleContext) -> Ticket {
        let event = context.event
        let number = nextTicketNumber
        nextTicketNumber += 1
        return Ticket(
            id: TicketID.make(number),
            site: event.site,
            rule: rule.id,
            ruleVersion: rule.version,
            title: rule.title.render(&context),
            description: rule.description.render(&context),
            severity: rule.severity,
            team: rule.team,
            status: .open,
            subject: key.subject,
            location: context.device?.location ?? "",
            lat: context.device?.lat,
            long: context.device?.long,
            openedAt: event.time,
            updatedAt: event.time,
            ackDueAt: rule.ackWithin.map { event.time + $0 },
            resolveDueAt: rule.resolveWithin.map { event.time + $0 },
            occurrences: 1,
            lastEventAt: event.time,
            evidence: [event.id]
        )
    }

    private mutating func restore(_ ticket: Ticket) {
        var copy = ticket
        copy.history = []
        unresolved[ticket.dedupKey] = copy
        scheduleTimers(for: copy)
    }

    private mutating func scheduleTimers(for ticket: Ticket) {
        guard let rule = rules[ticket.rule] else { return }
        scheduleEscalation(for: ticket, rule: rule)
        if case .quiet(let quiet) = rule.autoResolve {
            timers.schedule(.quiet(ticket.dedupKey), at: ticket.lastEventAt + quiet)
        }
    }

    // MARK: - Escalating

    private mutating func scheduleEscalation(for ticket: Ticket, rule: Rule) {
        guard ticket.status == .open, let ackDue = ticket.ackDueAt,
            let due = rule.escalation.nextStep(after: ticket.escalationLevel, ackDue: ackDue)
        else { return }
        timers.schedule(.escalate(ticket.dedupKey), at: due)
    }

    private mutating func escalate(_ key: DedupKey, due: EventTime, into updates: inout [TicketUpdate]) {
        guard var ticket = unresolved[key], ticket.status == .open, let rule = rules[ticket.rule],
            let ackDue = ticket.ackDueAt, rule.escalation.nextStep(after: ticket.escalationLevel, ackDue: ackDue) == due
        else { return }
        ticket.escalationLevel += 1
        ticket.severity = ticket.severity.raised
        ticket.updatedAt = max(ticket.updatedAt, due)
        unresolved[key] = ticket
        scheduleEscalation(for: ticket, rule: rule)
        let note = "level \(ticket.escalationLevel), severity \(ticket.severity.rawValue): not acknowledged by \(ackDue)"
        let entry = HistoryEntry(at: due, action: .escalated, actor: "rule:\(rule.id)", note: note)
        updates.append(TicketUpdate(ticket: ticket, entry: entry))
    }

    // MARK: - Resolving

    private mutating func autoResolve(_ rule: Rule, context: inout RuleContext, into updates: inout [TicketUpdate]) {
        guard case .event(let matcher) = rule.autoResolve, let subject = rule.subject(of: context) else { return }
        let key = DedupKey(rule: rule.id, site: context.event.site, subject: subject)
        guard let ticket = unresolved[key], context.event.time >= ticket.lastEventAt, matcher.matches(&context)
        else { return }
        resolve(ticket, at: context.event.time, note: "cleared by event \(context.event.id)", into: &updates)
    }

    private mutating func resolveIfQuiet(_ key: DedupKey, due: EventTime, into updates: inout [TicketUpdate]) {
        guard let ticket = unresolved[key], let rule = rules[ticket.rule], case .quiet(let quiet) = rule.autoResolve,
            ticket.lastEventAt + quiet <= due
        else { return }
        resolve(ticket, at: due, note: "quiet for \(quiet.shortText)", into: &updates)
    }

    private mutating func resolve(
        _ ticket: Ticket,
        at time: EventTime,
        note: String,
        into updates: inout [TicketUpdate]
    ) {
        var ticket = ticket
        ticket.status = .resolved
        ticket.resolvedAt = time
        ticket.resolution = "auto"
        ticket.updatedAt = max(ticket.updatedAt, time)
        unresolved[ticket.dedupKey] = nil
        let entry = HistoryEntry(at: time, action: .resolved, actor: "rule:\(ticket.rule)", note: note)
        updates.append(TicketUpdate(ticket: ticket, entry: entry))
    }
}
