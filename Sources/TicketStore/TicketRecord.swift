import Foundation
import GRDB
import LinliCore

/// A `ticket` row, mapped to and from Core's ``Ticket`` (without its history, which is in `ticket_history`).
struct TicketRecord: FetchableRecord {
    /// The ticket the row holds; ``Ticket/history`` is empty.
    var ticket: Ticket

    /// The columns in the order ``replaceSQL`` and ``mergeSQL`` bind them; `revision` last.
    static let columns = [
        "id", "number", "site", "rule", "rule_version", "title", "description", "severity", "team", "status",
        "subject", "device", "resident", "location", "lat", "long", "opened_at", "updated_at", "ack_due_at",
        "resolve_due_at", "acknowledged_at", "resolved_at", "resolution", "escalation_level", "occurrences",
        "last_event_at", "evidence", "revision",
    ]

    /// The columns to select to decode a record.
    static let selection = columns.map { "ticket.\($0)" }.joined(separator: ", ")

    /// Inserts a ticket, or replaces every column but `id` and `number` of the ticket with the same id:
    /// how people's transitions (acknowledge, resolve, reopen, comment) write, having read the row in the
    /// same transaction.
    static let replaceSQL = upsertSQL { column in "excluded.\(column)" }

    /// Inserts a ticket, or updates the ticket with the same id without undoing what people did to it: how
    /// the engine's decisions are written.
    ///
    /// The engine writes tickets from its own copy, which may not yet know that a person acknowledged or
    /// resolved the ticket a moment ago (it learns within a tick). So an update keeps the stored status unless
    /// the engine resolves the ticket, keeps a stored acknowledgement, never moves `updated_at` back, and
    /// keeps a person's resolution. Every other column is the engine's and is replaced.
    static let mergeSQL = upsertSQL(mergedValue(of:))

    private static func upsertSQL(_ value: (String) -> String) -> String {
        """
        INSERT INTO ticket (\(columns.joined(separator: ", ")))
        VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
        ON CONFLICT (id) DO UPDATE SET
        \(columns.dropFirst(2).map { "\($0) = \(value($0))" }.joined(separator: ",\n"))
        """
    }

    /// The value an engine update gives `column`: see ``mergeSQL``.
    private static func mergedValue(of column: String) -> String {
        switch column {
        case "status":
            "CASE WHEN ticket.status = 'resolved' OR excluded.status = 'resolved' THEN 'resolved' ELSE ticket.status END"
        case "acknowledged_at": "COALESCE(ticket.acknowledged_at, excluded.acknowledged_at)"
        case "resolved_at", "resolution":
            "CASE WHEN ticket.status = 'resolved' THEN ticket.\(column) ELSE excluded.\(column) END"
        case "updated_at": "MAX(ticket.updated_at, excluded.updated_at)"
        default: "excluded.\(column)"
        }
    }

    /// Wraps a ticket.
    init(ticket: Ticket) {
        self.ticket = ticket
    }

    /// Decodes a row selected with ``selection``.
    ///
    /// - Throws: ``TicketStoreError/corrupt(_:)`` naming the ticket and the column that does not decode.
    init(row: Row) throws {
        let id = (try? row.decode(String.self, forColumn: "id")) ?? "?"
        let reader = RowReader(row: row, table: "ticket", key: id)
        let subjectText = try reader.value("subject", as: String.self)
        guard let subject = Subject(subjectText) else {
            throw reader.corrupt("subject", "is neither device:ID nor resident:ID")
        }
        let evidenceText = try reader.value("evidence", as: String.self)
        guard let evidence = try? JSONDecoder().decode([String].self, from: Data(evidenceText.utf8)) else {
            throw reader.corrupt("evidence", "is not a JSON array of strings")
        }
        ticket = Ticket(
            id: id,
            site: try reader.value("site"),
            rule: try reader.value("rule"),
            ruleVersion: try reader.value("rule_version"),
            title: try reader.value("title"),
            description: try reader.value("description"),
            severity: try reader.rawValue("severity"),
            team: try reader.value("team"),
            status: try reader.rawValue("status"),
            subject: subject,
            location: try reader.value("location"),
            lat: try reader.optional("lat"),
            long: try reader.optional("long"),
            openedAt: try reader.time("opened_at"),
            updatedAt: try reader.time("updated_at"),
            ackDueAt: try reader.optionalTime("ack_due_at"),
            resolveDueAt: try reader.optionalTime("resolve_due_at"),
            acknowledgedAt: try reader.optionalTime("acknowledged_at"),
            resolvedAt: try reader.optionalTime("resolved_at"),
            resolution: try reader.optional("resolution"),
            escalationLevel: try reader.int("escalation_level"),
            occurrences: try reader.int("occurrences"),
            lastEventAt: try reader.time("last_event_at"),
            evidence: evidence
        )
    }

    /// The arguments of ``replaceSQL`` and ``mergeSQL`` for this ticket, stamped with `revision`.
    ///
    /// - Throws: ``TicketStoreError/invalidTicketID(_:)`` when the id is not one ``TicketID/make(_:)`` makes.
    func upsertArguments(revision: Int64) throws(TicketStoreError) -> StatementArguments {
        guard let number = TicketID.number(of: ticket.id), number >= 0, TicketID.make(number) == ticket.id else {
            throw .invalidTicketID(ticket.id)
        }
        let values: [(any DatabaseValueConvertible)?] = [
            ticket.id, number, ticket.site, ticket.rule, ticket.ruleVersion, ticket.title, ticket.description,
            ticket.severity.rawValue, ticket.team, ticket.status.rawValue, ticket.subject.description,
            ticket.device, ticket.resident, ticket.location, ticket.lat, ticket.long,
            ticket.openedAt.milliseconds, ticket.updatedAt.milliseconds, ticket.ackDueAt?.milliseconds,
            ticket.resolveDueAt?.milliseconds, ticket.acknowledgedAt?.milliseconds,
            ticket.resolvedAt?.milliseconds, ticket.resolution, ticket.escalationLevel, ticket.occurrences,
            ticket.lastEventAt.milliseconds, Self.evidenceJSON(ticket.evidence), revision,
        ]
        return StatementArguments(values)
    }

    /// The evidence ids as a JSON array of strings.
    ///
    /// Written by hand rather than with `JSONEncoder`, which cost a quarter of a group commit's time; the
    /// reader decodes it with `JSONDecoder` (and the schema checks it is a JSON array).
    static func evidenceJSON(_ evidence: [String]) -> String {
        var json = "["
        for (index, id) in evidence.enumerated() {
            if index > 0 { json += "," }
            json += "\""
            for scalar in id.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "\n": json += "\\n"
                case "\r": json += "\\r"
                case "\t": json += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: json.unicodeScalars.append(scalar)
                }
            }
            json += "\""
        }
        return json + "]"
    }
}
