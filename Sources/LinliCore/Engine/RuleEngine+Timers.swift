internal import OrderedCollections

extension RuleEngine {
    /// Handles one due timer.
    mutating func fire(_ timer: TimerQueue.Entry, lateNote: String?, into updates: inout [TicketUpdate]) {
        switch timer.purpose {
        case .escalate(let key):
            escalate(key, due: timer.due, lateNote: lateNote, into: &updates)
        case .quiet(let key):
            quietArmed.remove(key)
            resolveIfQuiet(key, due: timer.due, into: &updates)
        case .opening(let key):
            openingExpired(key, due: timer.due, lateNote: lateNote, into: &updates)
        case .absence(let key):
            states[key]?.absenceArmed = false
            silenceReached(key, due: timer.due, lateNote: lateNote, into: &updates)
        case .deviceAbsence(let slot):
            states[slot].absenceArmed = false
            silenceReached(states.key(of: slot), due: timer.due, lateNote: lateNote, into: &updates)
        case .daily(let key):
            dailyDeadlineReached(key, due: timer.due, lateNote: lateNote, into: &updates)
        }
    }

    // MARK: - Watching subjects

    /// The limit of an absence rule for a subject, or `nil` when the rule does not watch it.
    func watchedLimit(_ absence: Absence, subject: Subject, site: String) -> Duration? {
        switch subject {
        case .device(let id): Self.watchedLimit(absence, subject: subject, deviceKind: registry.device(id, at: site)?.kind, resident: nil)
        case .resident(let id): Self.watchedLimit(absence, subject: subject, deviceKind: nil, resident: registry.resident(id, at: site))
        }
    }

    /// ``watchedLimit(_:subject:site:)`` for the subject of the event in `context` (its key's subject), reading
    /// the context's registry look-ups in place.
    func watchedLimit(_ absence: Absence, subject: Subject, context: inout RuleContext) -> Duration? {
        Self.watchedLimit(
            absence,
            subject: subject,
            deviceKind: context.isDeviceRegistered ? context.event.kind : nil,
            resident: context.resident
        )
    }

    /// The limit for a subject given its registry entry (a registered device's kind for a device, `resident` for
    /// a resident).
    private static func watchedLimit(_ absence: Absence, subject: Subject, deviceKind: DeviceKind?, resident: Resident?) -> Duration? {
        switch (absence.watch, subject) {
        case (.devices, .device): deviceKind.flatMap { absence.limit(for: $0) }
        case (.residents, .resident): resident != nil ? absence.limit(for: nil) : nil
        case (.residentsLivingAlone, .resident): resident?.livingAlone == true ? absence.limit(for: nil) : nil
        default: nil
        }
    }

    /// Every (rule, subject) a daily-deadline rule watches, in a fixed order (sites, then residents, by id).
    func watchedKeys(of rule: Rule) -> [DedupKey] {
        registry.sites.values.sorted(by: { $0.id < $1.id }).flatMap { site in
            site.residents.keys.sorted().map { DedupKey(rule: rule.id, site: site.id, subject: .resident($0)) }
        }
    }

    /// A subject an absence rule watches: its key, its limit and, for a device whose state lives in a dense table,
    /// its slot (so that starting to watch it hashes nothing).
    struct WatchedSubject {
        var key: DedupKey
        var limit: Duration
        var slot: SubjectStates.Slot?
    }

    /// Every (rule, subject) the absence rule at `ruleIndex` watches with the subject's limit, in a fixed order
    /// (sites, then subjects, by id), reading each registry entry once.
    func watchedAbsences(of rule: Rule, at ruleIndex: Int, _ absence: Absence) -> [WatchedSubject] {
        var watched: [WatchedSubject] = []
        for site in registry.sites.values.sorted(by: { $0.id < $1.id }) {
            let table = absence.watch == .devices ? states.table(rule: ruleIndex, site: site.id) : nil
            // Sorted as (id, slot, limit) triples: small to move, unlike whole registry entries.
            let limits: [(id: String, slot: SubjectStates.Slot?, limit: Duration)] =
                absence.watch == .devices
                ? site.devices.keys.indices.compactMap { position in
                    let id = site.devices.keys[position]
                    let slot = table.map { SubjectStates.Slot(table: $0, device: Int32(position)) }
                    return Self.watchedLimit(absence, subject: .device(id), deviceKind: site.devices.values[position].kind, resident: nil)
                        .map { (id, slot, $0) }
                }
                : site.residents.compactMap { id, resident in
                    Self.watchedLimit(absence, subject: .resident(id), deviceKind: nil, resident: resident).map { (id, nil, $0) }
                }
            for (id, slot, limit) in limits.sorted(by: { $0.id < $1.id }) {
                let subject: Subject = absence.watch == .devices ? .device(id) : .resident(id)
                watched.append(WatchedSubject(key: DedupKey(rule: rule.id, site: site.id, subject: subject), limit: limit, slot: slot))
            }
        }
        return watched
    }

    /// The first time the engine learns: absence rules start counting silence, daily deadlines are set.
    mutating func startWatching(at time: EventTime) {
        epoch = time
        now = max(now, time)
        clockDirty = true
        scheduleWatches(firstStart: true)
    }

    /// Schedules the absence and daily-deadline timers of every watched subject from its state.
    ///
    /// A watched subject never heard from is silent since a start of its own, persisted so that a restart keeps
    /// counting from then: at the first start of watching, the start, in the ``WatchRoster`` (one blob for all);
    /// after a restart, the roster's start if the roster holds it; otherwise (added by a reload, or to the
    /// registry while the daemon was stopped) now, in a state row of its own.
    /// - Parameter firstStart: the engine has just learnt the time for the first time.
    mutating func scheduleWatches(firstStart: Bool = false) {
        guard let epoch else { return }
        let since = max(epoch, now)
        let absences = rules.rules.enumerated().map { ruleIndex, rule -> [WatchedSubject] in
            guard case .absence(let absence) = rule.trigger else { return [] }
            return watchedAbsences(of: rule, at: ruleIndex, absence)
        }
        // A fresh engine stores a state for every watched subject: size the keyed table once instead of growing it
        // (the dense tables are sized already).
        if states.isEmpty {
            states.reserveKeyedCapacity(absences.reduce(0) { count, watched in count + watched.count { $0.slot == nil } })
        }
        let restoredRoster = roster
        roster = nil
        var rostered: [UInt64] = []
        for (rule, watched) in zip(rules.rules, absences) {
            for subject in watched {
                // The roster is searched only for a subject never heard from.
                var rosteredStart: EventTime?
                let start = {
                    rosteredStart = firstStart ? nil : restoredRoster?.start(of: subject.key)
                    return rosteredStart ?? since
                }
                let (changed, due) =
                    if let slot = subject.slot {
                        Self.startWatching(&states[slot], limit: subject.limit, since: start)
                    } else {
                        Self.startWatching(&states[subject.key, default: SubjectState()], limit: subject.limit, since: start)
                    }
                if changed {
                    if firstStart {
                        rostered.append(WatchRoster.hash(subject.key))
                    } else if rosteredStart == nil {
                        states.markChanged(subject.key)
                    }
                }
                if let due { timers.schedule(absenceTimer(subject.key, slot: subject.slot), at: due) }
            }
            if case .dailyDeadline = rule.trigger {
                // Residents share a few deadline times: work out each local day once, not once per resident.
                var days: [DailyDeadlineKey: (start: EventTime, deadline: EventTime)] = [:]
                for key in watchedKeys(of: rule) { scheduleDaily(key, after: since, firstDay: true, days: &days) }
            }
        }
        if firstStart { rosterToStore = WatchRoster(since: since, hashes: rostered) }
    }

    /// Starts watching one subject's silence, in place: a subject never heard from is silent since `since()`
    /// (asked only for such a subject). Returns whether the state changed (and must be stored) and when to arm its
    /// absence timer, if it must be armed (it is then marked armed).
    private static func startWatching(
        _ state: inout SubjectState,
        limit: Duration,
        since: () -> EventTime
    ) -> (changed: Bool, arm: EventTime?) {
        var changed = false
        if state.lastSeen == nil {
            state.lastSeen = since()
            changed = true
        }
        guard !state.silenceReported, !state.absenceArmed, let lastSeen = state.lastSeen else { return (changed, nil) }
        state.absenceArmed = true
        return (changed, lastSeen + limit)
    }

    /// Sets the subject's next daily deadline; on the first day, the one of the day containing `time` if it
    /// is still ahead.
    mutating func scheduleDaily(_ key: DedupKey, after time: EventTime, firstDay: Bool = false) {
        var days: [DailyDeadlineKey: (start: EventTime, deadline: EventTime)] = [:]
        scheduleDaily(key, after: time, firstDay: firstDay, days: &days)
    }

    /// ``scheduleDaily(_:after:firstDay:)`` for many subjects at once, with the days already worked out for
    /// the same `time`.
    private mutating func scheduleDaily(
        _ key: DedupKey,
        after time: EventTime,
        firstDay: Bool,
        days: inout [DailyDeadlineKey: (start: EventTime, deadline: EventTime)]
    ) {
        guard case .resident(let id) = key.subject, let minutes = registry.resident(id, at: key.site)?.checkinBy,
            let calendar = lookup.calendars[key.site]
        else { return }
        let dayKey = DailyDeadlineKey(site: key.site, minutes: minutes)
        let next =
            days[dayKey]
            ?? (firstDay
                ? calendar.nextDeadline(after: time - .milliseconds(1), deadlineMinutes: minutes)
                : calendar.nextDeadline(after: time, deadlineMinutes: minutes))
        days[dayKey] = next
        dailyDue[key] = next
        timers.schedule(.daily(key), at: next.deadline)
    }

    /// Rebuilds every timer from the tickets and states of a restored engine (a start or a reload), whose
    /// states have no absence timer armed yet.
    mutating func rebuildTimers() {
        timers.removeAll()
        quietArmed.removeAll()
        dailyDue.removeAll()
        for ticket in unresolved.values.sorted(by: { $0.id < $1.id }) {
            if let rule = rules[ticket.rule] { scheduleTicketTimers(ticket, rule: rule) }
        }
        // Only keyed states hold openings (the dense tables are absence rules').
        for (key, state) in states.keyed.sorted(by: { $0.key.description < $1.key.description }) {
            guard let rule = rules[key.rule] else { continue }
            if let opening = state.opening, case .notFollowed(_, _, let within) = rule.trigger {
                timers.schedule(.opening(key), at: opening.time + within)
            }
        }
        scheduleWatches()
    }

    // MARK: - Timer outcomes

    private mutating func openingExpired(
        _ key: DedupKey,
        due: EventTime,
        lateNote: String?,
        into updates: inout [TicketUpdate]
    ) {
        guard let rule = rules[key.rule], case .notFollowed(_, _, let within) = rule.trigger,
            let opening = states[key]?.opening, opening.time + within == due
        else { return }
        states[key]?.opening = nil
        forgetIfEmpty(key)
        states.markChanged(key)
        var context = syntheticContext(rule, key: key, at: due)
        raise(rule, key: key, at: due, evidence: [opening.id], context: &context, note: lateNote, into: &updates)
    }

    private mutating func silenceReached(
        _ key: DedupKey,
        due: EventTime,
        lateNote: String?,
        into updates: inout [TicketUpdate]
    ) {
        guard let rule = rules[key.rule], case .absence(let absence) = rule.trigger,
            let limit = watchedLimit(absence, subject: key.subject, site: key.site)
        else { return }
        var state = states[key] ?? SubjectState()
        let lastSeen = state.lastSeen ?? epoch ?? due
        guard !state.silenceReported else { return }
        guard lastSeen + limit <= due else {
            armAbsence(key, state: &state, at: lastSeen + limit)
            states[key] = state
            return
        }
        state.lastSeen = lastSeen
        state.silenceReported = true
        states[key] = state
        states.markChanged(key)
        let note = "no sign of life since \(lastSeen) (limit \(limit.shortText))"
        var context = syntheticContext(rule, key: key, at: due)
        raise(rule, key: key, at: due, evidence: [], context: &context, note: joined(note, lateNote), into: &updates)
    }

    /// Schedules the subject's absence timer for `due` and marks it pending in `state` (the caller checked that
    /// none was, and stores `state`).
    private mutating func armAbsence(_ key: DedupKey, state: inout SubjectState, at due: EventTime) {
        state.absenceArmed = true
        timers.schedule(absenceTimer(key), at: due)
    }

    /// The absence timer of a subject: by slot for a state in a dense table (a compact timer), else by key.
    /// - Parameter known: the subject's dense slot when the caller has it (else it is looked up).
    func absenceTimer(_ key: DedupKey, slot known: SubjectStates.Slot? = nil) -> TimerQueue.Purpose {
        (known ?? states.denseSlot(of: key)).map(TimerQueue.Purpose.deviceAbsence) ?? .absence(key)
    }

    private mutating func dailyDeadlineReached(
        _ key: DedupKey,
        due: EventTime,
        lateNote: String?,
        into updates: inout [TicketUpdate]
    ) {
        guard let day = dailyDue[key], day.deadline == due, let rule = rules[key.rule] else { return }
        dailyDue[key] = nil
        scheduleDaily(key, after: due)
        if let lastSeen = states[key]?.lastSeen, lastSeen >= day.start { return }
        let note = "no check-in between local midnight (\(day.start)) and \(due)"
        var context = syntheticContext(rule, key: key, at: due)
        raise(rule, key: key, at: due, evidence: [], context: &context, note: joined(note, lateNote), into: &updates)
    }

    private mutating func resolveIfQuiet(_ key: DedupKey, due: EventTime, into updates: inout [TicketUpdate]) {
        guard let ticket = unresolved[key], let rule = rules[ticket.rule], case .quiet(let quiet) = rule.autoResolve
        else { return }
        let last = max(states[key]?.lastMatch ?? ticket.lastEventAt, ticket.lastEventAt)
        guard last + quiet <= due else {
            quietArmed.insert(key)
            timers.schedule(.quiet(key), at: last + quiet)
            return
        }
        resolve(ticket, at: due, note: "quiet for \(quiet.shortText)", into: &updates)
    }

    /// A context for a ticket raised by a timer: an event-less moment about the subject, so templates can
    /// name the device, the resident and the location.
    func syntheticContext(_ rule: Rule, key: DedupKey, at time: EventTime) -> RuleContext {
        let device: String
        var data = EventData()
        switch key.subject {
        case .device(let id):
            device = id
        case .resident(let id):
            device = lookup.residentDevice[key.site]?[id] ?? ""
            data.resident = id
        }
        let kind = registry.device(device, at: key.site)?.kind ?? .care
        let types = rule.trigger.types
        let type =
            EventType.allCases.first { types.contains($0) && $0.kind == kind }
            ?? EventType.allCases.first { $0.kind == kind } ?? .careHeartbeat
        let event = Event(id: "", site: key.site, device: device, type: type, time: time, data: data)
        return RuleContext(event: event, registry: registry)
    }

    func joined(_ note: String, _ lateNote: String?) -> String {
        lateNote.map { "\(note); \($0)" } ?? note
    }
}

/// A site and a local deadline time: residents with the same have the same next deadline after a given time.
private struct DailyDeadlineKey: Hashable {
    let site: String
    let minutes: Int
}
