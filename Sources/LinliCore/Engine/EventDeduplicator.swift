/// Remembers which events were already applied, so a redelivered event (same `source` + `id`) has no second
/// effect.
///
/// Bounded: it keeps the most recent ``capacity`` keys and forgets the oldest first. The shell persists
/// what it records (``SeenEvent``) so the memory survives restarts.
public struct EventDeduplicator: Sendable {
    /// How many event keys are remembered.
    public let capacity: Int
    private var keys: Set<EventKey> = []
    private var order: [EventKey] = []
    private var oldest = 0

    /// Creates an empty memory of `capacity` keys.
    public init(capacity: Int = 200_000) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        keys.reserveCapacity(min(capacity, 1 << 16))
    }

    /// Records the event's key; returns `false` when it was already seen.
    public mutating func insert(source: String, id: String) -> Bool {
        let key = EventKey(source: source, id: id)
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
        keys.contains(EventKey(source: source, id: id))
    }

    /// Number of keys remembered.
    public var count: Int { keys.count }
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

/// The de-duplication key of an event: CloudEvents `source` + `id`.
///
/// Hashed once when made (inserting and later evicting a key would otherwise hash both strings twice).
struct EventKey: Sendable, Hashable {
    let source: String
    let id: String
    private let precomputedHash: Int

    init(source: String, id: String) {
        self.source = source
        self.id = id
        var hasher = Hasher()
        hasher.combine(source)
        hasher.combine(id)
        precomputedHash = hasher.finalize()
    }

    static func == (left: EventKey, right: EventKey) -> Bool {
        left.precomputedHash == right.precomputedHash && left.id == right.id && left.source == right.source
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(precomputedHash)
    }
}
