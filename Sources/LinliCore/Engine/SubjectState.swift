/// What the engine remembers about one rule and one subject, beyond its unresolved ticket.
///
/// One value per (rule, site, subject) that needs memory: the recent matches of a window rule, a pending
/// "held open" deadline, the last sign of life of an absence or daily-deadline rule, the last match of a
/// rule that resolves after a quiet period. Persisted with the tickets, so restarts lose nothing.
///
/// Laid out for the hundreds of thousands of watched subjects that only have a last sign of life: optional
/// times are plain milliseconds with a sentinel, and the rare opening match lives in an array that is empty
/// without allocating, so a state takes 40 bytes instead of 64.
struct SubjectState: Sendable, Hashable {
    /// Window rules: the most recent matches, oldest first (at most twice the threshold).
    var recent: [Match] = []
    private var openingStorage: [Match] = []
    private var lastSeenMilliseconds = Self.absent
    private var lastMatchMilliseconds = Self.absent
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

    /// Not-followed-by rules: the opening event still waiting for its closing one.
    var opening: Match? {
        get { openingStorage.first }
        set { openingStorage = newValue.map { [$0] } ?? [] }
    }

    /// Absence and daily-deadline rules: the latest sign of life.
    var lastSeen: EventTime? {
        get { Self.time(lastSeenMilliseconds) }
        set { lastSeenMilliseconds = newValue?.milliseconds ?? Self.absent }
    }

    /// Quiet auto-resolve: the latest matching trigger event.
    var lastMatch: EventTime? {
        get { Self.time(lastMatchMilliseconds) }
        set { lastMatchMilliseconds = newValue?.milliseconds ?? Self.absent }
    }

    /// Whether there is nothing to remember.
    var isEmpty: Bool {
        recent.isEmpty && openingStorage.isEmpty && lastSeenMilliseconds == Self.absent
            && lastMatchMilliseconds == Self.absent && !silenceReported
    }

    /// The milliseconds that stand for "no time" (no event is dated 292 million years BC).
    private static let absent = Int64.min

    private static func time(_ milliseconds: Int64) -> EventTime? {
        milliseconds == absent ? nil : EventTime(milliseconds: milliseconds)
    }
}
