/// An instant in event time: milliseconds since the Unix epoch, UTC.
///
/// All rules run in event time; the engine's clock is an ``EventTime`` supplied by its caller, never read
/// from the system. Millisecond resolution keeps the value an `Int64`, cheap to compare and to store.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// Creates a time from milliseconds since the epoch.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// Creates a time from whole seconds since the epoch.
    public init(seconds: Int64) {
        self.milliseconds = seconds * 1000
    }

    public static func < (lhs: EventTime, rhs: EventTime) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// The time `duration` later.
    public static func + (lhs: EventTime, rhs: Duration) -> EventTime {
        EventTime(milliseconds: lhs.milliseconds + rhs.milliseconds)
    }

    /// The time `duration` earlier.
    public static func - (lhs: EventTime, rhs: Duration) -> EventTime {
        EventTime(milliseconds: lhs.milliseconds - rhs.milliseconds)
    }

    /// The span from `rhs` to `lhs`.
    public static func - (lhs: EventTime, rhs: EventTime) -> Duration {
        .milliseconds(lhs.milliseconds - rhs.milliseconds)
    }

    /// RFC 3339 in UTC, e.g. `2026-11-27T00:00:00Z` (milliseconds shown only when not zero).
    public var description: String { RFC3339.format(self) }
}

extension Duration {
    /// This duration in whole milliseconds (truncated).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// This duration in whole nanoseconds (truncated).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
