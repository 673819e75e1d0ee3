/// What a scenario expects by its end: tickets that must exist, tickets that must not, and dead letters.
public struct ScenarioExpectations: Sendable, Hashable {
    /// Tickets that must exist, each with its count and fields.
    public var tickets: [TicketExpectation]
    /// Rules (optionally per subject) that must have no ticket.
    public var absent: [AbsentExpectation]
    /// How many messages must have been dead-lettered; `nil` when not checked.
    public var deadLetters: Int?
    /// When `true`, every ticket must match one of ``tickets``: any other ticket is a difference.
    public var exclusive: Bool

    /// Creates expectations.
    public init(
        tickets: [TicketExpectation] = [],
        absent: [AbsentExpectation] = [],
        deadLetters: Int? = nil,
        exclusive: Bool = false
    ) {
        self.tickets = tickets
        self.absent = absent
        self.deadLetters = deadLetters
        self.exclusive = exclusive
    }
}
