import GRDB
public import LinliCore

extension TicketStore {
    /// The tickets that match `filter`, in its order and page, with their history unless the filter says not.
    ///
    /// - Throws: ``TicketStoreError/corrupt(_:)`` for a stored row that does not decode, or the database's error.
    public func tickets(matching filter: TicketFilter) async throws -> [Ticket] {
        let (condition, arguments) = Self.whereClause(for: filter)
        let sql = """
            SELECT \(TicketRecord.selection) FROM ticket \(condition)
            ORDER BY \(Self.orderClause(for: filter.sort)) LIMIT ? OFFSET ?
            """
        var pageArguments = arguments
        pageArguments += [filter.limit.map { max(0, $0) } ?? -1, max(0, filter.offset)]
        let finalArguments = pageArguments
        return try await writer.read { db in
            try Self.fetchTickets(
                sql: sql,
                arguments: finalArguments,
                includesHistory: filter.includesHistory,
                in: db
            )
        }
    }

    /// How many tickets match `filter`, ignoring its sort, limit and offset.
    public func count(matching filter: TicketFilter) async throws -> Int {
        let (condition, arguments) = Self.whereClause(for: filter)
        let sql = "SELECT COUNT(*) FROM ticket \(condition)"
        return try await writer.read { db in
            try Int.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) ?? 0
        }
    }

    /// The ticket with `id`, with its full history, or `nil` when there is none.
    public func ticket(id: String) async throws -> Ticket? {
        try await writer.read { db in
            try Self.fetchTicket(id: id, includesHistory: true, in: db)
        }
    }

    /// Every ticket not resolved yet (open or acknowledged), oldest first by number, with full history:
    /// what the engine restores its open tickets from when the daemon starts.
    public func unresolvedTickets() async throws -> [Ticket] {
        try await writer.read { db in
            try Self.fetchTickets(
                sql: "SELECT \(TicketRecord.selection) FROM ticket WHERE status != 'resolved' ORDER BY number",
                arguments: [],
                includesHistory: true,
                in: db
            )
        }
    }

    /// The highest ticket number stored (`42` for `T-000042`), 0 for an empty store: the next ticket is
    /// numbered one more.
    public func maxTicketNumber() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(number), 0) FROM ticket") ?? 0
        }
    }

    /// The highest revision stored, 0 for an empty store: where a poller of ``changesSince(revision:)``
    /// starts when it already knows every ticket (e.g. right after ``unresolvedTickets()``).
    public func currentRevision() async throws -> Int64 {
        try await writer.read { db in
            try Self.currentRevision(in: db)
        }
    }

    /// The tickets written since `revision` (by this process or another, e.g. the CLI), oldest write first,
    /// with full history, and the revision to pass next time.
    ///
    /// Tickets and revision are read in one snapshot, so no write falls between two polls.
    ///
    /// ```swift
    /// var revision = try await store.currentRevision()
    /// // ... later, periodically:
    /// let changes = try await store.changesSince(revision: revision)
    /// revision = changes.revision
    /// ```
    public func changesSince(revision: Int64) async throws -> (tickets: [Ticket], revision: Int64) {
        try await writer.read { db in
            let tickets = try Self.fetchTickets(
                sql: "SELECT \(TicketRecord.selection) FROM ticket WHERE revision > ? ORDER BY revision, number",
                arguments: [revision],
                includesHistory: true,
                in: db
            )
            return (tickets, try Self.currentRevision(in: db))
        }
    }

    /// The tickets people changed (acknowledged, resolved, reopened, commented on: from any process) after
    /// `revision`, without their history, and the store's current revision to pass next time: how the daemon
    /// learns of people's changes without reading back the engine's own writes.
    ///
    /// Each ticket is as it stands now, engine changes since included.
    public func peopleChangesSince(revision: Int64) async throws -> (tickets: [Ticket], revision: Int64) {
        try await writer.read { db in
            let tickets = try Self.fetchTickets(
                sql: """
                    SELECT \(TicketRecord.selection) FROM ticket WHERE manual_revision > ?
                    ORDER BY manual_revision, number
                    """,
                arguments: [revision],
                includesHistory: false,
                in: db
            )
            return (tickets, try Self.currentRevision(in: db))
        }
    }

    /// The `WHERE` clause (or nothing) and its arguments for the criteria of `filter`.
    static func whereClause(for filter: TicketFilter) -> (sql: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        func add(_ condition: String, _ values: [(any DatabaseValueConvertible)?]) {
            conditions.append(condition)
            arguments += StatementArguments(values)
        }
        func placeholders(_ count: Int) -> String {
            Array(repeating: "?", count: count).joined(separator: ", ")
        }
        if !filter.statuses.isEmpty {
            let statuses = filter.statuses.map(\.rawValue).sorted()
            add("status IN (\(placeholders(statuses.count)))", statuses)
        }
        if let team = filter.team { add("team = ?", [team]) }
        if let site = filter.site { add("site = ?", [site]) }
        if let rule = filter.rule { add("rule = ?", [rule]) }
        if !filter.severities.isEmpty {
            let severities = filter.severities.map(\.rawValue).sorted()
            add("severity IN (\(placeholders(severities.count)))", severities)
        }
        if let subject = filter.subject { add("subject = ?", [subject.description]) }
        if let after = filter.openedAfter { add("opened_at >= ?", [after.milliseconds]) }
        if let before = filter.openedBefore { add("opened_at < ?", [before.milliseconds]) }
        let sql = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return (sql, arguments)
    }

    /// The `ORDER BY` terms for `sort`, ties broken by number in the same direction.
    static func orderClause(for sort: TicketFilter.Sort) -> String {
        let direction = sort.order == .ascending ? "ASC" : "DESC"
        let key =
            switch sort.key {
            case .openedAt: "opened_at"
            case .updatedAt: "updated_at"
            case .severity:
                "CASE severity WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END"
            }
        return "\(key) \(direction), number \(direction)"
    }
}
