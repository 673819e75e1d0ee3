/// Remembers which events were already applied, so a redelivered event (same `source` + `id`) has no second
/// effect.
///
/// Bounded: it keeps the most recent ``capacity`` keys and forgets the oldest first. The shell persists
/// what it records (``SeenEvent``) so the memory survives restarts.
///
/// A key is remembered as its 64-bit hash under the process's randomly seeded `Hasher` (SipHash), not as its
/// strings: 8 bytes a key instead of two strings (about 40 MB less for the default 200,000 keys of real
/// event ids). Two different keys share a hash with probability 2⁻⁶⁴, so the chance that a new event is
/// taken for one of the remembered keys is at most `capacity` / 2⁶⁴ (about 10⁻¹⁴ by default: at a million
/// events a second, once in thousands of years). The seed is secret and changes with every start, so devices
/// cannot choose ids that collide.
public struct EventDeduplicator: Sendable {
    /// How many event keys are remembered.
    public let capacity: Int
    private var keys: Set<Int> = []
    private var order: [Int] = []
    private var oldest = 0

    /// Creates an empty memory of `capacity` keys.
    public init(capacity: Int = 200_000) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        keys.reserveCapacity(min(capacity, 1 << 16))
    }

    /// Records the event's key; returns `false` when it was already seen.
    public mutating func insert(source: String, id: String) -> Bool {
        let key = Self.key(source: source, id: id)
        guard keys.insert(key).inserted else { return false }
        if order.count < capacity {
            order.append(key)
        } else {
            keys.remove(order[oldest])
            order[oldest] = key
            oldest = (oldest + 1) % capacity
        }
        return true
    }

    /// Whether the key is remembered.
    public func contains(source: String, id: String) -> Bool {
        keys.contains(Self.key(source: source, id: id))
    }

    /// Number of keys remembered.
    public var count: Int { keys.count }

    /// The remembered form of an event's key: the seeded hash of both strings (`String` hashing ends each with
    /// a byte UTF-8 never contains, so `"ab" + "c"` and `"a" + "bc"` differ).
    private static func key(source: String, id: String) -> Int {
        var hasher = Hasher()
        hasher.combine(source)
        hasher.combine(id)
        return hasher.finalize()
    }
}

/// An applied event's identity and time, as persisted for redelivery de-duplication.
public struct SeenEvent: Sendable, Hashable {
    /// CloudEvents `source`.
    public var source: String
    /// CloudEvents `id`.
    public var id: String
    /// The event time.
    public var time: EventTime

    /// Creates a record.
    public init(source: String, id: String, time: EventTime) {
        self.source = source
        self.id = id
        self.time = time
    }
}
