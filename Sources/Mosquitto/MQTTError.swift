/// Errors of the MQTT client that are not a bare libmosquitto return code (see ``MosquittoError``).
///
/// Each case carries the value or reason needed to act on it; none carries credentials.
public enum MQTTError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The broker URL could not be parsed; `reason` says what is wrong with it.
    case invalidURL(String, reason: String)
    /// A configuration value is out of range; `reason` names the setting.
    case invalidConfiguration(reason: String)
    /// `cleanSession == false` asks for a persistent session, which the broker can only find again by a fixed client id.
    case persistentSessionRequiresClientID
    /// The broker answered CONNECT with a refusal (bad credentials, not authorised, …).
    ///
    /// `code` is the CONNACK return code (MQTT 3.1.1) or reason code (MQTT 5); `reason` is its text.
    case connectionRefused(code: Int32, reason: String)
    /// The first connection attempt failed before the broker answered (closed port, TLS failure, DNS, …).
    case connectionFailed(host: String, port: Int, reason: String)
    /// No CONNACK arrived within the configured connect timeout.
    case connectTimeout(host: String, port: Int, after: Duration)
    /// The topic filter is not a valid MQTT subscription filter.
    case invalidTopicFilter(String)
    /// The topic is not a valid MQTT topic name to publish to (empty, or containing `+` or `#`).
    case invalidTopic(String)
    /// The broker refused the subscription (SUBACK failure code), for example because of its ACL.
    case subscriptionRefused(filter: String)
    /// The client has shut down; no further operations are possible.
    case clientClosed

    /// A sentence describing the error, naming the offending value.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid MQTT URL '\(url)': \(reason)"
        case .invalidConfiguration(let reason):
            "invalid MQTT configuration: \(reason)"
        case .persistentSessionRequiresClientID:
            "a persistent session (cleanSession false) requires a fixed clientID"
        case .connectionRefused(let code, let reason):
            "the MQTT broker refused the connection: \(reason) (code \(code))"
        case .connectionFailed(let host, let port, let reason):
            "could not connect to the MQTT broker at \(host):\(port): \(reason)"
        case .connectTimeout(let host, let port, let after):
            "no answer from the MQTT broker at \(host):\(port) within \(after)"
        case .invalidTopicFilter(let filter):
            "invalid MQTT topic filter '\(filter)'"
        case .invalidTopic(let topic):
            "invalid MQTT topic '\(topic)' (empty, or contains a wildcard)"
        case .subscriptionRefused(let filter):
            "the MQTT broker refused the subscription to '\(filter)'"
        case .clientClosed:
            "the MQTT client has shut down"
        }
    }
}
