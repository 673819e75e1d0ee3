public import LinliCore

/// The ledger (台账): per site and team, how many tickets are open and overdue now, and how well the
/// tickets opened in a period met their SLAs.
///
/// Pure: tickets and a time in, figures out; the same input gives the same ledger.
///
/// Definitions, per (site, team) and for the total:
/// - `open`, `overdue`: unresolved tickets now, whenever opened; overdue as ``TicketDeadline/isOverdue(_:at:)``.
/// - `opened`, `resolved`: tickets opened in the period, and how many of those are resolved.
/// - First response: the acknowledgement, or a person's resolution when nobody acknowledged first
///   (resolution other than `auto`). Acknowledged within SLA: first response at or before `ack_due_at`.
///   A ticket with no response yet counts as missed once its `ack_due_at` has passed and is left out before;
///   a ticket that resolved by itself with no response is left out (nobody needed to come).
/// - Resolved within SLA: resolved at or before `resolve_due_at`; an unresolved ticket counts as missed once
///   that time has passed and is left out before.
/// - Time to acknowledge: first response − `opened_at`; time to resolve: `resolved_at` − `opened_at`.
///   Median and 90th percentile by the nearest-rank method (the value at rank ⌈p·n⌉ of the sorted times).
///
/// ```swift
/// let ledger = Ledger(opened: openedInPeriod, unresolved: unresolvedNow, period: period, now: now)
/// print(ledger.table)
/// ```
public struct Ledger: Sendable, Hashable {
    /// The half-open span `[from, to)` of `opened_at` the SLA figures cover.
    public struct Period: Sendable, Hashable {
        /// Start, inclusive.
        public var from: EventTime
        /// End, exclusive.
        public var to: EventTime

        /// Creates a period.
        public init(from: EventTime, to: EventTime) {
            self.from = from
            self.to = to
        }

        /// The `days` days before `now`.
        public static func last(days: Int, before now: EventTime) -> Period {
            Period(from: now - .seconds(Int64(days) * 86_400), to: now)
        }
    }

    /// How many of the tickets an SLA applies to met it.
    public struct Compliance: Sendable, Hashable {
        /// Met the SLA.
        public var met: Int
        /// The SLA applies to (met plus missed).
        public var total: Int

        /// Creates a count.
        public init(met: Int = 0, total: Int = 0) {
            self.met = met
            self.total = total
        }

        /// `met` as a percentage of `total`, one decimal; `nil` when `total` is 0.
        public var percent: Double? {
            guard total > 0 else { return nil }
            return (Double(met) * 1000 / Double(total)).rounded() / 10
        }
    }

    /// Median and 90th percentile of a set of durations; `nil` when there are none.
    public struct Spread: Sendable, Hashable {
        /// Median (nearest rank).
        public var median: Duration?
        /// 90th percentile (nearest rank).
        public var p90: Duration?

        /// Creates a spread.
        public init(median: Duration? = nil, p90: Duration? = nil) {
            self.median = median
            self.p90 = p90
        }

        /// The spread of `durations`.
        public init(of durations: [Duration]) {
            let sorted = durations.sorted()
            median = Self.nearestRank(50, of: sorted)
            p90 = Self.nearestRank(90, of: sorted)
        }

        /// The value at rank ⌈p/100 · n⌉ (1-based) of `sorted`.
        static func nearestRank(_ percentile: Int, of sorted: [Duration]) -> Duration? {
            guard !sorted.isEmpty else { return nil }
            let rank = (percentile * sorted.count + 99) / 100
            return sorted[max(rank, 1) - 1]
        }
    }

    /// One line of the ledger.
    public struct Row: Sendable, Hashable {
        /// Site id, or `*` for the total.
        public var site: String
        /// Team, or `*` for the total.
        public var team: String
        /// Unresolved now.
        public var open = 0
        /// Unresolved and past a deadline now.
        public var overdue = 0
        /// Opened in the period.
        public var opened = 0
        /// Opened in the period and resolved since.
        public var resolved = 0
        /// Acknowledged within SLA.
        public var acknowledgedInTime = Compliance()
        /// Resolved within SLA.
        public var resolvedInTime = Compliance()
        /// Time to acknowledge.
        public var timeToAcknowledge = Spread()
        /// Time to resolve.
        public var timeToResolve = Spread()

        /// Creates an empty row.
        public init(site: String, team: String) {
            self.site = site
            self.team = team
        }
    }

    /// The period the SLA figures cover.
    public var period: Period
    /// When the ledger was made ("now" for `open` and `overdue`).
    public var generatedAt: EventTime
    /// One row per site and team that has tickets, ordered by site then team.
    public var rows: [Row]
    /// All rows together.
    public var total: Row

    /// Creates a ledger from its parts (e.g. read back from JSON).
    public init(period: Period, generatedAt: EventTime, rows: [Row], total: Row) {
        self.period = period
        self.generatedAt = generatedAt
        self.rows = rows
        self.total = total
    }

    /// Computes the ledger.
    /// - Parameters:
    ///   - opened: the tickets opened in `period` (others are ignored).
    ///   - unresolved: the tickets not resolved now (others are ignored).
    ///   - period: the period.
    ///   - now: the time of the figures.
    public init(opened: [Ticket], unresolved: [Ticket], period: Period, now: EventTime) {
        var tallies: [Key: Tally] = [:]
        var total = Tally()
        for ticket in unresolved where ticket.status != .resolved {
            let overdue = TicketDeadline.isOverdue(ticket, at: now)
            tallies[Key(ticket), default: Tally()].countOpen(overdue: overdue)
            total.countOpen(overdue: overdue)
        }
        for ticket in opened where ticket.openedAt >= period.from && ticket.openedAt < period.to {
            tallies[Key(ticket), default: Tally()].countOpened(ticket, now: now)
            total.countOpened(ticket, now: now)
        }
        self.period = period
        self.generatedAt = now
        self.rows = tallies.sorted { ($0.key.site, $0.key.team) < ($1.key.site, $1.key.team) }.map { key, tally in
            tally.row(site: key.site, team: key.team)
        }
        self.total = total.row(site: "*", team: "*")
    }

    private struct Key: Hashable {
        var site: String
        var team: String

        init(_ ticket: Ticket) {
            site = ticket.site
            team = ticket.team
        }
    }

    /// Counts for one row while the ledger is computed.
    private struct Tally {
        var open = 0
        var overdue = 0
        var opened = 0
        var resolved = 0
        var acknowledgedInTime = Compliance()
        var resolvedInTime = Compliance()
        var acknowledgeTimes: [Duration] = []
        var resolveTimes: [Duration] = []

        mutating func countOpen(overdue isOverdue: Bool) {
            open += 1
            if isOverdue { overdue += 1 }
        }

        mutating func countOpened(_ ticket: Ticket, now: EventTime) {
            opened += 1
            let firstResponse = ticket.acknowledgedAt ?? (ticket.resolution == "auto" ? nil : ticket.resolvedAt)
            if let firstResponse {
                acknowledgeTimes.append(firstResponse - ticket.openedAt)
            }
            if let due = ticket.ackDueAt {
                if let firstResponse {
                    acknowledgedInTime.total += 1
                    if firstResponse <= due { acknowledgedInTime.met += 1 }
                } else if ticket.status != .resolved && now > due {
                    acknowledgedInTime.total += 1
                }
            }
            if let resolvedAt = ticket.resolvedAt, ticket.status == .resolved {
                resolved += 1
                resolveTimes.append(resolvedAt - ticket.openedAt)
                if let due = ticket.resolveDueAt {
                    resolvedInTime.total += 1
                    if resolvedAt <= due { resolvedInTime.met += 1 }
                }
            } else if let due = ticket.resolveDueAt, now > due {
                resolvedInTime.total += 1
            }
        }

        func row(site: String, team: String) -> Row {
            var row = Row(site: site, team: team)
            row.open = open
            row.overdue = overdue
            row.opened = opened
            row.resolved = resolved
            row.acknowledgedInTime = acknowledgedInTime
            row.resolvedInTime = resolvedInTime
            row.timeToAcknowledge = Spread(of: acknowledgeTimes)
            row.timeToResolve = Spread(of: resolveTimes)
            return row
        }
    }
}
