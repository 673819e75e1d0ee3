public import LinliCore
public import TicketStore

extension Ledger {
    /// Reads what the ledger needs from `store` and computes it: the tickets opened in `period` and the
    /// ones unresolved now, optionally of one site and one team.
    ///
    /// ```swift
    /// let ledger = try await Ledger.load(from: store, period: .last(days: 7, before: now), now: now)
    /// ```
    public static func load(
        from store: TicketStore,
        period: Period,
        site: String? = nil,
        team: String? = nil,
        now: EventTime
    ) async throws -> Ledger {
        let opened = try await store.tickets(
            matching: TicketFilter(
                team: team,
                site: site,
                openedAfter: period.from,
                openedBefore: period.to,
                includesHistory: false
            )
        )
        let unresolved = try await store.tickets(
            matching: TicketFilter(statuses: [.open, .acknowledged], team: team, site: site, includesHistory: false)
        )
        return Ledger(opened: opened, unresolved: unresolved, period: period, now: now)
    }
}
