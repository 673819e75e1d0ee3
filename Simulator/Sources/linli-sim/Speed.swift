import ArgumentParser

/// How fast to publish: a factor on the scenario (or capture) clock, or as fast as the broker acknowledges.
enum Speed: ExpressibleByArgument, Equatable, CustomStringConvertible {
    /// Scenario time divided by this factor: 1 is real time, 1440 a day a minute.
    case factor(Double)
    /// No pacing at all.
    case max

    init?(argument: String) {
        if argument == "max" {
            self = .max
        } else if let value = Double(argument), value.isFinite, value > 0 {
            self = .factor(value)
        } else {
            return nil
        }
    }

    /// The wall-clock wait for a span of scenario time, or `nil` at ``max``.
    func wallTime(for span: Duration) -> Duration? {
        switch self {
        case .factor(let factor): span * (1 / factor)
        case .max: nil
        }
    }

    var description: String {
        switch self {
        case .factor(let factor): factor == factor.rounded() ? String(Int64(factor)) : String(factor)
        case .max: "max"
        }
    }

    static var defaultValueDescription: String { "1" }
}
