public import LinliCore

/// How Linli's rules and tickets read as Open311 GeoReport v2 services and service requests.
///
/// Services (`services.json`), one per loaded rule:
///
/// | GeoReport field | from |
/// |---|---|
/// | `service_code` | rule `id` |
/// | `service_name` | rule `name` |
/// | `description` | rule `summary` |
/// | `metadata` | `false` (no attributes to fill in: Linli's tickets are raised by sensors) |
/// | `type` | `realtime` |
/// | `keywords` | the rule's team and severity, comma-separated |
/// | `group` | the rule's team |
///
/// Service requests (`requests.json`, `requests/{id}.json`), one per ticket:
///
/// | GeoReport field | from |
/// |---|---|
/// | `service_request_id` | ticket `id` |
/// | `status` | `open` for `open` and `acknowledged`, `closed` for `resolved` |
/// | `status_notes` | the Linli status in words: acknowledged when, escalation level, resolution |
/// | `service_name` | the rule's `name` (the rule id when the rule is no longer loaded) |
/// | `service_code` | ticket `rule` |
/// | `description` | ticket `description` |
/// | `agency_responsible` | ticket `team` |
/// | `service_notice` | severity and SLA: `severity high; acknowledge by …; resolve by …` |
/// | `requested_datetime` | `opened_at` |
/// | `updated_datetime` | `updated_at` |
/// | `expected_datetime` | `resolve_due_at` (null without one) |
/// | `address` | `location`, from the site registry |
/// | `address_id` | the device id for tickets about a device; null for tickets about a resident (not shared) |
/// | `zipcode`, `media_url` | null |
/// | `lat`, `long` | from the site registry, or null |
public enum Open311Mapping {
    /// The fields of a GeoReport v2 service, in order.
    public static let serviceKeys = [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]

    /// The fields of a GeoReport v2 service request, in order.
    public static let requestKeys = [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url",
    ]

    /// The service for `rule`.
    public static func service(_ rule: Rule) -> JSONObject {
        [
            "service_code": .string(rule.id),
            "service_name": .string(rule.name),
            "description": .string(rule.summary),
            "metadata": .bool(false),
            "type": .string("realtime"),
            "keywords": .string("\(rule.team),\(rule.severity.rawValue)"),
            "group": .string(rule.team),
        ]
    }

    /// The service request for `ticket`; `rule` is its rule when still loaded.
    public static func request(_ ticket: Ticket, rule: Rule?) -> JSONObject {
        [
            "service_request_id": .string(ticket.id),
            "status": .string(ticket.status == .resolved ? "closed" : "open"),
            "status_notes": .string(statusNotes(ticket)),
            "service_name": .string(rule?.name ?? ticket.rule),
            "service_code": .string(ticket.rule),
            "description": .string(ticket.description),
            "agency_responsible": .string(ticket.team),
            "service_notice": .string(serviceNotice(ticket)),
            "requested_datetime": time(ticket.openedAt),
            "updated_datetime": time(ticket.updatedAt),
            "expected_datetime": time(ticket.resolveDueAt),
            "address": .string(ticket.location),
            "address_id": ticket.device.map(JSONValue.string) ?? .null,
            "zipcode": .null,
            "lat": ticket.lat.map(JSONValue.number) ?? .null,
            "long": ticket.long.map(JSONValue.number) ?? .null,
            "media_url": .null,
        ]
    }

    /// Linli's status in words, for `status_notes`.
    public static func statusNotes(_ ticket: Ticket) -> String {
        var notes: [String]
        switch ticket.status {
        case .open:
            notes = ["open, not acknowledged yet"]
        case .acknowledged:
            notes = ["acknowledged" + (ticket.acknowledgedAt.map { " at \(RFC3339.format($0))" } ?? "")]
        case .resolved:
            let how =
                switch ticket.resolution {
                case "auto": "automatically: the condition cleared"
                case "manual", nil: "by hand"
                case let note?: "by hand: \(note)"
                }
            notes = ["resolved" + (ticket.resolvedAt.map { " at \(RFC3339.format($0))" } ?? "") + " " + how]
        }
        if ticket.escalationLevel > 0 {
            notes.append("escalated to level \(ticket.escalationLevel)")
        }
        if ticket.occurrences > 1 {
            notes.append("reported \(ticket.occurrences) times")
        }
        return notes.joined(separator: "; ")
    }

    /// Severity and SLA, for `service_notice`.
    public static func serviceNotice(_ ticket: Ticket) -> String {
        var parts = ["severity \(ticket.severity.rawValue)"]
        if let ack = ticket.ackDueAt { parts.append("acknowledge by \(RFC3339.format(ack))") }
        if let resolve = ticket.resolveDueAt { parts.append("resolve by \(RFC3339.format(resolve))") }
        return parts.joined(separator: "; ")
    }

    private static func time(_ time: EventTime?) -> JSONValue {
        time.map { .string(RFC3339.format($0)) } ?? .null
    }
}
