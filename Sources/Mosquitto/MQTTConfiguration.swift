/// How an ``MQTTClient`` connects to its broker and buffers what it receives.
///
/// Every setting has a default, so `MQTTConfiguration()` talks MQTT 3.1.1 to a broker on `127.0.0.1:1883`
/// with a random client id and a clean session. Build one from a URL with ``init(url:)``.
///
/// ```swift
/// var configuration = try MQTTConfiguration(url: "mqtts://broker.example:8883")
/// configuration.clientID = "linli-ingest-1"
/// configuration.cleanSession = false      // persistent session: messages queue while we are away
/// configuration.protocolVersion = .v5
/// ```
///
/// - Important: ``password`` is never logged and is hidden from ``description``.
public struct MQTTConfiguration: Sendable, CustomStringConvertible {
    /// The MQTT protocol version spoken on the connection.
    public enum ProtocolVersion: Sendable, Hashable {
        /// MQTT 3.1.1.
        case v311
        /// MQTT 5.
        case v5
    }

    /// The broker host name or IP address.
    public var host: String
    /// The broker TCP port (1883 for plain MQTT, 8883 for MQTT over TLS by convention).
    public var port: Int
    /// The MQTT client id; `nil` lets the client pick a random one. A persistent session requires a fixed id.
    public var clientID: String?
    /// The keep-alive interval, in whole seconds (at least 5): the broker drops a client silent for 1.5 times this.
    public var keepAlive: Duration
    /// `true` starts a fresh session on each connection; `false` keeps subscriptions and queued QoS > 0
    /// messages at the broker while the client is away (requires ``clientID``).
    public var cleanSession: Bool
    /// The protocol version; defaults to MQTT 3.1.1.
    public var protocolVersion: ProtocolVersion
    /// How long an MQTT 5 broker keeps a persistent session after the client disconnects (whole seconds).
    ///
    /// Sent as the Session Expiry Interval property when ``protocolVersion`` is ``ProtocolVersion/v5`` and
    /// ``cleanSession`` is `false`: without it an MQTT 5 broker ends the session at disconnect.
    public var sessionExpiry: Duration
    /// The user name sent on CONNECT, if any.
    public var username: String?
    /// The password sent on CONNECT, if any (requires ``username``). Never logged.
    public var password: String?
    /// TLS settings; `nil` for a plain TCP connection.
    public var tls: TLSConfiguration?
    /// The first delay before reconnecting after a lost connection (whole seconds, at least 1).
    public var reconnectDelay: Duration
    /// The longest delay between reconnect attempts; delays double from ``reconnectDelay`` up to this.
    public var maxReconnectDelay: Duration
    /// How long ``MQTTClient/withClient(configuration:logger:onReceive:_:)`` waits for the first CONNACK.
    public var connectTimeout: Duration
    /// How many received messages may wait for the consumer before the network thread stops reading
    /// (back-pressure to the broker). Messages are never dropped.
    public var inboundCapacity: Int
    /// How many QoS 1 and 2 publishes may await their acknowledgement before `publish` waits (1…65535).
    ///
    /// Larger is not faster beyond a few hundred: libmosquitto keeps the messages in flight in a list that it
    /// walks on every publish and every acknowledgement. Publishing 300,000 messages to a local broker took
    /// 150 s with a window of 10,000 and 9 s with 256 (which already covers the round trip at 30,000 a second).
    public var maxInflight: Int

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String? = nil,
        keepAlive: Duration = .seconds(30),
        cleanSession: Bool = true,
        protocolVersion: ProtocolVersion = .v311,
        sessionExpiry: Duration = .seconds(86_400),
        username: String? = nil,
        password: String? = nil,
        tls: TLSConfiguration? = nil,
        reconnectDelay: Duration = .seconds(1),
        maxReconnectDelay: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        inboundCapacity: Int = 10_000,
        maxInflight: Int = 1_000
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepAlive = keepAlive
        self.cleanSession = cleanSession
        self.protocolVersion = protocolVersion
        self.sessionExpiry = sessionExpiry
        self.username = username
        self.password = password
        self.tls = tls
        self.reconnectDelay = reconnectDelay
        self.maxReconnectDelay = maxReconnectDelay
        self.connectTimeout = connectTimeout
        self.inboundCapacity = inboundCapacity
        self.maxInflight = maxInflight
    }

    /// The settings with the password redacted, safe to log.
    public var description: String {
        let scheme = tls == nil ? "mqtt" : "mqtts"
        let version = protocolVersion == .v5 ? "5" : "3.1.1"
        return "\(scheme)://\(host):\(port) clientID=\(clientID ?? "<random>") cleanSession=\(cleanSession) "
            + "protocol=\(version) username=\(username ?? "<none>") password=\(password == nil ? "<none>" : "<redacted>")"
    }

    /// Checks every value that libmosquitto would reject or that makes no sense, naming the setting.
    func validate() throws(MQTTError) {
        if !cleanSession && (clientID ?? "").isEmpty {
            throw .persistentSessionRequiresClientID
        }
        if let clientID, clientID.isEmpty {
            throw .invalidConfiguration(reason: "clientID must not be empty (use nil for a random id)")
        }
        if host.isEmpty {
            throw .invalidConfiguration(reason: "host must not be empty")
        }
        if !(1...65_535).contains(port) {
            throw .invalidConfiguration(reason: "port \(port) is not in 1…65535")
        }
        if keepAlive.wholeSeconds < 5 || keepAlive.wholeSeconds > 65_535 {
            throw .invalidConfiguration(reason: "keepAlive must be 5…65535 seconds")
        }
        if sessionExpiry.wholeSeconds < 0 || sessionExpiry.wholeSeconds > Int64(UInt32.max) {
            throw .invalidConfiguration(reason: "sessionExpiry must be 0…\(UInt32.max) seconds")
        }
        if password != nil && username == nil {
            throw .invalidConfiguration(reason: "password requires a username")
        }
        if reconnectDelay.wholeSeconds < 1 || maxReconnectDelay < reconnectDelay {
            throw .invalidConfiguration(reason: "reconnectDelay must be at least 1 second and at most maxReconnectDelay")
        }
        if connectTimeout <= .zero {
            throw .invalidConfiguration(reason: "connectTimeout must be positive")
        }
        if inboundCapacity < 1 {
            throw .invalidConfiguration(reason: "inboundCapacity must be at least 1")
        }
        if !(1...65_535).contains(maxInflight) {
            throw .invalidConfiguration(reason: "maxInflight must be 1…65535 (MQTT packet ids are 16-bit)")
        }
        if let tls, (tls.certFile == nil) != (tls.keyFile == nil) {
            throw .invalidConfiguration(reason: "tls.certFile and tls.keyFile must be given together")
        }
    }
}

extension Duration {
    /// The whole seconds of the duration (fractions are dropped), as libmosquitto takes them.
    var wholeSeconds: Int64 {
        components.seconds
    }

    /// The duration in milliseconds, a started millisecond counting whole, as `poll` takes a timeout.
    var millisecondsRoundedUp: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1_000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
