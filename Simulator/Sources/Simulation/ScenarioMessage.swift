public import LinliCore

/// One message a scenario publishes: topic, payload bytes, and its time on the scenario clock.
public struct ScenarioMessage: Sendable, Hashable {
    /// MQTT topic.
    public var topic: String
    /// Payload bytes (a CloudEvent, or malformed on purpose).
    public var payload: [UInt8]
    /// When it happens on the scenario clock (the event time of a valid event); publishers pace by it.
    public var time: EventTime

    /// Creates a message.
    public init(topic: String, payload: [UInt8], time: EventTime) {
        self.topic = topic
        self.payload = payload
        self.time = time
    }
}
