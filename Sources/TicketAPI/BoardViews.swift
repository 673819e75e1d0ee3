import Foundation
import LinliCore

/// The values the board's templates show, built from tickets, rules and the ledger: translated names,
/// local times, countdowns and flags. Plain dictionaries, as Mustache reads them.
struct BoardViews {
    let renderer: BoardRenderer
    let rules: RuleSet
    let language: BoardLanguage
    let now: EventTime

    private var strings: [String: String] { BoardStrings.table(language) }

    /// The board's order: most severe first, then the nearest deadline, then the oldest.
    static func boardOrder(_ left: Ticket, _ right: Ticket) -> Bool {
        if left.severity != right.severity { return left.severity > right.severity }
        let leftDue = TicketDeadline(for: left)?.due.milliseconds ?? .max
        let rightDue = TicketDeadline(for: right)?.due.milliseconds ?? .max
        if leftDue != rightDue { return leftDue < rightDue }
        return (left.openedAt, left.id) < (right.openedAt, right.id)
    }

    /// A card on the board.
    func card(_ ticket: Ticket) -> [String: Any] {
        var card = common(ticket)
        card["url"] = BoardRenderer.url("/tickets/\(ticket.id)", [("lang", language.rawValue)])
        return card
    }

    /// The fields both the card and the ticket page show.
    func common(_ ticket: Ticket) -> [String: Any] {
        var values: [String: Any] = [
            "id": ticket.id,
            "title": ticket.title,
            "status": ticket.status.rawValue,
            "status_name": BoardStrings.status(ticket.status, language),
            "severity": ticket.severity.rawValue,
            "severity_name": BoardStrings.severity(ticket.severity, language),
            "site": ticket.site,
            "site_name": renderer.siteName(ticket.site),
            "team": ticket.team,
            "team_name": BoardStrings.team(ticket.team, language),
            "location": ticket.location.isEmpty ? "—" : ticket.location,
            "escalated": ticket.escalationLevel > 0,
            "level": String(ticket.escalationLevel),
            "repeated": ticket.occurrences > 1,
            "occurrences": String(ticket.occurrences),
            "overdue": TicketDeadline.isOverdue(ticket, at: now),
        ]
        if let deadline = TicketDeadline(for: ticket) {
            values["deadline"] = self.deadline(deadline, site: ticket.site)
        } else {
            values["deadline"] = false
        }
        return values
    }

    /// A countdown: label, local time, server-side text, and the due time for the script.
    func deadline(_ deadline: TicketDeadline, site: String) -> [String: Any] {
        let left = deadline.due - now
        let late = deadline.due < now
        let format = (late ? strings["due_over"] : strings["due_left"]) ?? "%@"
        let magnitude = late ? now - deadline.due : left
        return [
            "label": (deadline.kind == .acknowledge ? strings["ack_by"] : strings["resolve_by"]) ?? "",
            "iso": RFC3339.format(deadline.due),
            "local": renderer.localTime(deadline.due, site: site, withDate: false),
            "ms": String(deadline.due.milliseconds),
            "late": late,
            "text": format.replacingOccurrences(of: "%@", with: BoardStrings.duration(magnitude, language)),
        ]
    }

    /// Everything the ticket page shows.
    func page(_ ticket: Ticket) -> [String: Any] {
        var values = common(ticket)
        let site = ticket.site
        func local(_ time: EventTime?) -> String {
            time.map { renderer.localTime($0, site: site) } ?? "—"
        }
        values["description"] = ticket.description
        values["subject"] = ticket.subject.description
        values["coordinates"] = coordinates(ticket) ?? false
        values["opened_iso"] = RFC3339.format(ticket.openedAt)
        values["opened_local"] = local(ticket.openedAt)
        values["ack_due_local"] = local(ticket.ackDueAt)
        values["resolve_due_local"] = local(ticket.resolveDueAt)
        values["acknowledged_local"] = ticket.acknowledgedAt.map { local($0) } ?? false
        values["resolved_local"] = ticket.resolvedAt.map { local($0) } ?? false
        values["resolution"] = ticket.resolution ?? false
        values["last_event_local"] = local(ticket.lastEventAt)
        values["evidence"] = ticket.evidence.reversed() as [String]
        values["history"] = ticket.history.map { entry -> [String: Any] in
            [
                "iso": RFC3339.format(entry.at),
                "local": renderer.localTime(entry.at, site: site),
                "action": entry.action.rawValue,
                "action_name": BoardStrings.action(entry.action, language),
                "actor": entry.actor,
                "note": entry.note ?? "",
            ]
        }
        values["rule_id"] = ticket.rule
        values["rule_version"] = ticket.ruleVersion
        if let rule = rules[ticket.rule] {
            values["rule_name"] = rule.name
            values["rule_summary"] = rule.summary.isEmpty ? false : rule.summary
            values["rule_origin"] = rule.origin.isEmpty ? false : rule.origin
            values["rule_note"] = rule.version == ticket.ruleVersion ? false : (strings["rule_changed"] ?? "")
            var sla: [String] = []
            if let ack = rule.ackWithin { sla.append("\(strings["sla_ack"] ?? "") \(ack.shortText)") }
            if let resolve = rule.resolveWithin { sla.append("\(strings["sla_resolve"] ?? "") \(resolve.shortText)") }
            values["rule_sla"] = sla.isEmpty ? false : sla.joined(separator: ", ")
        } else {
            values["rule_name"] = ticket.rule
            values["rule_summary"] = false
            values["rule_origin"] = false
            values["rule_sla"] = false
            values["rule_note"] = strings["rule_missing"] ?? ""
        }
        return values
    }

    /// The forms the ticket page offers for its status.
    func actions(for ticket: Ticket) -> [[String: Any]] {
        let available: [TicketAction] =
            switch ticket.status {
            case .open: [.ack, .resolve, .comment]
            case .acknowledged: [.resolve, .comment]
            case .resolved: [.reopen, .comment]
            }
        return available.map { action in
            [
                "action": action.rawValue,
                "label": strings["act_\(action.rawValue)"] ?? action.rawValue,
                "placeholder": strings[
                    action == .comment ? "comment_placeholder" : action == .resolve ? "resolve_placeholder" : "note_placeholder"
                ] ?? "",
                "note_required": action.requiresNote,
            ]
        }
    }

    /// The ledger table.
    func ledger(_ ledger: Ledger) -> [String: Any] {
        func row(_ row: Ledger.Row, total: Bool) -> [String: Any] {
            [
                "class": total ? "total" : "",
                "site": row.site,
                "team": row.team,
                "site_name": total ? (strings["total"] ?? "") : renderer.siteName(row.site),
                "team_name": total ? "" : BoardStrings.team(row.team, language),
                "open": String(row.open),
                "overdue": String(row.overdue),
                "opened": String(row.opened),
                "resolved": String(row.resolved),
                "ack_sla": Ledger.percentText(row.acknowledgedInTime),
                "resolve_sla": Ledger.percentText(row.resolvedInTime),
                "ack_median": spread(row.timeToAcknowledge.median),
                "ack_p90": spread(row.timeToAcknowledge.p90),
                "resolve_median": spread(row.timeToResolve.median),
                "resolve_p90": spread(row.timeToResolve.p90),
            ]
        }
        return [
            "rows": ledger.rows.map { row($0, total: false) } + [row(ledger.total, total: true)],
            "period_text": "\(renderer.localTime(ledger.period.from, site: nil)) – "
                + renderer.localTime(ledger.period.to, site: nil),
        ]
    }

    private func spread(_ duration: Duration?) -> String {
        duration.map { BoardStrings.duration($0, language) } ?? "–"
    }

    private func coordinates(_ ticket: Ticket) -> String? {
        guard let lat = ticket.lat, let long = ticket.long else { return nil }
        return "\(lat), \(long)"
    }
}
