/// `repeat: {count: 5, every: 30s}`: `count` sends in all, the first at the incident's time.
public struct Repetition: Sendable, Hashable {
    /// How many sends in all (at least 1).
    public var count: Int
    /// The gap between sends.
    public var every: Duration

    /// Creates a repetition.
    public init(count: Int, every: Duration) {
        self.count = count
        self.every = every
    }

    /// The offsets of each send from the first: `0, every, 2·every, …`.
    public var offsets: [Duration] {
        (0..<max(1, count)).map { every * $0 }
    }
}
