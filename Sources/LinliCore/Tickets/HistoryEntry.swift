/// One line of a ticket's history: `{at, action, actor, note}` in the contract.
public struct HistoryEntry: Sendable, Hashable {
    /// What happened.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case opened, occurred, escalated, acknowledged, resolved, reopened, commented
    }

    /// When it happened (event time for rule actions, wall time for people's).
    public var at: EventTime
    /// What happened.
    public var action: Action
    /// `rule:{id}` for the engine, otherwise the person or token name.
    public var actor: String
    /// Free text, e.g. the resolve note or "late: fired after restart".
    public var note: String?

    /// Creates an entry.
    public init(at: EventTime, action: Action, actor: String, note: String? = nil) {
        self.at = at
        self.action = action
        self.actor = actor
        self.note = note
    }
}
