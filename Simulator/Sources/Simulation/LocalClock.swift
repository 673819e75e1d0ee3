import LinliCore

/// Local time at a fixed offset from UTC.
struct LocalClock {
    /// Milliseconds east of UTC.
    var offsetMilliseconds: Int64

    private static let day: Int64 = 86_400_000

    /// The local hour, 0...23.
    func hour(_ time: EventTime) -> Int {
        Int(Self.modulo(time.milliseconds + offsetMilliseconds, Self.day) / 3_600_000)
    }

    /// The instant of local midnight starting the day of `time`.
    func dayStart(_ time: EventTime) -> EventTime {
        EventTime(milliseconds: time.milliseconds - Self.modulo(time.milliseconds + offsetMilliseconds, Self.day))
    }

    private static func modulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
