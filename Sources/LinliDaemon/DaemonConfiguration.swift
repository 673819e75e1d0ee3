/// Everything `linli serve` needs to run, with every default in ``init()``.
///
/// Read from `Config/linli.yaml`, the environment (`LINLI_` + the key in upper case, e.g.
/// `LINLI_MQTT_PASSWORD`) and command-line flags by ``DaemonConfiguration/init(reader:)``; tests build one
/// directly.
public struct DaemonConfiguration: Sendable {
    /// Broker connection.
    public var mqtt = MQTT()
    /// SQLite file of tickets, dead letters and engine state.
    public var databasePath = "linli.sqlite"
    /// Directory of site registries (`*.yaml`).
    public var sitesDirectory = "Config/sites"
    /// Directory of rules (`*.yaml`).
    public var rulesDirectory = "Config/rules"
    /// Ingest batching: messages taken from the broker at a time; once this many are processed, their results
    /// are committed (group commit).
    public var batchSize = 1024
    /// Results without a ticket change (last-seen times, seen-event ids, dead letters) are committed at most this
    /// long after the last commit; ticket changes are committed at once. Zero commits after every batch.
    public var commitDelay: Duration = .milliseconds(50)
    /// How many applied event ids are remembered for redelivery de-duplication.
    public var deduplicationCapacity = 200_000
    /// How often the live clock advances the engine (escalations fire without waiting for events) and
    /// changes made by other processes (CLI acknowledgements) are picked up.
    public var tickInterval: Duration = .seconds(1)

    /// Whose clock the rule engine follows.
    public enum Clock: String, Sendable, Hashable, CaseIterable {
        /// Live: the engine advances with the wall clock every tick, so escalations, absences and deadlines
        /// fire without waiting for an event; events far ahead of the wall clock are rejected.
        case wall
        /// The engine follows the events' own times only, as `linli replay` does: for replaying recorded or
        /// simulated traffic through a live daemon at any speed.
        case event
    }

    /// Whose clock the engine follows.
    public var clock: Clock = .wall
    /// Events further behind the engine's clock than this are rejected as `too_late`.
    public var lateness: Duration = .seconds(3600)
    /// In wall-clock mode, events further ahead of the wall clock than this are rejected as `too_early`.
    public var futureTolerance: Duration = .seconds(300)

    /// The session timing these settings describe.
    public var timing: ProcessingSession.Timing {
        ProcessingSession.Timing(clock: clock, lateness: lateness, futureTolerance: futureTolerance)
    }

    /// The HTTP server (API, Open311, board, health, metrics).
    public var http = HTTP()
    /// The MQTT ticket feed.
    public var feed = Feed()
    /// The inbox journal every received message is written to before it is acknowledged.
    public var journal = Journal()

    /// Broker settings.
    public struct MQTT: Sendable {
        /// `mqtt://host:port` or `mqtts://host:port`.
        public var url = "mqtt://127.0.0.1:1883"
        /// Fixed client id, so the broker keeps a persistent session for the daemon.
        public var clientID = "linli-daemon"
        /// Username, if the broker needs one.
        public var username: String?
        /// Password, if the broker needs one; never logged.
        public var password: String?
        /// Keep-alive in seconds.
        public var keepAlive = 30
        /// `false` (default): a persistent session, so events published while the daemon is down arrive later.
        public var cleanSession = false
        /// Subscription QoS (1 by default: at least once).
        public var qos = 1
        /// Topic filters to subscribe to.
        public var topics = ["linli/v1/+/+/+/event"]
        /// CA certificate file for `mqtts://`.
        public var caFile: String?
        /// Client certificate file for `mqtts://`, optional.
        public var certFile: String?
        /// Client key file for `mqtts://`, optional.
        public var keyFile: String?
        /// How many received messages may wait for the pipeline before the client stops reading from the
        /// broker (back-pressure: the backlog then waits at the broker, nothing is dropped).
        public var inboundCapacity = 10_000

        /// Creates the defaults.
        public init() {}
    }

    /// Creates the defaults.
    public init() {}
}
