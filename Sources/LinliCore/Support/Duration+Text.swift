extension Duration {
    /// Parses a duration written as in rules and configuration: `90s`, `30m`, `2h`, `1d`, `1h30m`, `250ms`.
    ///
    /// Returns `nil` for anything else (no sign, no fractions, at least one unit).
    public init?(text: String) {
        var total: Int64 = 0
        var number: Int64? = nil
        var index = text.startIndex
        guard !text.isEmpty else { return nil }
        while index < text.endIndex {
            let character = text[index]
            if let digit = character.wholeNumberValue, character.isASCII {
                let (times, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2 else { return nil }
                number = sum
                index = text.index(after: index)
                continue
            }
            guard let value = number else { return nil }
            let rest = text[index...]
            let unit: Int64
            if rest.hasPrefix("ms") {
                unit = 1
                index = text.index(index, offsetBy: 2)
            } else {
                switch character {
                case "s": unit = 1000
                case "m": unit = 60_000
                case "h": unit = 3_600_000
                case "d": unit = 86_400_000
                default: return nil
                }
                index = text.index(after: index)
            }
            let (part, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            total += part
            number = nil
        }
        guard number == nil else { return nil }
        self = .milliseconds(total)
    }

    /// Short text for a duration: `2h`, `30m`, `1h30m`, `45s`, `250ms`.
    public var shortText: String {
        var rest = milliseconds
        if rest == 0 { return "0s" }
        var parts = ""
        for (unit, suffix) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")]
        where rest >= unit {
            parts += "\(rest / unit)\(suffix)"
            rest %= unit
        }
        return parts
    }
}
