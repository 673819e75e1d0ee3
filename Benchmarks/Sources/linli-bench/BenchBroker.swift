import Foundation
import LinliCore
import Logging
import Mosquitto
import TestSupport

/// A private mosquitto on a free loopback port (as the tests start it), set up to queue large backlogs for
/// offline persistent sessions, and the helpers the broker benchmarks share.
struct BenchBroker {
    let broker: MosquittoBroker

    /// The topic filter every consumer subscribes to.
    static let filter = "linli/v1/+/+/+/event"

    /// Starts the broker: a queue of up to a million messages per session, no byte limit, QoS 0 messages
    /// queued for offline sessions too (so a QoS 0 backlog can be measured), a window of 1,000 in-flight
    /// messages per subscriber (as `Config/mosquitto.conf`).
    static func start() async throws -> BenchBroker {
        let broker = try await MosquittoBroker.start(
            extraConfig: """
                max_queued_bytes 0
                max_inflight_messages 1000
                queue_qos0_messages true
                """
        )
        return BenchBroker(broker: broker)
    }

    var url: String { broker.url }

    /// Registers persistent sessions subscribed at `qos` with `mosquitto_sub` (MQTT 3.1.1, as the Python peer
    /// and `mosquitto_sub` drain them), so the broker queues what is published while they are away.
    func registerWithMosquittoSub(_ clientIDs: [String], qos: Int, work: String) throws {
        for id in clientIDs {
            let status = try Subprocess.run(
                "mosquitto_sub",
                ["-h", broker.host, "-p", "\(broker.port)", "-c", "-i", id, "-q", "\(qos)", "-t", Self.filter, "-E"],
                stdout: work + "/register.out",
                stderr: work + "/register.err"
            )
            guard status == 0 else { throw BenchError("mosquitto_sub could not register session \(id)") }
        }
    }

    /// Registers a persistent session the way the daemon connects (this client library, MQTT 3.1.1).
    func registerWithClient(_ clientID: String, qos: QoS) async throws {
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.clientID = clientID
        configuration.cleanSession = false
        try await MQTTClient.withClient(configuration: configuration, logger: Self.quietLogger) { client in
            try await client.subscribe(Self.filter, qos: qos)
        }
    }

    /// Publishes every message at QoS 1 and waits until the broker acknowledged all of them.
    func publish(_ messages: EngineBenchmark.Messages) async throws {
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.clientID = "bench-publisher-\(UInt32.random(in: 0...UInt32.max))"
        configuration.maxInflight = 256
        try await MQTTClient.withClient(configuration: configuration, logger: Self.quietLogger) { client in
            for index in messages.topics.indices {
                try await client.publish(topic: messages.topics[index], payload: messages.payloads[index], qos: .atLeastOnce)
            }
            try await client.flush()
        }
    }

    /// A logger that only says something when it goes wrong.
    static var quietLogger: Logger {
        var logger = Logger(label: "linli-bench")
        logger.logLevel = .error
        return logger
    }
}
