/// What the engine remembers about one rule and one subject, beyond its unresolved ticket.
///
/// One value per (rule, site, subject) that needs memory: the recent matches of a window rule, a pending
/// "held open" deadline, the last sign of life of an absence or daily-deadline rule, the last match of a
/// rule that resolves after a quiet period. Persisted with the tickets, so restarts lose nothing.
struct SubjectState: Sendable, Hashable {
    /// Window rules: the most recent matches, oldest first (at most twice the threshold).
    var recent: [Match] = []
    /// Not-followed-by rules: the opening event still waiting for its closing one.
    var opening: Match?
    /// Absence and daily-deadline rules: the latest sign of life.
    var lastSeen: EventTime?
    /// Quiet auto-resolve: the latest matching trigger event.
    var lastMatch: EventTime?
    /// Absence rules: a ticket was raised for the current silence (no new one until a sign of life).
    var silenceReported = false
    /// Absence rules: the subject's absence timer is pending (at most one). Not persisted: timers are rebuilt
    /// from the state at start.
    var absenceArmed = false

    /// An event that matched: its time and id.
    struct Match: Sendable, Hashable {
        var time: EventTime
        var id: String
    }

    /// Whether there is nothing to remember.
    var isEmpty: Bool {
        recent.isEmpty && opening == nil && lastSeen == nil && lastMatch == nil && !silenceReported
    }
}
