public import LinliCore

/// An event already processed, remembered so that a redelivery of it is recognised and skipped.
public struct SeenEvent: Sendable, Hashable {
    /// Where the event came from, e.g. the device or gateway id that numbers its events.
    public var source: String
    /// The event's id, unique within ``source``.
    public var id: String
    /// The event's time; seen events are pruned by it.
    public var time: EventTime

    /// Creates a seen event.
    public init(source: String, id: String, time: EventTime) {
        self.source = source
        self.id = id
        self.time = time
    }
}
