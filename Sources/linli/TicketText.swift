import Foundation
import LinliCore

/// How tickets are printed by the CLI: the contract JSON, a table, or a detailed page.
enum TicketText {
    /// `cli:` and the login name, for the history's actor.
    static var defaultActor: String {
        "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "operator")
    }

    /// A JSON array in the contract shape.
    static func jsonArray(_ tickets: [Ticket]) -> String {
        Ticket.jsonArray(tickets, pretty: true)
    }

    /// One ticket in the contract shape.
    static func json(_ ticket: Ticket) -> String {
        ticket.json(pretty: true)
    }

    /// A table, one ticket a line.
    static func table(_ tickets: [Ticket]) -> String {
        guard !tickets.isEmpty else { return "no tickets" }
        let header = ["ID", "SEVERITY", "STATUS", "LVL", "N", "TEAM", "RULE", "SUBJECT", "OPENED", "TITLE"]
        let rows = tickets.map { ticket in
            [
                ticket.id, ticket.severity.rawValue, ticket.status.rawValue, "\(ticket.escalationLevel)",
                "\(ticket.occurrences)", ticket.team, ticket.rule, ticket.subject.description,
                ticket.openedAt.description, ticket.title,
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// A page for one ticket: fields, why it was raised, history.
    static func details(_ ticket: Ticket) -> String {
        var lines = [
            "\(ticket.id)  \(ticket.title)",
            "  status      \(ticket.status.rawValue) (level \(ticket.escalationLevel), \(ticket.occurrences) occurrence(s))",
            "  severity    \(ticket.severity.rawValue), team \(ticket.team)",
            "  site        \(ticket.site), \(ticket.subject)" + (ticket.location.isEmpty ? "" : ", \(ticket.location)"),
            "  opened      \(ticket.openedAt); acknowledge by \(ticket.ackDueAt?.description ?? "-"), "
                + "resolve by \(ticket.resolveDueAt?.description ?? "-")",
            "  why         rule '\(ticket.rule)' (version \(ticket.ruleVersion)) fired on event(s) "
                + ticket.evidence.joined(separator: ", "),
            "  description \(ticket.description)",
        ]
        if let resolution = ticket.resolution {
            lines.append("  resolution  \(resolution) at \(ticket.resolvedAt?.description ?? "-")")
        }
        lines.append("  history")
        for entry in ticket.history {
            lines.append("    \(entry.at)  \(entry.action.rawValue)  \(entry.actor)" + (entry.note.map { "  \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
