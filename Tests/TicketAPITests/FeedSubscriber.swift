import Foundation
import LinliCore
import Logging
import Mosquitto
import Synchronization
import TestSupport

/// A real MQTT subscriber to the ticket feed (`linli/v1/+/tickets/+`) that keeps what it receives.
final class FeedSubscriber: Sendable {
    /// One received message.
    struct Received: Sendable {
        var topic: String
        var payload: [UInt8]
        var retained: Bool

        /// The ticket in the payload, `nil` for a clear (empty payload).
        var ticket: Ticket? { payload.isEmpty ? nil : try? Ticket.decode(from: payload) }
    }

    private let received = Mutex<[Received]>([])

    /// Everything received so far.
    var messages: [Received] { received.withLock { $0 } }

    /// The messages on `topic`.
    func messages(on topic: String) -> [Received] {
        messages.filter { $0.topic == topic }
    }

    /// Connects to `brokerURL`, subscribes, and runs `body` while collecting.
    static func with<R: Sendable>(
        brokerURL: String,
        filter: String = "linli/v1/+/tickets/+",
        _ body: (FeedSubscriber) async throws -> R
    ) async throws -> R {
        let subscriber = FeedSubscriber()
        var configuration = try MQTTConfiguration(url: brokerURL)
        configuration.clientID = "feed-subscriber-\(UUID().uuidString.prefix(8))"
        configuration.cleanSession = true
        return try await MQTTClient.withClient(configuration: configuration, logger: Logger(label: "subscriber")) {
            client in
            try await client.subscribe(filter, qos: .atLeastOnce)
            let collector = Task {
                for await message in client.messages {
                    subscriber.received.withLock {
                        $0.append(Received(topic: message.topic, payload: message.payload, retained: message.retain))
                    }
                }
            }
            defer { collector.cancel() }
            return try await body(subscriber)
        }
    }

    /// Polls until `condition` holds on the messages, for up to `timeout`.
    func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(15),
        _ condition: @Sendable ([Received]) -> Bool
    ) async throws {
        try await LiveDaemon.waitUntil(what, timeout: timeout) { condition(self.messages) }
    }

    /// The retained messages a new subscriber gets for `topic` within `wait`.
    static func retained(
        on topic: String,
        brokerURL: String,
        wait: Duration = .milliseconds(700)
    ) async throws
        -> [Received]
    {
        try await with(brokerURL: brokerURL, filter: topic) { subscriber in
            try await Task.sleep(for: wait)
            return subscriber.messages.filter(\.retained)
        }
    }
}
