extension DaemonConfiguration {
    /// The MQTT ticket feed: every ticket change published retained to `linli/v1/{site}/tickets/{id}`.
    public struct Feed: Sendable {
        /// Whether the daemon publishes the feed.
        public var enabled = true
        /// How long after a ticket is resolved its retained message is cleared.
        public var clearAfter: Duration = .seconds(3600)
        /// Client id of the feed's own broker connection; `nil` is `mqtt.client_id` + `-feed`.
        public var clientID: String?

        /// Creates the defaults.
        public init() {}
    }
}
