import LinliCore

extension SplitMix64 {
    /// A uniform number in `0 ..< 1` with 53 random bits, computed here rather than by the standard library so
    /// the sequence cannot change with a toolchain.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform number in `range`.
    public mutating func number(in range: Range<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// A whole number in `0 ..< bound` (`bound` at least 1).
    public mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(max(1, bound)))
    }

    /// `true` with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// One of `choices`, drawn with the given weights.
    public mutating func weighted<Value>(_ choices: [(Value, Double)]) -> Value {
        let total = choices.reduce(0) { $0 + $1.1 }
        var point = unit() * total
        for (value, weight) in choices {
            if point < weight { return value }
            point -= weight
        }
        return choices[choices.count - 1].0
    }

    /// A duration in `range`, to the millisecond.
    public mutating func duration(in range: Range<Duration>) -> Duration {
        let low = range.lowerBound.milliseconds
        let span = max(1, range.upperBound.milliseconds - low)
        return .milliseconds(low + Int64(next() % UInt64(span)))
    }
}
