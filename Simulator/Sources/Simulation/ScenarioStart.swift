public import LinliCore

/// When a scenario's clock starts: a fixed instant, or the caller's wall clock when it runs.
public enum ScenarioStart: Sendable, Hashable, CustomStringConvertible {
    /// `start: now`: the caller supplies the time (the CLI its wall clock, a replay test a fixed time).
    case now
    /// `start: 2026-11-27T06:00:00+08:00`: this instant, written at this UTC offset (seconds east of UTC).
    case fixed(EventTime, offsetSeconds: Int)

    /// The start instant: the fixed time, or `now` for ``now``.
    public func resolve(now: EventTime) -> EventTime {
        switch self {
        case .now: now
        case .fixed(let time, _): time
        }
    }

    /// The UTC offset the scenario is written in, when fixed; `nil` for ``now``.
    public var offsetSeconds: Int? {
        switch self {
        case .now: nil
        case .fixed(_, let offset): offset
        }
    }

    /// Parses `now` or an RFC 3339 time with an offset; `nil` otherwise.
    public init?(text: String) {
        if text == "now" {
            self = .now
            return
        }
        guard let time = RFC3339.parse(text), let offset = Self.offset(of: text) else { return nil }
        self = .fixed(time, offsetSeconds: offset)
    }

    /// `now`, or the time written at its offset.
    public var description: String {
        switch self {
        case .now: "now"
        case .fixed(let time, let offset): RFC3339.format(time, offsetSeconds: offset)
        }
    }

    /// The offset at the end of an RFC 3339 text already known to parse: `Z` is 0, `+08:00` is 28800.
    private static func offset(of text: String) -> Int? {
        if text.hasSuffix("Z") || text.hasSuffix("z") { return 0 }
        let tail = Array(text.utf8.suffix(6))
        guard tail.count == 6, tail[0] == UInt8(ascii: "+") || tail[0] == UInt8(ascii: "-") else { return nil }
        func number(_ a: UInt8, _ b: UInt8) -> Int { Int(a - UInt8(ascii: "0")) * 10 + Int(b - UInt8(ascii: "0")) }
        let seconds = number(tail[1], tail[2]) * 3600 + number(tail[4], tail[5]) * 60
        return tail[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}
