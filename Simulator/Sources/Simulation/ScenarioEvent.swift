public import LinliCore

/// A timeline entry that publishes one contract event, possibly repeated.
public struct ScenarioEvent: Sendable, Hashable {
    /// Site id.
    public var site: String
    /// Device id, registered at ``site``.
    public var device: String
    /// Event type; its kind is the device's kind.
    public var type: EventType
    /// The event's data, valid for ``type``.
    public var data: EventData
    /// A fixed event id; every repetition then carries it (a redelivery). `nil`: ids come from the seed.
    public var id: String?
    /// How often to send it: once when `nil`.
    public var repetition: Repetition?

    /// Creates a timeline event.
    public init(
        site: String,
        device: String,
        type: EventType,
        data: EventData = EventData(),
        id: String? = nil,
        repetition: Repetition? = nil
    ) {
        self.site = site
        self.device = device
        self.type = type
        self.data = data
        self.id = id
        self.repetition = repetition
    }
}
