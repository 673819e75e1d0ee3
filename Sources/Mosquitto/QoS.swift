/// MQTT quality of service for a publish or a subscription.
public enum QoS: Int32, Sendable, Hashable, CaseIterable, Comparable {
    /// QoS 0: fire and forget; lost if the connection drops.
    case atMostOnce = 0
    /// QoS 1: acknowledged by the receiver (PUBACK); may be delivered more than once.
    case atLeastOnce = 1
    /// QoS 2: delivered exactly once through a four-packet handshake.
    case exactlyOnce = 2

    /// Orders by the numeric level.
    public static func < (lhs: QoS, rhs: QoS) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
