import Foundation
import LinliCore
import LinliDaemon
import TicketAPI
import TicketStore

/// Where the `tickets` commands read and change tickets: the local store, or a daemon's HTTP API.
protocol TicketBackend: Sendable {
    /// The tickets `options` select.
    func list(_ options: TicketListOptions) async throws -> [Ticket]
    /// One ticket.
    func show(id: String) async throws -> Ticket
    /// Performs a person's action and returns the ticket as it now stands.
    func perform(_ action: TicketAction, id: String, note: String?, actor: String?) async throws -> Ticket
    /// The ledger.
    func report(period: Ledger.Period?, days: Int?, site: String?, team: String?) async throws -> Ledger
}

/// The tickets in the local SQLite store.
struct LocalTicketBackend: TicketBackend {
    let store: TicketStore

    func list(_ options: TicketListOptions) async throws -> [Ticket] {
        try await store.tickets(matching: options.filter)
    }

    func show(id: String) async throws -> Ticket {
        guard let ticket = try await store.ticket(id: id) else { throw TicketCommandError.notFound(id) }
        return ticket
    }

    func perform(_ action: TicketAction, id: String, note: String?, actor: String?) async throws -> Ticket {
        let actor = actor ?? TicketText.defaultActor
        let now = WallClock.now()
        do {
            switch action {
            case .ack: return try await store.acknowledge(id: id, actor: actor, at: now, note: note)
            case .resolve: return try await store.resolve(id: id, actor: actor, at: now, note: note)
            case .reopen: return try await store.reopen(id: id, actor: actor, at: now, note: note)
            case .comment:
                guard let note, !note.isEmpty else { throw TicketCommandError.refused("a comment needs --note") }
                return try await store.comment(id: id, actor: actor, at: now, note: note)
            }
        } catch let error as TicketStoreError {
            throw TicketCommandError.refused("\(error)")
        }
    }

    func report(period: Ledger.Period?, days: Int?, site: String?, team: String?) async throws -> Ledger {
        let now = WallClock.now()
        return try await Ledger.load(
            from: store,
            period: period ?? .last(days: days ?? 7, before: now),
            site: site,
            team: team,
            now: now
        )
    }
}
