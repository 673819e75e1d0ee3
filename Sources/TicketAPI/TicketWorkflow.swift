import Hummingbird
import LinliCore
import TicketStore

/// Carries out people's actions on tickets for the JSON API and the board alike: checks the id, the
/// ticket, the token's team and the note, runs the store's transition, and maps its refusals to HTTP.
struct TicketWorkflow: Sendable {
    /// The store.
    let store: TicketStore
    /// Told after each stored change (the daemon nudges its MQTT feed).
    let ticketsChanged: @Sendable () -> Void
    /// Longest note accepted.
    let maxNoteLength: Int
    /// The clock for people's actions (wall time).
    let now: @Sendable () -> EventTime

    /// The ticket with `id`.
    /// - Throws: 400 for a malformed id, 404 when there is no such ticket.
    func ticket(id: String) async throws -> Ticket {
        try Self.checkID(id)
        guard let ticket = try await store.ticket(id: id) else {
            throw HTTPError(.notFound, message: "no ticket \(id)")
        }
        return ticket
    }

    /// Performs `action` on ticket `id` for `token`.
    /// - Parameters:
    ///   - person: who did it, if the client says (recorded with the token's name).
    /// - Throws: 400 (bad id, missing or long note), 403 (wrong team), 404 (no ticket), 409 (not allowed in
    ///   the ticket's status).
    func perform(
        _ action: TicketAction,
        id: String,
        token: APIToken,
        note: String?,
        person: String?
    ) async throws -> Ticket {
        let note = note.map { $0.trimmed() }.flatMap { $0.isEmpty ? nil : $0 }
        let person = person.map { $0.trimmed() }.flatMap { $0.isEmpty ? nil : $0 }
        if let note, note.count > maxNoteLength {
            throw HTTPError(.badRequest, message: "'note' is \(note.count) characters long; at most \(maxNoteLength)")
        }
        if let person, person.count > 64 {
            throw HTTPError(.badRequest, message: "'actor' is longer than 64 characters")
        }
        if action.requiresNote && note == nil {
            throw HTTPError(.badRequest, message: "a comment needs a non-empty 'note'")
        }
        let ticket = try await ticket(id: id)
        try AccessControl.checkTeam(token, for: ticket)
        let actor = person.map { "\($0) (api:\(token.name))" } ?? "api:\(token.name)"
        let at = now()
        let updated: Ticket
        do {
            switch action {
            case .ack: updated = try await store.acknowledge(id: id, actor: actor, at: at, note: note)
            case .resolve: updated = try await store.resolve(id: id, actor: actor, at: at, note: note)
            case .comment: updated = try await store.comment(id: id, actor: actor, at: at, note: note ?? "")
            case .reopen: updated = try await store.reopen(id: id, actor: actor, at: at, note: note)
            }
        } catch let error as TicketStoreError {
            throw Self.httpError(for: error)
        }
        ticketsChanged()
        return updated
    }

    /// Throws 400 unless `id` looks like `T-000042`.
    static func checkID(_ id: String) throws(HTTPError) {
        let digits = id.utf8.dropFirst(2)
        guard id.hasPrefix("T-"), digits.count >= 6, digits.count <= 18, digits.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else {
            throw HTTPError(
                .badRequest,
                message: "'\(id.prefix(40))' is not a ticket id: expected T- and at least six digits, e.g. T-000042"
            )
        }
    }

    /// The HTTP error for a store refusal.
    static func httpError(for error: TicketStoreError) -> HTTPError {
        switch error {
        case .notFound: HTTPError(.notFound, message: error.description)
        case .invalidTransition, .duplicateOpenTicket: HTTPError(.conflict, message: error.description)
        case .invalidTicketID: HTTPError(.badRequest, message: error.description)
        case .corrupt: HTTPError(.internalServerError, message: "the ticket store could not read this ticket")
        }
    }
}

extension String {
    /// Without leading and trailing whitespace and newlines.
    func trimmed() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
