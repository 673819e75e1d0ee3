import Mosquitto

/// Publishes messages paced by their clock: each at its offset divided by the speed, then waits for every
/// acknowledgement.
enum Publisher {
    /// One message and when it is due.
    struct Paced {
        /// MQTT topic.
        var topic: String
        /// Payload bytes.
        var payload: [UInt8]
        /// When it is due on the scenario (or capture) clock, from its start; `nil` publishes at once.
        var offset: Duration?
    }

    /// Publishes `messages` in order, then flushes.
    ///
    /// - Parameters:
    ///   - messages: What to publish, ordered by offset.
    ///   - end: The clock's end; at a finite speed the call returns no sooner (so a run lasts its duration).
    ///   - speed: The pacing.
    ///   - qos: The publish QoS.
    ///   - client: A connected client.
    /// - Returns: The wall time taken, acknowledgements included.
    static func publish(
        _ messages: [Paced],
        end: Duration?,
        speed: Speed,
        qos: QoS,
        client: MQTTClient
    ) async throws -> Duration {
        let clock = ContinuousClock()
        let began = clock.now
        for message in messages {
            if let offset = message.offset, let wait = speed.wallTime(for: offset) {
                try await clock.sleep(until: began + wait)
            }
            try await client.publish(topic: message.topic, payload: message.payload, qos: qos)
        }
        try await client.flush()
        if let end, let wait = speed.wallTime(for: end) {
            try await clock.sleep(until: began + wait)
        }
        return clock.now - began
    }
}
