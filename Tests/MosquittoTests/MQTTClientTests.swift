import Foundation
import Mosquitto
import Synchronization
import TestSupport
import Testing

/// Tests against a real mosquitto broker started on a free loopback port.
@Suite("MQTTClient with a real broker", .serialized, .timeLimit(.minutes(1)))
struct MQTTClientTests {
    @Test("round trip keeps topics, payload bytes and order", arguments: [QoS.atMostOnce, .atLeastOnce])
    func roundTrip(qos: QoS) async throws {
        let broker = try await MosquittoBroker.start()
        let configuration = try MQTTConfiguration(url: broker.url)
        let topic = uniqueTopic("round-trip")
        let count = 2_000
        let logger = makeTestLogger("round-trip")

        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { subscriber in
            try await subscriber.subscribe("\(topic)/#", qos: qos)
            #expect(subscriber.isConnected)
            try await MQTTClient.withClient(configuration: configuration, logger: logger) { publisher in
                for index in 0..<count {
                    try await publisher.publish(topic: "\(topic)/\(index % 7)", payload: payload(index), qos: qos)
                }
                try await publisher.flush()
            }
            let received = try await subscriber.messages.collect(count)
            // libmosquitto reads each packet in about four calls; the read buffer serves them from far fewer.
            let reads = subscriber.socketReads
            #expect(reads.reads >= UInt64(3 * count))
            #expect(reads.systemCalls * 2 < reads.reads, "\(reads)")
            return received
        }

        try #require(received.count == count)
        for (index, message) in received.enumerated() {
            #expect(message.topic == "\(topic)/\(index % 7)")
            #expect(message.payload == payload(index))
            #expect(message.qos == qos)
            #expect(!message.retain)
            #expect(message.sequence == UInt64(index + 1))
        }
    }

    @Test("QoS 0 messages a publisher's socket had not yet taken are still sent when it closes right after them")
    func closeAfterBurstSendsEverything() async throws {
        let broker = try await MosquittoBroker.start()
        let configuration = try MQTTConfiguration(url: broker.url)
        let topic = uniqueTopic("close-after-burst")
        // 8 MB: more than the loopback socket buffers hold while the broker reads nothing.
        let count = 8_000
        let padding = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000)
        let logger = makeTestLogger("close-after-burst")

        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { subscriber in
            try await subscriber.subscribe(topic, qos: .atMostOnce)
            try await MQTTClient.withClient(configuration: configuration, logger: logger) { publisher in
                broker.pause()
                for index in 0..<count {
                    try await publisher.publish(topic: topic, payload: payload(index) + padding, qos: .atMostOnce)
                }
                Task {
                    try await Task.sleep(for: .milliseconds(200))
                    broker.resume()
                }
            }
            broker.resume()
            return try await subscriber.messages.collect(count, timeout: .seconds(10))
        }

        try #require(received.count == count)
        let firstOutOfPlace = received.indices.first { received[$0].payload != payload($0) + padding }
        #expect(firstOutOfPlace == nil, "every message arrives once, in order")
    }

    @Test("a retained message reaches later subscribers until an empty retained publish clears it")
    func retainedPublishAndClear() async throws {
        let broker = try await MosquittoBroker.start()
        let configuration = try MQTTConfiguration(url: broker.url)
        let topic = uniqueTopic("retained")
        let logger = makeTestLogger("retained")

        try await MQTTClient.withClient(configuration: configuration, logger: logger) { publisher in
            try await publisher.publish(topic: topic, payload: Array("open".utf8), qos: .atLeastOnce, retain: true)
            try await publisher.flush()

            let retained = try await MQTTClient.withClient(configuration: configuration, logger: logger) { late in
                try await late.subscribe(topic, qos: .atLeastOnce)
                return try await late.messages.collect(1)
            }
            #expect(retained.first?.payload == Array("open".utf8))
            #expect(retained.first?.retain == true)

            try await publisher.publish(topic: topic, payload: [UInt8](), qos: .atLeastOnce, retain: true)
            try await publisher.flush()

            let afterClear = try await MQTTClient.withClient(configuration: configuration, logger: logger) { late in
                try await late.subscribe(topic, qos: .atLeastOnce)
                try await publisher.publish(topic: topic, payload: Array("live".utf8), qos: .atLeastOnce)
                return try await late.messages.collect(1)
            }
            #expect(afterClear.first?.payload == Array("live".utf8), "the cleared retained message must not come back")
            #expect(afterClear.first?.retain == false)
        }
    }

    @Test("a tiny inbound buffer with a slow consumer still delivers every message in order")
    func backPressure() async throws {
        let broker = try await MosquittoBroker.start()
        var configuration = try MQTTConfiguration(url: broker.url)
        let topic = uniqueTopic("back-pressure")
        let count = 400
        let logger = makeTestLogger("back-pressure")
        let publisherConfiguration = configuration
        configuration.inboundCapacity = 4

        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { subscriber in
            try await subscriber.subscribe(topic, qos: .atLeastOnce)
            try await MQTTClient.withClient(configuration: publisherConfiguration, logger: logger) { publisher in
                for index in 0..<count {
                    try await publisher.publish(topic: topic, payload: payload(index), qos: .atLeastOnce)
                }
                try await publisher.flush()
            }
            var received: [MQTTMessage] = []
            for await message in subscriber.messages {
                received.append(message)
                try await Task.sleep(for: .milliseconds(1))
                if received.count == count { break }
            }
            return received
        }

        #expect(received.map(\.payload) == (0..<count).map(payload))
        #expect(received.map(\.sequence) == (1...UInt64(count)).map { $0 })
    }

    @Test("stopReceiving disconnects but keeps what arrived: the consumer drains it, then the messages end")
    func stopReceivingDrains() async throws {
        let broker = try await MosquittoBroker.start()
        let configuration = try MQTTConfiguration(url: broker.url)
        let topic = uniqueTopic("drain")
        let count = 200
        let logger = makeTestLogger("drain")
        let arrived = Atomic<Int>(0)

        let countArrival: MQTTClient.ReceiveHook = { _ in arrived.add(1, ordering: .relaxed) }
        let drained = try await MQTTClient.withClient(configuration: configuration, logger: logger, onReceive: countArrival) {
            subscriber in
            try await subscriber.subscribe(topic, qos: .atLeastOnce)
            try await MQTTClient.withClient(configuration: configuration, logger: logger) { publisher in
                for index in 0..<count {
                    try await publisher.publish(topic: topic, payload: payload(index), qos: .atLeastOnce)
                }
                try await publisher.flush()
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while arrived.load(ordering: .relaxed) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            subscriber.stopReceiving()
            var iterator = subscriber.messages.makeAsyncIterator()
            var drained: [MQTTMessage] = []
            while let batch = await iterator.nextBatch(maximum: 64) {
                drained += batch
            }
            #expect(!subscriber.isConnected)
            return drained
        }
        #expect(drained.count == count)
        #expect(drained.map(\.payload) == (0..<count).map(payload))
    }

    @Test("the receive hook sees every message before the consumer and can tag it")
    func receiveHookRunsFirst() async throws {
        let broker = try await MosquittoBroker.start()
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.inboundCapacity = 16
        let topic = uniqueTopic("hook")
        let count = 300
        let logger = makeTestLogger("hook")
        let journal = Mutex<[UInt64]>([])

        let record: MQTTClient.ReceiveHook = { message in
            journal.withLock { $0.append(message.sequence) }
            message.tag = message.sequence * 10
        }
        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger, onReceive: record) { subscriber in
            try await subscriber.subscribe(topic, qos: .atLeastOnce)
            try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: logger) { publisher in
                for index in 0..<count {
                    try await publisher.publish(topic: topic, payload: payload(index), qos: .atLeastOnce)
                }
                try await publisher.flush()
            }
            var received: [MQTTMessage] = []
            var iterator = subscriber.messages.makeAsyncIterator()
            while received.count < count, let batch = await iterator.nextBatch(maximum: 8) {
                for message in batch {
                    let journaled = journal.withLock { $0.contains(message.sequence) }
                    #expect(journaled, "message \(message.sequence) reached the consumer before the hook")
                }
                received += batch
            }
            return received
        }

        #expect(received.count == count)
        #expect(received.allSatisfy { $0.tag == $0.sequence * 10 })
        #expect(journal.withLock { $0 } == (1...UInt64(count)).map { $0 })
    }

    @Test("flush waits until every QoS 1 publish is acknowledged, within the in-flight window")
    func flushAndWindow() async throws {
        let broker = try await MosquittoBroker.start()
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.maxInflight = 50
        let topic = uniqueTopic("flush")
        let count = 3_000
        let logger = makeTestLogger("flush")

        let received = try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: logger) {
            subscriber in
            try await subscriber.subscribe(topic, qos: .atLeastOnce)
            try await MQTTClient.withClient(configuration: configuration, logger: logger) { publisher in
                var largestWindow = 0
                for index in 0..<count {
                    try await publisher.publish(topic: topic, payload: payload(index), qos: .atLeastOnce)
                    largestWindow = max(largestWindow, publisher.inflightCount)
                }
                #expect(largestWindow <= 50)
                try await publisher.flush()
                #expect(publisher.inflightCount == 0)
            }
            return try await subscriber.messages.collect(count)
        }
        #expect(received.map(\.payload) == (0..<count).map(payload))
    }

    @Test("connection events report connection, loss and reconnection after a broker restart, and subscriptions come back")
    func reconnectsAndResubscribes() async throws {
        let broker = try await MosquittoBroker.start()
        let configuration = try MQTTConfiguration(url: broker.url)
        let topic = uniqueTopic("restart")
        let logger = makeTestLogger("restart")

        try await MQTTClient.withClient(configuration: configuration, logger: logger) { subscriber in
            try await subscriber.subscribe(topic, qos: .atLeastOnce)
            let lost = subscriber.makeConnectionEvents()
            try await broker.restart()
            let disconnected = try await MQTTClient.waitFor(lost) {
                if case .disconnected = $0 { true } else { false }
            }
            #expect(disconnected != nil)
            let back = subscriber.makeConnectionEvents()
            if !subscriber.isConnected {
                let connected = try await MQTTClient.waitFor(back) { $0 == .connected(sessionPresent: false) }
                #expect(connected != nil)
            }
            #expect(subscriber.isConnected)

            // The re-subscription races the publisher: publish until one arrives.
            try await MQTTClient.withClient(configuration: configuration, logger: logger) { publisher in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for attempt in 0..<200 {
                            try await publisher.publish(topic: topic, payload: payload(attempt), qos: .atLeastOnce)
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    let first = try await subscriber.messages.collect(1)
                    group.cancelAll()
                    #expect(first.count == 1, "no message arrived after the broker restart: not re-subscribed")
                }
            }
        }
    }

    @Test("connecting to a closed port fails quickly with a clear error")
    func closedPort() async throws {
        let port = try freeLoopbackPort()
        let configuration = MQTTConfiguration(port: port)
        let start = ContinuousClock.now
        await #expect {
            try await MQTTClient.withClient(configuration: configuration, logger: makeTestLogger("closed")) { _ in }
        } throws: { error in
            guard case .connectionFailed(let host, let failedPort, let reason) = error as? MQTTError else { return false }
            return host == "127.0.0.1" && failedPort == port && reason.lowercased().contains("refused")
        }
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test("wrong credentials are refused with the broker's reason and not retried", arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5])
    func wrongCredentials(version: MQTTConfiguration.ProtocolVersion) async throws {
        let passwords = try await PasswordBroker.start()
        defer { passwords.directory.remove() }
        let broker = passwords.broker
        var configuration = try passwords.configuration(version: version, password: "wrong")
        let logger = makeTestLogger("credentials")

        let start = ContinuousClock.now
        let error = await #expect(throws: MQTTError.self) {
            try await MQTTClient.withClient(configuration: configuration, logger: logger) { _ in }
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        guard case .connectionRefused(let code, let reason)? = error else {
            Issue.record("expected connectionRefused, got \(String(describing: error))")
            return
        }
        #expect(version == .v311 ? code == 5 : (code == 134 || code == 135))
        #expect(reason.lowercased().contains("not authori") || reason.lowercased().contains("bad user name or password"))
        #expect(error?.description.contains("wrong") == false, "the password must not appear in the error")

        // No reconnect storm: wait past the reconnect delay and count connection attempts (one is the readiness probe).
        try await Task.sleep(for: .milliseconds(1_500))
        let attempts = broker.log().components(separatedBy: "New connection from").count - 1
        #expect(attempts == 2, "broker saw \(attempts) connections:\n\(broker.log())")

        configuration.password = "right"
        let connected = try await MQTTClient.withClient(configuration: configuration, logger: logger) { $0.isConnected }
        #expect(connected)
    }

    @Test("invalid topics and filters are rejected before reaching the broker")
    func invalidTopics() async throws {
        let broker = try await MosquittoBroker.start()
        try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: makeTestLogger("topics")) {
            client in
            await #expect(throws: MQTTError.invalidTopicFilter("a/#/b")) { try await client.subscribe("a/#/b") }
            await #expect(throws: MQTTError.invalidTopic("a/+")) { try await client.publish(topic: "a/+", payload: [1]) }
            await #expect(throws: MQTTError.invalidTopic("")) { try await client.publish(topic: "", payload: [1]) }
        }
    }

    @Test("after the scope ends the message sequence finishes and calls fail with clientClosed")
    func closedClient() async throws {
        let broker = try await MosquittoBroker.start()
        let client = try await MQTTClient.withClient(configuration: MQTTConfiguration(url: broker.url), logger: makeTestLogger("closed")) {
            $0
        }
        #expect(!client.isConnected)
        var iterator = client.messages.makeAsyncIterator()
        #expect(await iterator.nextBatch(maximum: 10) == nil)
        await #expect(throws: MQTTError.clientClosed) { try await client.publish(topic: "a", payload: [1], qos: .atLeastOnce) }
        await #expect(throws: MQTTError.clientClosed) { try await client.subscribe("a") }
    }
}
