extension RuleEngine {
    /// Shows an event to one rule's trigger (the rule at `index` of the rule set) and updates the subject's state.
    mutating func evaluate(_ rule: RuleBox, index: Int, context: inout RuleContext, into updates: inout [TicketUpdate]) {
        switch rule.rule.trigger {
        case .event(let matcher):
            guard matcher.matches(&context), let key = key(rule, &context) else { return }
            noteMatch(rule, key: key, at: context.event.time)
            raise(rule.rule, key: key, at: context.event.time, evidence: [context.event.id], context: &context, into: &updates)
        case .count(let matcher, let threshold, let within):
            guard matcher.matches(&context), let key = key(rule, &context) else { return }
            noteMatch(rule, key: key, at: context.event.time)
            guard let window = recordInWindow(key, context.event, threshold: threshold, within: within) else { return }
            raise(rule.rule, key: key, at: context.event.time, evidence: window, context: &context, into: &updates)
        case .notFollowed(let opening, let closing, let within):
            guard let key = key(rule, &context) else { return }
            if closing.matches(&context) {
                close(key, at: context.event.time)
            } else if opening.matches(&context) {
                open(key, context.event, within: within)
            }
        case .absence(let absence):
            guard absence.signs.matches(&context) else { return }
            // Only absence rules about devices have dense tables.
            if let position = context.deviceIndex, let slot = states.slot(rule: index, site: context.event.site, device: position) {
                // A registered device of a rule with a dense table: the kind was checked against the registry.
                guard let limit = absence.limit(for: context.event.kind) else { return }
                touch(slot, at: context.event.time, absenceLimit: limit)
                return
            }
            guard let key = key(rule, &context),
                let limit = watchedLimit(absence, subject: key.subject, context: &context)
            else { return }
            touch(key, at: context.event.time, absenceLimit: limit)
        case .dailyDeadline(let matcher):
            guard matcher.matches(&context), let key = key(rule, &context), dailyDue[key] != nil else { return }
            touch(key, at: context.event.time, absenceLimit: nil)
        }
    }

    /// Resolves the subject's ticket when the event matches the rule's auto-resolve condition and is not
    /// older than the ticket's last trigger.
    mutating func autoResolve(_ box: RuleBox, context: inout RuleContext, into updates: inout [TicketUpdate]) {
        guard !unresolved.isEmpty, case .event(let matcher) = box.rule.autoResolve, let key = key(box, &context),
            let ticket = unresolved[key], context.event.time >= ticket.lastEventAt, matcher.matches(&context)
        else { return }
        resolve(ticket, at: context.event.time, note: "cleared by event \(context.event.id)", into: &updates)
    }

    /// The de-duplication key of the event for this rule, if the event has the rule's subject.
    func key(_ rule: RuleBox, _ context: inout RuleContext) -> DedupKey? {
        rule.rule.subject(of: context).map { DedupKey(rule: rule.rule.id, site: context.event.site, subject: $0) }
    }

    // MARK: - Windows

    /// Records a match in the subject's window; returns the evidence (the ids of `threshold` matches within
    /// `within` that include this one) when the window is full.
    private mutating func recordInWindow(
        _ key: DedupKey,
        _ event: Event,
        threshold: Int,
        within: Duration
    )
        -> [String]?
    {
        var state = states[key] ?? SubjectState()
        let match = SubjectState.Match(time: event.time, id: event.id)
        let position = state.recent.lastIndex { $0.time <= event.time }.map { $0 + 1 } ?? 0
        state.recent.insert(match, at: position)
        let keep = 2 * threshold - 1
        if state.recent.count > keep { state.recent.removeFirst(state.recent.count - keep) }
        state.recent.removeAll { $0.time < now - within - within }
        states[key] = state
        states.markChanged(key)
        // Where the new match sits now that older ones were trimmed (gone if it was the oldest).
        guard let index = state.recent.lastIndex(of: match) else { return nil }
        let times = state.recent
        guard times.count >= threshold else { return nil }
        for start in 0...(times.count - threshold) {
            let end = start + threshold - 1
            guard start <= index, index <= end, times[end].time - times[start].time <= within else { continue }
            return times[start...end].map(\.id)
        }
        return nil
    }

    // MARK: - Not followed by

    private mutating func open(_ key: DedupKey, _ event: Event, within: Duration) {
        var state = states[key] ?? SubjectState()
        guard state.opening == nil else { return }
        state.opening = SubjectState.Match(time: event.time, id: event.id)
        states[key] = state
        states.markChanged(key)
        timers.schedule(.opening(key), at: event.time + within)
    }

    private mutating func close(_ key: DedupKey, at time: EventTime) {
        guard let opening = states[key]?.opening, opening.time <= time else { return }
        states[key]?.opening = nil
        forgetIfEmpty(key)
        states.markChanged(key)
    }

    // MARK: - Signs of life and quiet periods

    /// Records a sign of life for an absence rule (with the subject's limit) or a daily-deadline rule (`nil`).
    ///
    /// The hot path of `device-offline`, which every event touches: one hash look-up updates the state in place.
    private mutating func touch(_ key: DedupKey, at time: EventTime, absenceLimit: Duration?) {
        let (lastSeen, wasArmed) = Self.noteSignOfLife(at: time, arming: absenceLimit != nil, in: &states[key, default: SubjectState()])
        states.markChanged(key)
        if let limit = absenceLimit, !wasArmed {
            timers.schedule(absenceTimer(key), at: lastSeen + limit)
        }
    }

    /// ``touch(_:at:absenceLimit:)`` for a state in a dense table: no key is built and nothing is hashed.
    private mutating func touch(_ slot: SubjectStates.Slot, at time: EventTime, absenceLimit limit: Duration) {
        let (lastSeen, wasArmed) = Self.noteSignOfLife(at: time, arming: true, in: &states[slot])
        states.markChanged(slot)
        if !wasArmed {
            timers.schedule(.deviceAbsence(slot), at: lastSeen + limit)
        }
    }

    /// Moves a state's last sign of life to `time` (never back), clears a reported silence and, when `arming`,
    /// marks its absence timer pending; returns the last sign of life and whether the timer was pending before.
    private static func noteSignOfLife(
        at time: EventTime,
        arming: Bool,
        in state: inout SubjectState
    ) -> (lastSeen: EventTime, wasArmed: Bool) {
        let lastSeen = max(state.lastSeen ?? time, time)
        let wasArmed = state.absenceArmed
        state.lastSeen = lastSeen
        state.silenceReported = false
        state.absenceArmed = wasArmed || arming
        return (lastSeen, wasArmed)
    }

    /// Remembers the latest matching trigger event of a rule that resolves after a quiet period.
    private mutating func noteMatch(_ rule: RuleBox, key: DedupKey, at time: EventTime) {
        guard case .quiet(let quiet) = rule.rule.autoResolve else { return }
        var state = states[key] ?? SubjectState()
        state.lastMatch = max(state.lastMatch ?? time, time)
        states[key] = state
        states.markChanged(key)
        if unresolved[key] != nil, quietArmed.insert(key).inserted {
            timers.schedule(.quiet(key), at: (state.lastMatch ?? time) + quiet)
        }
    }

    /// Drops a subject's state once there is nothing left to remember.
    mutating func forgetIfEmpty(_ key: DedupKey) {
        if states[key]?.isEmpty == true { states[key] = nil }
    }
}
