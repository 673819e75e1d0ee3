import Foundation
import LinliCore

/// The wall clock, read only here in the executable.
enum WallClock {
    /// Now, as an event time.
    static func now() -> EventTime {
        EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
