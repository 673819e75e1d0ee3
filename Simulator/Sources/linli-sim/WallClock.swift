import Foundation
import LinliCore

/// The wall clock, read only here in the executable.
enum WallClock {
    /// Now, as an event time; with `wholeSeconds`, truncated to the second (tidier scenario times).
    static func now(wholeSeconds: Bool = false) -> EventTime {
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return EventTime(milliseconds: wholeSeconds ? milliseconds - milliseconds % 1000 : milliseconds)
    }

    /// Now, in microseconds since the epoch (for send-time stamps).
    static func nowMicroseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}
