public import ArgumentParser
import LinliCore
import TicketStore

/// The filters, order and page of `linli tickets list`, for the store and for the API alike.
struct TicketListOptions: ParsableArguments {
    @Option(help: "Only this status: open, acknowledged or resolved.") var status: TicketStatus?
    @Option(help: "Only this team.") var team: String?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this rule.") var rule: String?
    @Option(help: "Only this severity: low, medium, high or critical.") var severity: Severity?
    @Option(help: "Only this subject: device:ID or resident:ID.") var subject: String?
    @Option(help: "Only tickets opened at or after this RFC 3339 time.") var openedAfter: String?
    @Option(help: "Only tickets opened before this RFC 3339 time.") var openedBefore: String?
    @Option(help: "Order: opened_at, updated_at or severity; a leading - for descending (default -opened_at).")
    var sort: String?
    @Option(help: "At most this many tickets.") var limit: Int?
    @Option(help: "Skip this many tickets first.") var offset: Int?

    /// The `sort` values.
    static let sorts: [String: TicketFilter.Sort] = [
        "opened_at": TicketFilter.Sort(.openedAt, .ascending),
        "-opened_at": TicketFilter.Sort(.openedAt, .descending),
        "updated_at": TicketFilter.Sort(.updatedAt, .ascending),
        "-updated_at": TicketFilter.Sort(.updatedAt, .descending),
        "severity": TicketFilter.Sort(.severity, .ascending),
        "-severity": TicketFilter.Sort(.severity, .descending),
    ]

    func validate() throws {
        if let subject, Subject(subject) == nil {
            throw ValidationError("--subject '\(subject)' must be device:ID or resident:ID")
        }
        for (name, value) in [("--opened-after", openedAfter), ("--opened-before", openedBefore)] {
            if let value, RFC3339.parse(value) == nil {
                throw ValidationError("\(name) '\(value)' must be an RFC 3339 time with offset")
            }
        }
        if let sort, Self.sorts[sort] == nil {
            throw ValidationError("--sort '\(sort)' must be one of \(Self.sorts.keys.sorted().joined(separator: ", "))")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let offset, offset < 0 { throw ValidationError("--offset must not be negative") }
    }

    /// The store filter.
    var filter: TicketFilter {
        TicketFilter(
            statuses: status.map { [$0] } ?? [],
            team: team,
            site: site,
            rule: rule,
            severities: severity.map { [$0] } ?? [],
            subject: subject.flatMap(Subject.init),
            openedAfter: openedAfter.flatMap { RFC3339.parse($0) },
            openedBefore: openedBefore.flatMap { RFC3339.parse($0) },
            sort: sort.flatMap { Self.sorts[$0] } ?? .newestFirst,
            limit: limit,
            offset: offset ?? 0
        )
    }

    /// The API query parameters (without paging).
    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        items.append(contentsOf: status.map { [("status", $0.rawValue)] } ?? [])
        items.append(contentsOf: team.map { [("team", $0)] } ?? [])
        items.append(contentsOf: site.map { [("site", $0)] } ?? [])
        items.append(contentsOf: rule.map { [("rule", $0)] } ?? [])
        items.append(contentsOf: severity.map { [("severity", $0.rawValue)] } ?? [])
        items.append(contentsOf: subject.map { [("subject", $0)] } ?? [])
        items.append(contentsOf: openedAfter.map { [("opened_after", $0)] } ?? [])
        items.append(contentsOf: openedBefore.map { [("opened_before", $0)] } ?? [])
        items.append(contentsOf: sort.map { [("sort", $0)] } ?? [])
        return items
    }
}

extension Severity: ExpressibleByArgument {}
