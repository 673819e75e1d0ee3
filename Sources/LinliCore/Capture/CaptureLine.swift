/// One message of a JSON Lines capture (`cli.md`): its topic, payload bytes and, optionally, when it was
/// received.
public struct CaptureLine: Sendable, Hashable {
    /// MQTT topic.
    public var topic: String
    /// Payload bytes, UTF-8 or not.
    public var payload: [UInt8]
    /// When it was received (the `at` field), if recorded.
    public var at: EventTime?

    /// Creates a capture line.
    public init(topic: String, payload: [UInt8], at: EventTime? = nil) {
        self.topic = topic
        self.payload = payload
        self.at = at
    }
}
