import Foundation
import Mosquitto
import TestSupport
import Testing

@Suite("Persistent MQTT sessions with a real broker", .serialized, .timeLimit(.minutes(1)))
struct MQTTSessionTests {
    @Test(
        "messages published while a persistent session is offline arrive when it reconnects",
        arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5]
    )
    func persistentSession(version: MQTTConfiguration.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        let configuration = try persistentConfiguration(on: broker, named: "session", version: version)
        let topic = uniqueTopic("session")
        let count = 1_000
        let logger = makeTestLogger("session")

        try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.subscribe(topic, qos: .atLeastOnce)
        }
        try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: logger) { publisher in
            for index in 0..<count {
                try await publisher.publish(topic: topic, payload: payload(index), qos: .atLeastOnce)
            }
            try await publisher.flush()
        }
        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.messages.collect(count)
        }
        #expect(received.count == count)
        #expect(received.map(\.payload) == (0..<count).map(payload))
    }

    @Test("an MQTT 5 session keeps its expiry across automatic reconnects")
    func sessionExpirySurvivesReconnect() async throws {
        let broker = try await MosquittoBroker.start(persistence: true)
        let configuration = try persistentConfiguration(on: broker, named: "expiry", version: .v5)
        let topic = uniqueTopic("expiry")
        let logger = makeTestLogger("expiry")

        try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.subscribe(topic, qos: .atLeastOnce)
            let events = client.makeConnectionEvents()
            try await broker.restart()
            let back = try await MQTTClient.waitFor(events) {
                if case .connected = $0 { true } else { false }
            }
            #expect(back == .connected(sessionPresent: true), "the broker restored the persisted session")
        }
        // Offline again after a reconnect made by libmosquitto itself: the session must still be kept.
        try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: logger) { publisher in
            try await publisher.publish(topic: topic, payload: Array("while away".utf8), qos: .atLeastOnce)
            try await publisher.flush()
        }
        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.messages.collect(1, timeout: .seconds(5))
        }
        #expect(received.first?.payload == Array("while away".utf8))
    }

    @Test(
        "a refused reconnection is retried until credentials work again",
        arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5]
    )
    func refusedReconnectionRecovers(version: MQTTConfiguration.ProtocolVersion) async throws {
        let passwords = try await PasswordBroker.start()
        defer { passwords.directory.remove() }
        let broker = passwords.broker
        var configuration = try passwords.configuration(version: version, password: "right")
        configuration.maxReconnectDelay = .seconds(2)

        try await MQTTClient.withClient(configuration: configuration, logger: makeTestLogger("refused")) { client in
            let refusedEvents = client.makeConnectionEvents()
            try await passwords.setPassword("changed")
            try await broker.restart()
            let refused = try await MQTTClient.waitFor(refusedEvents) {
                if case .refused = $0 { true } else { false }
            }
            #expect(refused != nil)
            #expect(!client.isConnected)

            let connectedEvents = client.makeConnectionEvents()
            try await passwords.setPassword("right")
            try await broker.restart()
            let connected = try await MQTTClient.waitFor(connectedEvents, timeout: .seconds(30)) {
                if case .connected = $0 { true } else { false }
            }
            #expect(connected != nil, "the client gave up after a refused reconnection")
            #expect(client.isConnected)
        }
    }

    /// Queues `count` QoS 0 messages numbered from 0 for a persistent session registered on `topic`, and returns a
    /// configuration that reconnects to it with a buffer of `capacity`.
    private func queueBacklog(
        on broker: MosquittoBroker,
        topic: String,
        count: Int,
        capacity: Int
    ) async throws
        -> MQTTConfiguration
    {
        var configuration = try persistentConfiguration(on: broker, named: "backlog")
        let logger = makeTestLogger("backlog")
        try await MQTTClient.withClient(configuration: configuration, logger: logger) {
            try await $0.subscribe(topic, qos: .atMostOnce)
        }
        try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: logger) { publisher in
            for index in 0..<count {
                try await publisher.publish(topic: topic, payload: payload(index), qos: .atLeastOnce)
            }
            try await publisher.flush()
        }
        configuration.inboundCapacity = capacity
        return configuration
    }

    /// Takes `count` messages in batches of up to 1,000; returns their payloads and the largest batch.
    private func drain(_ client: MQTTClient, count: Int) async -> (payloads: [[UInt8]], largestBatch: Int) {
        var iterator = client.messages.makeAsyncIterator()
        var payloads: [[UInt8]] = []
        var largestBatch = 0
        while payloads.count < count, let batch = await iterator.nextBatch(maximum: 1_000) {
            payloads += batch.map(\.payload)
            largestBatch = max(largestBatch, batch.count)
        }
        return (payloads, largestBatch)
    }

    @Test(
        "a backlog larger than the buffer all arrives, with back-pressure kept when the subscriber consumes while it awaits the SUBACK",
        arguments: [false, true]
    )
    func backlogAroundSubscribe(consumingConcurrently: Bool) async throws {
        let broker = try await MosquittoBroker.start(extraConfig: "queue_qos0_messages true")
        let topic = uniqueTopic("backlog")
        let configuration = try await queueBacklog(on: broker, topic: topic, count: 2_000, capacity: 8)

        let (payloads, largestBatch) = try await MQTTClient.withClient(configuration: configuration, logger: makeTestLogger("backlog")) {
            client in
            guard consumingConcurrently else {
                // The backlog arrives before the SUBACK: the buffer must take it all, or this call never returns.
                try await client.subscribe(topic, qos: .atMostOnce)
                return await drain(client, count: 2_000)
            }
            async let subscribed: Void = client.subscribe(topic, qos: .atMostOnce, consumingConcurrently: true)
            let drained = await drain(client, count: 2_000)
            try await subscribed
            return drained
        }
        #expect(payloads == (0..<2_000).map(payload))
        if consumingConcurrently {
            #expect(largestBatch <= 8, "the buffer held more than its capacity")
        } else {
            #expect(largestBatch > 8, "the backlog waited in the buffer beyond its capacity")
        }
    }

    @Test(
        "drains 20,000 messages queued for a persistent session through nextBatch and reports the rates",
        arguments: [QoS.atMostOnce, .atLeastOnce]
    )
    func drainRate(qos: QoS) async throws {
        let broker = try await MosquittoBroker.start(extraConfig: "queue_qos0_messages true")
        let configuration = try persistentConfiguration(on: broker, named: "drain")
        let topic = uniqueTopic("rate")
        let count = 20_000
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 200)
        let logger = makeTestLogger("rate")

        try await MQTTClient.withClient(configuration: configuration, logger: logger) { try await $0.subscribe(topic, qos: qos) }
        let publishStart = ContinuousClock.now
        try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: logger) { publisher in
            for _ in 0..<count {
                try await publisher.publish(topic: topic, payload: body, qos: qos)
            }
            try await publisher.flush()
        }
        let publishElapsed = ContinuousClock.now - publishStart
        // Let the broker finish routing QoS 0 messages, which flush() does not cover.
        try await Task.sleep(for: .milliseconds(200))

        let drainStart = ContinuousClock.now
        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { subscriber in
            var iterator = subscriber.messages.makeAsyncIterator()
            var received = 0
            while received < count, let batch = await iterator.nextBatch(maximum: 1_024) {
                received += batch.count
            }
            return received
        }
        let drainElapsed = ContinuousClock.now - drainStart
        #expect(received == count)
        print(
            "MQTT QoS \(qos.rawValue): published \(count) in \(publishElapsed) (\(rate(count, publishElapsed)) msg/s); "
                + "drained in \(drainElapsed) incl. connect (\(rate(count, drainElapsed)) msg/s)"
        )
    }

    private func rate(_ count: Int, _ elapsed: Duration) -> Int {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Int(Double(count) / seconds)
    }
}
