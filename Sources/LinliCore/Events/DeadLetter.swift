/// A rejected message, kept with its reason so nothing that arrived is lost without a trace.
public struct DeadLetter: Sendable, Hashable {
    /// The MQTT topic it arrived on.
    public var topic: String
    /// A stable reason code, e.g. `invalid_json`, `missing_attribute` (the metrics label).
    public var reason: String
    /// What exactly was wrong, naming the field.
    public var detail: String
    /// The first bytes of the payload (at most ``DeadLetter/payloadPrefixLimit``).
    public var payloadPrefix: [UInt8]
    /// The payload's full size in bytes.
    public var payloadSize: Int
    /// When it was received (wall-clock time of the receiving daemon).
    public var receivedAt: EventTime

    /// How many payload bytes a dead letter keeps.
    public static let payloadPrefixLimit = 512

    /// Creates a dead letter, truncating the payload to its prefix.
    public init(topic: String, reason: String, detail: String, payload: some Collection<UInt8>, receivedAt: EventTime) {
        self.topic = topic
        self.reason = reason
        self.detail = detail
        self.payloadPrefix = Array(payload.prefix(Self.payloadPrefixLimit))
        self.payloadSize = payload.count
        self.receivedAt = receivedAt
    }
}
