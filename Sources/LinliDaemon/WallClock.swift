import Foundation
public import LinliCore

/// The daemon's only reading of the system clock, as an ``EventTime``.
///
/// Core never reads a clock; the shell passes this in live mode (to advance the engine and to stamp dead
/// letters and people's actions).
public enum WallClock {
    /// Now, to the millisecond.
    public static func now() -> EventTime {
        EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
