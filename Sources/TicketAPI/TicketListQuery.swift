import Hummingbird
import LinliCore
import TicketStore

/// The query of `GET /api/v1/tickets`: filters, sort and page, validated into a ``TicketStore/TicketFilter``.
///
/// Parameters: `status` and `severity` (comma-separated lists), `team`, `site`, `rule`, `subject`
/// (`device:ID` or `resident:ID`), `opened_after` (inclusive) and `opened_before` (exclusive) as RFC 3339
/// times, `sort` (`opened_at`, `updated_at` or `severity`, `-` in front for descending; default
/// `-opened_at`), `limit` (1 to the configured maximum) and `offset`.
struct TicketListQuery: Sendable {
    /// The parameters accepted.
    static let names: Set<String> = [
        "status", "team", "site", "rule", "severity", "subject", "opened_after", "opened_before", "sort", "limit",
        "offset",
    ]

    /// The `sort` values and the order each means.
    static let sorts: [String: TicketFilter.Sort] = [
        "opened_at": TicketFilter.Sort(.openedAt, .ascending),
        "-opened_at": TicketFilter.Sort(.openedAt, .descending),
        "updated_at": TicketFilter.Sort(.updatedAt, .ascending),
        "-updated_at": TicketFilter.Sort(.updatedAt, .descending),
        "severity": TicketFilter.Sort(.severity, .ascending),
        "-severity": TicketFilter.Sort(.severity, .descending),
    ]

    /// The filter, with its page.
    var filter: TicketFilter

    /// Reads and checks the parameters.
    /// - Throws: `HTTPError` 400 naming the first bad parameter.
    init(_ parameters: QueryParameters, defaultLimit: Int, maxLimit: Int) throws(HTTPError) {
        try parameters.check(accepted: Self.names)
        var filter = TicketFilter()
        filter.statuses = try parameters.list("status", of: TicketStatus.self)
        filter.severities = try parameters.list("severity", of: Severity.self)
        filter.team = parameters["team"]
        filter.site = parameters["site"]
        filter.rule = parameters["rule"]
        if let text = parameters["subject"] {
            guard let subject = Subject(text), !subject.id.isEmpty else {
                throw parameters.invalid("subject", text, "device:ID or resident:ID")
            }
            filter.subject = subject
        }
        filter.openedAfter = try parameters.time("opened_after")
        filter.openedBefore = try parameters.time("opened_before")
        if let after = filter.openedAfter, let before = filter.openedBefore, before <= after {
            throw HTTPError(.badRequest, message: "query parameter 'opened_before' must be later than 'opened_after'")
        }
        if let text = parameters["sort"] {
            guard let sort = Self.sorts[text] else {
                throw parameters.invalid("sort", text, "one of " + Self.sorts.keys.sorted().joined(separator: ", "))
            }
            filter.sort = sort
        }
        filter.limit = try parameters.integer("limit", in: 1...maxLimit) ?? defaultLimit
        filter.offset = try parameters.integer("offset", in: 0...Int(Int32.max)) ?? 0
        self.filter = filter
    }
}

extension Subject {
    /// The device or resident id.
    var id: String {
        switch self {
        case .device(let id), .resident(let id): id
        }
    }
}
