/// RFC 3339 timestamps (`2026-11-27T08:00:00+08:00`) to and from ``EventTime``, by pure arithmetic.
///
/// Parsing is strict about what the contract requires and lenient only where RFC 3339 itself is:
/// - a full date `YYYY-MM-DD` (four-digit year, month 1...12, day valid for the month, leap years included);
/// - `T` or `t` (a space is not accepted);
/// - a full time `hh:mm:ss` (hour 0...23, minute 0...59, second 0...60), an optional fraction of any
///   number of digits (truncated to milliseconds);
/// - an offset, which is required: `Z`, `z` or `±hh:mm` (hour 0...23, minute 0...59);
/// - an instant whose UTC date still has a four-digit year (so it can be written back).
///
/// A leap second (`:60`) is read as the first instant of the next minute. No calendar, time zone database
/// or Foundation is involved: dates convert with the days-from-civil algorithm, so this runs in Core.
///
/// ```swift
/// let time = RFC3339.parse("2026-11-27T08:00:00+08:00")   // 2026-11-27T00:00:00Z
/// RFC3339.format(time!)                                      // "2026-11-27T00:00:00Z"
/// RFC3339.format(time!, offsetSeconds: 8 * 3600)             // "2026-11-27T08:00:00+08:00"
/// ```
public enum RFC3339 {
    /// Parses an RFC 3339 timestamp with a required offset; `nil` when `text` is not one.
    public static func parse(_ text: some StringProtocol) -> EventTime? {
        var string = String(text)
        return string.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Parses an RFC 3339 timestamp from its UTF-8 bytes; `nil` when they are not one.
    public static func parse(bytes: [UInt8]) -> EventTime? {
        bytes.withUnsafeBytes { parse(bytes: $0) }
    }

    /// Parses an RFC 3339 timestamp from its UTF-8 bytes; `nil` when they are not one.
    ///
    /// This is the allocation-free form the event decoder uses on payload bytes.
    public static func parse(bytes: UnsafeRawBufferPointer) -> EventTime? {
        // Shortest valid form: "YYYY-MM-DDThh:mm:ssZ" (20 bytes).
        let count = bytes.count
        guard count >= 20 else { return nil }
        guard
            let year = digits(bytes, 0, 4), bytes[4] == UInt8(ascii: "-"),
            let month = digits(bytes, 5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = digits(bytes, 8, 2),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let hour = digits(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
            let minute = digits(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
            let second = digits(bytes, 17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }

        var index = 19
        var millis = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < count, let value = digit(bytes[index]) {
                if index - start < 3 { millis = millis * 10 + value }
                index += 1
            }
            let fractionDigits = index - start
            guard fractionDigits > 0 else { return nil }
            var scale = fractionDigits
            while scale < 3 {
                millis *= 10
                scale += 1
            }
        }

        guard index < count else { return nil }
        let offsetSeconds: Int
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offsetSeconds = 0
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard count - index >= 6, let offsetHour = digits(bytes, index + 1, 2),
                bytes[index + 3] == UInt8(ascii: ":"), let offsetMinute = digits(bytes, index + 4, 2),
                offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
            index += 6
        default:
            return nil
        }
        guard index == count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let milliseconds = (localSeconds - Int64(offsetSeconds)) * 1000 + Int64(millis)
        // The instant itself must have a four-digit year in UTC, as the store and the wire write it
        // (`0000-01-01T00:00:00+08:00` is in year -1).
        guard representable.contains(milliseconds) else { return nil }
        return EventTime(milliseconds: milliseconds)
    }

    /// The instants whose UTC form has a four-digit year: 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
    static let representable: ClosedRange<Int64> = {
        let first = Int64(daysFromCivil(year: 0, month: 1, day: 1)) * 86_400_000
        let end = Int64(daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400_000
        return first...(end - 1)
    }()

    /// Formats `time` in UTC with `Z`: `2026-11-27T00:00:00Z`, or `2026-11-27T00:00:00.250Z` when the
    /// milliseconds are not zero.
    public static func format(_ time: EventTime) -> String {
        format(time, offsetSeconds: 0)
    }

    /// Formats `time` as local time at a fixed UTC offset: `2026-11-27T08:00:00+08:00`.
    ///
    /// An offset of zero is written `Z`. RFC 3339 offsets are whole minutes below a day, so `offsetSeconds`
    /// is truncated to whole minutes and clamped to ±23:59. Years outside 0...9999 (which RFC 3339 cannot
    /// express) are written with as many digits as they need, so formatting never fails.
    /// - Parameters:
    ///   - time: The instant.
    ///   - offsetSeconds: Seconds east of UTC, e.g. `28800` for `+08:00`.
    public static func format(_ time: EventTime, offsetSeconds: Int) -> String {
        let offsetMinutes = max(-(24 * 60 - 1), min(24 * 60 - 1, offsetSeconds / 60))
        let (localMillis, overflow) = time.milliseconds.addingReportingOverflow(Int64(offsetMinutes) * 60_000)
        let local = overflow ? time.milliseconds : localMillis
        let (seconds, millis) = floorDivision(local, 1000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilFromDays(days)

        var out: [UInt8] = []
        out.reserveCapacity(29)
        if year < 0 { out.append(UInt8(ascii: "-")) }
        appendPadded(&out, Int(year.magnitude), width: 4)
        out.append(UInt8(ascii: "-"))
        appendPadded(&out, month, width: 2)
        out.append(UInt8(ascii: "-"))
        appendPadded(&out, day, width: 2)
        out.append(UInt8(ascii: "T"))
        appendPadded(&out, Int(secondOfDay / 3600), width: 2)
        out.append(UInt8(ascii: ":"))
        appendPadded(&out, Int(secondOfDay % 3600 / 60), width: 2)
        out.append(UInt8(ascii: ":"))
        appendPadded(&out, Int(secondOfDay % 60), width: 2)
        if millis != 0 {
            out.append(UInt8(ascii: "."))
            appendPadded(&out, Int(millis), width: 3)
        }
        if offsetMinutes == 0 {
            out.append(UInt8(ascii: "Z"))
        } else {
            out.append(offsetMinutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendPadded(&out, abs(offsetMinutes) / 60, width: 2)
            out.append(UInt8(ascii: ":"))
            appendPadded(&out, abs(offsetMinutes) % 60, width: 2)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthPrime + 2) / 5 + 1)
        let month = Int(monthPrime < 10 ? monthPrime + 3 : monthPrime - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Whether `year` is a Gregorian leap year.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Days in `month` (1...12) of `year`.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte &- UInt8(ascii: "0")) : nil
    }

    private static func digits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    private static func appendPadded(_ out: inout [UInt8], _ value: Int, width: Int) {
        var divisor = 1
        var digitCount = 1
        while divisor <= value / 10 {
            divisor *= 10
            digitCount += 1
        }
        while digitCount < width {
            out.append(UInt8(ascii: "0"))
            digitCount += 1
        }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
