extension RuleEngine {
    // MARK: - Raising

    /// Opens a ticket for the key, or adds an occurrence to its unresolved one.
    mutating func raise(
        _ rule: Rule,
        key: DedupKey,
        at time: EventTime,
        evidence: [String],
        context: inout RuleContext,
        note: String? = nil,
        into updates: inout [TicketUpdate]
    ) {
        let actor = "rule:\(rule.id)"
        let because = evidence.isEmpty ? nil : "event \(evidence.joined(separator: ", "))"
        let entryNote = [because, note].compactMap { $0 }.joined(separator: "; ")
        if var ticket = unresolved[key] {
            ticket.occurrences += 1
            ticket.lastEventAt = max(ticket.lastEventAt, time)
            ticket.updatedAt = max(ticket.updatedAt, time)
            for id in evidence where !ticket.evidence.contains(id) { ticket.addEvidence(id) }
            unresolved[key] = ticket
            let entry = HistoryEntry(at: time, action: .occurred, actor: actor, note: entryNote.isEmpty ? nil : entryNote)
            updates.append(TicketUpdate(ticket: ticket, entry: entry))
            return
        }
        let ticket = makeTicket(rule, key: key, at: time, evidence: evidence, context: &context)
        unresolved[key] = ticket
        scheduleTicketTimers(ticket, rule: rule)
        let entry = HistoryEntry(at: time, action: .opened, actor: actor, note: entryNote.isEmpty ? nil : entryNote)
        updates.append(TicketUpdate(ticket: ticket, entry: entry))
    }

    private mutating func makeTicket(
        _ rule: Rule,
        key: DedupKey,
        at time: EventTime,
        evidence: [String],
        context: inout RuleContext
    ) -> Ticket {
        let number = nextTicketNumber
        let device = context.device
        nextTicketNumber += 1
        var ticket = Ticket(
            id: TicketID.make(number),
            site: key.site,
            rule: rule.id,
            ruleVersion: rule.version,
            title: rule.title.render(&context),
            description: rule.description.render(&context),
            severity: rule.severity,
            team: rule.team,
            status: .open,
            subject: key.subject,
            location: device?.location ?? "",
            lat: device?.lat,
            long: device?.long,
            openedAt: time,
            updatedAt: time,
            ackDueAt: rule.ackWithin.map { time + $0 },
            resolveDueAt: rule.resolveWithin.map { time + $0 },
            occurrences: 1,
            lastEventAt: time
        )
        for id in evidence { ticket.addEvidence(id) }
        return ticket
    }

    /// Schedules a ticket's escalation and, for quiet auto-resolve, its quiet timer.
    mutating func scheduleTicketTimers(_ ticket: Ticket, rule: Rule) {
        scheduleEscalation(for: ticket, rule: rule)
        if case .quiet(let quiet) = rule.autoResolve, quietArmed.insert(ticket.dedupKey).inserted {
            let last = max(states[ticket.dedupKey]?.lastMatch ?? ticket.lastEventAt, ticket.lastEventAt)
            timers.schedule(.quiet(ticket.dedupKey), at: last + quiet)
        }
    }

    // MARK: - Escalating

    private mutating func scheduleEscalation(for ticket: Ticket, rule: Rule) {
        guard ticket.status == .open, let ackDue = ticket.ackDueAt,
            let due = rule.escalation.nextStep(after: ticket.escalationLevel, ackDue: ackDue)
        else { return }
        timers.schedule(.escalate(ticket.dedupKey), at: due)
    }

    mutating func escalate(_ key: DedupKey, due: EventTime, lateNote: String?, into updates: inout [TicketUpdate]) {
        guard var ticket = unresolved[key], ticket.status == .open, let rule = rules[ticket.rule],
            let ackDue = ticket.ackDueAt, rule.escalation.nextStep(after: ticket.escalationLevel, ackDue: ackDue) == due
        else { return }
        ticket.escalationLevel += 1
        ticket.severity = ticket.severity.raised
        ticket.updatedAt = max(ticket.updatedAt, due)
        unresolved[key] = ticket
        scheduleEscalation(for: ticket, rule: rule)
        let note =
            "level \(ticket.escalationLevel), severity \(ticket.severity.rawValue): not acknowledged by \(ackDue)"
        let entry = HistoryEntry(at: due, action: .escalated, actor: "rule:\(rule.id)", note: joined(note, lateNote))
        updates.append(TicketUpdate(ticket: ticket, entry: entry))
    }

    // MARK: - Resolving

    mutating func resolve(_ ticket: Ticket, at time: EventTime, note: String, into updates: inout [TicketUpdate]) {
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
