internal import CMosquitto

/// A message received from the broker, copied out of libmosquitto's buffers.
///
/// libmosquitto frees its message when the `on_message` callback returns, so the client copies the topic and
/// payload into this value before anything else sees it.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic the message was published to.
    public var topic: String
    /// The payload bytes (may be empty).
    public var payload: [UInt8]
    /// The QoS the message was delivered with (the lower of the publish and subscription QoS).
    public var qos: QoS
    /// Whether the broker sent it as a retained message (on subscribe), not as a live publish.
    public var retain: Bool
    /// The position of the message in this client's receive order: 1 for the first message received, then 2, 3, …
    ///
    /// Set by the client before ``MQTTClient/ReceiveHook`` runs; consecutive values prove no gap and no reordering.
    public var sequence: UInt64
    /// A value the receive hook may set, for example the journal offset the message was written to; 0 otherwise.
    public var tag: UInt64

    /// Creates a message (tests and replays; the client builds its own from the wire).
    public init(
        topic: String,
        payload: [UInt8],
        qos: QoS = .atMostOnce,
        retain: Bool = false,
        sequence: UInt64 = 0,
        tag: UInt64 = 0
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.sequence = sequence
        self.tag = tag
    }

    /// Copies topic and payload out of a libmosquitto message that is only valid during the callback.
    init(copying message: mosquitto_message, sequence: UInt64) {
        self.topic = message.topic.map { String(cString: $0) } ?? ""
        if let bytes = message.payload, message.payloadlen > 0 {
            self.payload = [UInt8](UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        } else {
            self.payload = []
        }
        self.qos = QoS(rawValue: message.qos) ?? .atMostOnce
        self.retain = message.retain
        self.sequence = sequence
        self.tag = 0
    }
}
