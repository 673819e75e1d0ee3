import Foundation
import Logging
import Mosquitto
import TestSupport

/// A logger for one test: standard error, at `MQTT_TEST_LOG_LEVEL` (default `critical`, i.e. quiet).
func makeTestLogger(_ label: String) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    let level = ProcessInfo.processInfo.environment["MQTT_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
    logger.logLevel = level ?? .critical
    return logger
}

/// A client configuration for `broker` with a persistent session (clean session off) under a client id of its own,
/// speaking `version` (by default the configuration's default).
func persistentConfiguration(
    on broker: MosquittoBroker,
    named name: String,
    version: MQTTConfiguration.ProtocolVersion? = nil
) throws -> MQTTConfiguration {
    var configuration = try MQTTConfiguration(url: broker.url)
    configuration.clientID = "\(name)-\(UUID().uuidString.prefix(8))"
    configuration.cleanSession = false
    if let version { configuration.protocolVersion = version }
    return configuration
}

/// A topic prefix no other test uses.
func uniqueTopic(_ name: String) -> String {
    "test/\(UUID().uuidString.prefix(8))/\(name)"
}

/// A payload that encodes `index` and contains the bytes 0 and 255.
func payload(_ index: Int) -> [UInt8] {
    [UInt8(truncatingIfNeeded: index), UInt8(truncatingIfNeeded: index >> 8), 0, 255] + Array("message \(index)".utf8)
}

extension MQTTMessages {
    /// Takes exactly `count` messages through `nextBatch`, or what arrived before `timeout`.
    func collect(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [MQTTMessage] {
        try await withThrowingTaskGroup(of: [MQTTMessage]?.self) { group in
            group.addTask {
                var iterator = makeAsyncIterator()
                var received: [MQTTMessage] = []
                received.reserveCapacity(count)
                while received.count < count, let batch = await iterator.nextBatch(maximum: count - received.count) {
                    received += batch
                }
                return received
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            while let result = try await group.next() {
                group.cancelAll()
                if let received = result { return received }
            }
            return []
        }
    }
}

extension MQTTClient {
    /// Waits until `condition` holds for an event from `events`, or throws after `timeout`.
    static func waitFor(
        _ events: AsyncStream<MQTTClient.ConnectionEvent>,
        timeout: Duration = .seconds(20),
        where condition: @escaping @Sendable (MQTTClient.ConnectionEvent) -> Bool
    ) async throws -> MQTTClient.ConnectionEvent? {
        try await withThrowingTaskGroup(of: MQTTClient.ConnectionEvent?.self) { group in
            group.addTask {
                for await event in events where condition(event) { return event }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
