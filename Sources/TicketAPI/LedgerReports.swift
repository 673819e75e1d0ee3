import Hummingbird
import LinliCore
import TicketStore

/// Reads the ledger's query (`from`, `to`, `days`, `site`, `team`) and computes it from the store; shared by
/// `GET /api/v1/report` and the board's report page.
struct LedgerReports: Sendable {
    /// The parameters accepted (the board adds `lang`).
    static let names: Set<String> = ["from", "to", "days", "site", "team"]
    /// The default period, in days before now.
    static let defaultDays = 7

    let store: TicketStore
    let now: @Sendable () -> EventTime

    /// The ledger for `parameters`: `from` and `to` (RFC 3339; `to` defaults to now), or `days` (1 to 366,
    /// default 7) before now.
    /// - Throws: 400 naming a bad parameter.
    func ledger(for parameters: QueryParameters, extraNames: Set<String> = []) async throws -> Ledger {
        try parameters.check(accepted: Self.names.union(extraNames))
        let now = now()
        let period = try Self.period(parameters, now: now)
        return try await Ledger.load(
            from: store,
            period: period,
            site: parameters["site"],
            team: parameters["team"],
            now: now
        )
    }

    /// The period `parameters` ask for.
    static func period(_ parameters: QueryParameters, now: EventTime) throws(HTTPError) -> Ledger.Period {
        let days = try parameters.integer("days", in: 1...366)
        let from = try parameters.time("from")
        let to = try parameters.time("to") ?? now
        if days != nil && from != nil {
            throw HTTPError(.badRequest, message: "give either 'days' or 'from', not both")
        }
        let period = from.map { Ledger.Period(from: $0, to: to) } ?? .last(days: days ?? defaultDays, before: to)
        guard period.from < period.to else {
            throw HTTPError(.badRequest, message: "query parameter 'from' must be earlier than 'to'")
        }
        return period
    }
}
