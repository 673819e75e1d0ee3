/// An escalation ladder: a ticket not acknowledged by its `ack_due_at` escalates (level +1, severity one step
/// up unless already critical), then again every ``repeatEvery`` while still not acknowledged, up to
/// ``maxLevel``.
public struct Escalation: Sendable, Hashable {
    /// Interval between further steps; `nil` escalates once.
    public var repeatEvery: Duration?
    /// Highest level; 0 disables escalation.
    public var maxLevel: Int

    /// Creates a ladder.
    public init(repeatEvery: Duration? = nil, maxLevel: Int = 1) {
        self.repeatEvery = repeatEvery
        self.maxLevel = maxLevel
    }

    /// When the step after `level` is due, for a ticket whose acknowledge-by time is `ackDue`;
    /// `nil` when the ladder ends there.
    public func nextStep(after level: Int, ackDue: EventTime) -> EventTime? {
        guard level < maxLevel else { return nil }
        if level == 0 { return ackDue }
        guard let repeatEvery else { return nil }
        return ackDue + repeatEvery * level
    }
}
