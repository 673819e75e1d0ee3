import GRDB
public import LinliCore

/// The changes people make to tickets (from the CLI or the HTTP API): each reads the ticket's status and
/// writes the change in one transaction, so two people acting at once cannot both succeed where only one may.
///
/// Every transition appends one history entry `{at, action, actor, note}`, sets ``LinliCore/Ticket/updatedAt``
/// to `at` (never moving it back), raises the ticket's revision and returns the ticket with its full history.
extension TicketStore {
    /// Acknowledges an open ticket: a person took it, so escalation stops.
    ///
    /// - Throws: ``TicketStoreError/notFound(_:)``, or ``TicketStoreError/invalidTransition(id:from:action:)``
    ///   unless the ticket is open.
    public func acknowledge(id: String, actor: String, at: EventTime, note: String?) async throws -> Ticket {
        try await transition(id: id, action: .acknowledged, from: [.open], actor: actor, at: at, note: note) {
            ticket in
            ticket.status = .acknowledged
            ticket.acknowledgedAt = at
        }
    }

    /// Resolves an open or acknowledged ticket by hand; its resolution is the note, or `manual` without one.
    ///
    /// - Throws: ``TicketStoreError/notFound(_:)``, or ``TicketStoreError/invalidTransition(id:from:action:)``
    ///   when the ticket is already resolved.
    public func resolve(id: String, actor: String, at: EventTime, note: String?) async throws -> Ticket {
        try await transition(
            id: id,
            action: .resolved,
            from: [.open, .acknowledged],
            actor: actor,
            at: at,
            note: note
        ) { ticket in
            ticket.status = .resolved
            ticket.resolvedAt = at
            ticket.resolution = note ?? "manual"
        }
    }

    /// Reopens a resolved ticket: it is open again, and its acknowledgement, resolution time and resolution
    /// are cleared (it needs acknowledging anew).
    ///
    /// - Throws: ``TicketStoreError/notFound(_:)``; ``TicketStoreError/invalidTransition(id:from:action:)``
    ///   unless the ticket is resolved; ``TicketStoreError/duplicateOpenTicket(_:)`` when a newer ticket with
    ///   the same de-duplication key is unresolved.
    public func reopen(id: String, actor: String, at: EventTime, note: String?) async throws -> Ticket {
        try await transition(id: id, action: .reopened, from: [.resolved], actor: actor, at: at, note: note) {
            ticket in
            ticket.status = .open
            ticket.acknowledgedAt = nil
            ticket.resolvedAt = nil
            ticket.resolution = nil
        }
    }

    /// Adds a comment to a ticket in any status; nothing else changes but ``LinliCore/Ticket/updatedAt``.
    ///
    /// - Throws: ``TicketStoreError/notFound(_:)``.
    public func comment(id: String, actor: String, at: EventTime, note: String) async throws -> Ticket {
        try await transition(
            id: id,
            action: .commented,
            from: Set(TicketStatus.allCases),
            actor: actor,
            at: at,
            note: note
        ) { _ in }
    }

    /// Reads the ticket, checks its status is in `allowed`, applies `change`, stamps `at`, appends the
    /// history entry and returns the stored result, all in one write transaction.
    private func transition(
        id: String,
        action: HistoryEntry.Action,
        from allowed: Set<TicketStatus>,
        actor: String,
        at: EventTime,
        note: String?,
        change: @escaping @Sendable (inout Ticket) -> Void
    ) async throws -> Ticket {
        try await writer.write { db in
            guard var ticket = try Self.fetchTicket(id: id, includesHistory: false, in: db) else {
                throw TicketStoreError.notFound(id)
            }
            guard allowed.contains(ticket.status) else {
                throw TicketStoreError.invalidTransition(id: id, from: ticket.status, action: action)
            }
            change(&ticket)
            ticket.updatedAt = max(ticket.updatedAt, at)
            let entry = HistoryEntry(at: at, action: action, actor: actor, note: note)
            try Self.apply(
                TicketChange(ticket: ticket, newHistory: [entry]),
                revision: Self.nextRevision(in: db),
                byEngine: false,
                in: db
            )
            guard let stored = try Self.fetchTicket(id: id, includesHistory: true, in: db) else {
                throw TicketStoreError.notFound(id)
            }
            return stored
        }
    }
}
