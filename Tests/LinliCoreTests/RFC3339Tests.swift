import LinliCore
import Testing

@Suite struct RFC3339Tests {
    /// Expected values were computed independently (Python's `datetime.fromisoformat`).
    static let valid: [(text: String, milliseconds: Int64)] = [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-11-27T08:00:00+08:00", 1_795_737_600_000),
        ("2026-11-27T00:00:00Z", 1_795_737_600_000),
        ("2026-11-27t00:00:00z", 1_795_737_600_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("2000-02-29T00:00:00Z", 951_782_400_000),
        ("2026-01-01T00:30:00+01:00", 1_767_223_800_000),
        ("2026-03-01T23:30:00-05:00", 1_772_425_800_000),
        ("2026-11-27T08:00:00.123+08:00", 1_795_737_600_123),
        ("2026-11-27T08:00:00.1+08:00", 1_795_737_600_100),
        ("2026-11-27T08:00:00.12+08:00", 1_795_737_600_120),
        ("2026-11-27T08:00:00.123999999+08:00", 1_795_737_600_123),
        ("2026-06-15T14:05:09.250Z", 1_781_532_309_250),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2016-12-31T23:59:60Z", 1_483_228_800_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
        ("2026-11-27T00:00:00-00:00", 1_795_737_600_000),
        ("2026-11-27T23:59:00+23:59", 1_795_737_600_000),
    ]

    @Test("parses RFC 3339 timestamps with offsets, fractions and leap days", arguments: valid)
    func parsesValid(_ example: (text: String, milliseconds: Int64)) throws {
        let time = try #require(RFC3339.parse(example.text))
        #expect(time.milliseconds == example.milliseconds)
        #expect(RFC3339.parse(bytes: Array(example.text.utf8)) == time)
    }

    static let invalid = [
        "2026-11-27T08:00:00",  // no offset
        "2026-11-27 08:00:00Z",  // space instead of T
        "2026-11-27",  // date only
        "2026-02-29T00:00:00Z",  // not a leap year
        "1900-02-29T00:00:00Z",  // century, not a leap year
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-11-00T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-11-27T24:00:00Z",
        "2026-11-27T08:60:00Z",
        "2026-11-27T08:00:61Z",
        "2026-11-27T08:00:00.Z",  // empty fraction
        "2026-11-27T08:00:00+8:00",
        "2026-11-27T08:00:00+0800",
        "2026-11-27T08:00:00+24:00",
        "2026-11-27T08:00:00+08:60",
        "2026-11-27T08:00:00+08:00 ",
        "2026-11-27T08:00:00Zjunk",
        "26-11-27T08:00:00Z",
        "2026-1-27T08:00:00Z",
        "+2026-11-27T08:00:00Z",
        "2026-11-27T08:00Z",
        "",
        "２026-11-27T08:00:00Z",  // a non-ASCII digit
        "0000-01-01T00:00:00+08:00",  // year -1 in UTC: could not be written back (found by the fuzzer)
        "9999-12-31T23:59:59-00:01",  // year 10000 in UTC
    ]

    @Test("rejects anything that is not RFC 3339 with an offset", arguments: invalid)
    func rejectsInvalid(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("formats in UTC with Z, milliseconds only when not zero")
    func formatsUTC() {
        #expect(RFC3339.format(EventTime(milliseconds: 1_795_737_600_000)) == "2026-11-27T00:00:00Z")
        #expect(RFC3339.format(EventTime(milliseconds: 1_795_737_600_123)) == "2026-11-27T00:00:00.123Z")
        #expect(RFC3339.format(EventTime(milliseconds: 1_795_737_600_050)) == "2026-11-27T00:00:00.050Z")
        #expect(RFC3339.format(EventTime(milliseconds: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(EventTime(milliseconds: -1)) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.format(EventTime(milliseconds: 951_782_400_000)) == "2000-02-29T00:00:00Z")
        #expect(EventTime(milliseconds: 1_709_208_000_000).description == "2024-02-29T12:00:00Z")
    }

    @Test("formats at a fixed offset, crossing midnight and the year")
    func formatsWithOffset() {
        let time = EventTime(milliseconds: 1_795_737_600_000)  // 2026-11-27T00:00:00Z
        #expect(RFC3339.format(time, offsetSeconds: 8 * 3600) == "2026-11-27T08:00:00+08:00")
        #expect(RFC3339.format(time, offsetSeconds: -5 * 3600 - 1800) == "2026-11-26T18:30:00-05:30")
        #expect(RFC3339.format(time, offsetSeconds: 0) == "2026-11-27T00:00:00Z")
        let newYear = EventTime(milliseconds: 1_767_223_800_000)  // 2025-12-31T23:30:00Z
        #expect(RFC3339.format(newYear, offsetSeconds: 3600) == "2026-01-01T00:30:00+01:00")
        #expect(RFC3339.format(newYear) == "2025-12-31T23:30:00Z")
    }

    @Test("format then parse gives back the same instant, at any offset")
    func roundTrips() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let offsets = [0, 3600, 8 * 3600, -5 * 3600 - 1800, 14 * 3600, -12 * 3600, 345 * 60]
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Anywhere from 0001-01-01 to 9999-12-30.
            let milliseconds = -62_135_596_800_000 + Int64(state >> 11) % 315_537_811_200_000
            let time = EventTime(milliseconds: milliseconds)
            for offset in offsets {
                let text = RFC3339.format(time, offsetSeconds: offset)
                #expect(RFC3339.parse(text) == time, "\(text)")
            }
        }
    }

    @Test("a substring parses like the string")
    func parsesSubstring() {
        let line = "at=2026-11-27T08:00:00+08:00;"
        let slice = line.dropFirst(3).dropLast()
        #expect(RFC3339.parse(slice) == EventTime(milliseconds: 1_795_737_600_000))
    }
}
