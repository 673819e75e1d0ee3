import Mosquitto
import TestSupport
import Testing

@Suite("MQTT over TLS with a real broker", .serialized, .timeLimit(.minutes(1)))
struct MQTTTLSTests {
    @Test("publishes and receives over TLS when the broker's CA is given, and refuses an untrusted broker")
    func roundTripOverTLS() async throws {
        let directory = try TemporaryDirectory(prefix: "tls")
        defer { directory.remove() }
        let certificates = try await TestCertificates.make(in: directory)
        let tlsPort = try freeLoopbackPort()
        let broker = try await MosquittoBroker.start(extraConfig: certificates.listenerConfig(port: tlsPort))
        var configuration = try MQTTConfiguration(url: "mqtts://127.0.0.1:\(tlsPort)")
        configuration.tls?.caFile = certificates.caFile
        let topic = uniqueTopic("tls")
        let logger = makeTestLogger("tls")

        let received = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
            try await client.subscribe(topic, qos: .atLeastOnce)
            try await client.publish(topic: topic, payload: payload(7), qos: .atLeastOnce)
            return try await client.messages.collect(1)
        }
        #expect(received.first?.payload == payload(7))

        // System CAs do not include the test CA: the handshake must fail, promptly and clearly.
        let untrusted = try MQTTConfiguration(url: "mqtts://127.0.0.1:\(tlsPort)")
        let start = ContinuousClock.now
        await #expect {
            try await MQTTClient.withClient(configuration: untrusted, logger: logger) { _ in }
        } throws: { error in
            guard case .connectionFailed(_, let port, _) = error as? MQTTError else { return false }
            return port == tlsPort
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        _ = broker
    }
}
