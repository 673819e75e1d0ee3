import Foundation

/// Local days and times of day in a site's IANA time zone, for daily deadlines.
///
/// Correct across midnight and daylight-saving changes: a deadline is the first instant at or after the
/// local wall-clock time on that day (a time skipped by a spring-forward change moves to the next valid
/// instant; a repeated time after fall-back takes its first occurrence).
struct LocalCalendar: Sendable {
    private let calendar: Calendar

    /// A calendar for the zone, or `nil` when the identifier is unknown.
    init?(timeZone identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// The local day containing `time`: its start (local midnight) and the instant `minutes` after midnight
    /// in local wall-clock time.
    func day(containing time: EventTime, deadlineMinutes minutes: Int) -> (start: EventTime, deadline: EventTime) {
        let start = calendar.startOfDay(for: Self.date(time))
        let deadline =
            calendar.date(
                bySettingHour: minutes / 60,
                minute: minutes % 60,
                second: 0,
                of: start,
                matchingPolicy: .nextTime,
                repeatedTimePolicy: .first,
                direction: .forward
            )
            ?? start.addingTimeInterval(TimeInterval(minutes * 60))
        return (Self.time(start), Self.time(deadline))
    }

    /// The first daily deadline strictly after `time`, with the start of its day.
    func nextDeadline(after time: EventTime, deadlineMinutes minutes: Int) -> (start: EventTime, deadline: EventTime) {
        let today = day(containing: time, deadlineMinutes: minutes)
        if today.deadline > time { return today }
        let tomorrow = calendar.date(byAdding: .day, value: 1, to: Self.date(today.start)) ?? Self.date(today.start)
        return day(containing: Self.time(tomorrow) + .seconds(3600), deadlineMinutes: minutes)
    }

    private static func date(_ time: EventTime) -> Date {
        Date(timeIntervalSince1970: TimeInterval(time.milliseconds) / 1000)
    }

    private static func time(_ date: Date) -> EventTime {
        EventTime(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}
