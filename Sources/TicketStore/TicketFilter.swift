public import LinliCore

/// Which tickets to list or count, in what order, and which page of them.
///
/// Every criterion left at its default matches all tickets; criteria combine with AND.
///
/// ```swift
/// let page = try await store.tickets(
///     matching: TicketFilter(statuses: [.open, .acknowledged], team: "sanitation", limit: 50)
/// )
/// ```
public struct TicketFilter: Sendable, Hashable {
    /// The order of a listing: a key and a direction; ties are broken by ticket number in the same direction.
    public struct Sort: Sendable, Hashable {
        /// What to sort by.
        public enum Key: String, Sendable, Hashable, CaseIterable {
            /// ``LinliCore/Ticket/openedAt``.
            case openedAt
            /// ``LinliCore/Ticket/updatedAt``.
            case updatedAt
            /// ``LinliCore/Ticket/severity`` by rank (low < medium < high < critical).
            case severity
        }

        /// Which way.
        public enum Order: String, Sendable, Hashable, CaseIterable {
            case ascending
            case descending
        }

        /// What to sort by.
        public var key: Key
        /// Which way.
        public var order: Order

        /// Creates a sort order.
        public init(_ key: Key, _ order: Order) {
            self.key = key
            self.order = order
        }

        /// Most recently opened first: the default.
        public static let newestFirst = Sort(.openedAt, .descending)
    }

    /// Statuses to include; empty includes every status.
    public var statuses: Set<TicketStatus>
    /// Only this team's tickets.
    public var team: String?
    /// Only this site's tickets.
    public var site: String?
    /// Only tickets raised by this rule.
    public var rule: String?
    /// Severities to include; empty includes every severity.
    public var severities: Set<Severity>
    /// Only tickets about this subject.
    public var subject: Subject?
    /// Only tickets opened at or after this time (inclusive).
    public var openedAfter: EventTime?
    /// Only tickets opened before this time (exclusive).
    public var openedBefore: EventTime?
    /// The order of the listing (ignored by ``TicketStore/count(matching:)``).
    public var sort: Sort
    /// At most this many tickets; `nil` for all. Negative values count as 0.
    public var limit: Int?
    /// Skip this many tickets first. Negative values count as 0.
    public var offset: Int
    /// Whether listed tickets carry their history; without it ``LinliCore/Ticket/history`` is empty.
    public var includesHistory: Bool

    /// Creates a filter; the defaults match every ticket, newest first, with history.
    public init(
        statuses: Set<TicketStatus> = [],
        team: String? = nil,
        site: String? = nil,
        rule: String? = nil,
        severities: Set<Severity> = [],
        subject: Subject? = nil,
        openedAfter: EventTime? = nil,
        openedBefore: EventTime? = nil,
        sort: Sort = .newestFirst,
        limit: Int? = nil,
        offset: Int = 0,
        includesHistory: Bool = true
    ) {
        self.statuses = statuses
        self.team = team
        self.site = site
        self.rule = rule
        self.severities = severities
        self.subject = subject
        self.openedAfter = openedAfter
        self.openedBefore = openedBefore
        self.sort = sort
        self.limit = limit
        self.offset = offset
        self.includesHistory = includesHistory
    }
}
