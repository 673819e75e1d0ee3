import Mosquitto
import Testing

@Suite("MQTTConfiguration")
struct MQTTConfigurationTests {
    struct ValidURL: Sendable, CustomTestStringConvertible {
        let url: String
        let host: String
        let port: Int
        let tls: Bool
        var testDescription: String { url }
    }

    @Test(
        "parses broker URLs with default and explicit ports",
        arguments: [
            ValidURL(url: "mqtt://127.0.0.1:1883", host: "127.0.0.1", port: 1883, tls: false),
            ValidURL(url: "mqtt://broker.local", host: "broker.local", port: 1883, tls: false),
            ValidURL(url: "mqtts://broker.example", host: "broker.example", port: 8883, tls: true),
            ValidURL(url: "mqtts://broker.example:9000/", host: "broker.example", port: 9000, tls: true),
            ValidURL(url: "MQTT://Host:1", host: "Host", port: 1, tls: false),
            ValidURL(url: "mqtt://[::1]:1884", host: "::1", port: 1884, tls: false),
            ValidURL(url: "mqtts://[fe80::1]", host: "fe80::1", port: 8883, tls: true),
        ]
    )
    func parsesValidURL(_ example: ValidURL) throws {
        let configuration = try MQTTConfiguration(url: example.url)
        #expect(configuration.host == example.host)
        #expect(configuration.port == example.port)
        #expect((configuration.tls != nil) == example.tls)
        if let tls = configuration.tls {
            #expect(tls.caFile == nil && tls.verifyHostname, "mqtts means system CAs with hostname verification")
        }
    }

    @Test(
        "rejects malformed broker URLs with a reason",
        arguments: [
            "127.0.0.1:1883",
            "http://broker:80",
            "tcp://broker:1883",
            "mqtt://",
            "mqtt://:1883",
            "mqtt://broker:",
            "mqtt://broker:0",
            "mqtt://broker:65536",
            "mqtt://broker:12ab",
            "mqtt://broker:1883/topic",
            "mqtt://broker:1883?x=1",
            "mqtt://user:secret@broker:1883",
            "mqtt://::1:1883",
            "mqtt://[::1",
        ]
    )
    func rejectsInvalidURL(_ url: String) {
        #expect {
            try MQTTConfiguration(url: url)
        } throws: { error in
            guard case .invalidURL(let reported, let reason) = error as? MQTTError else { return false }
            return reported == url && !reason.isEmpty
        }
    }

    @Test("never shows credentials in the URL error or the description")
    func hidesSecrets() throws {
        let error = #expect(throws: MQTTError.self) { try MQTTConfiguration(url: "mqtt://user:secret@broker") }
        #expect(error?.description.contains("credentials") == true)
        let configuration = MQTTConfiguration(username: "ingest", password: "hunter2")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("<redacted>"))
    }

    @Test("has the documented defaults")
    func defaults() {
        let configuration = MQTTConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 1883)
        #expect(configuration.clientID == nil)
        #expect(configuration.keepAlive == .seconds(30))
        #expect(configuration.cleanSession)
        #expect(configuration.protocolVersion == .v311)
        #expect(configuration.sessionExpiry == .seconds(86_400))
        #expect(configuration.tls == nil)
        #expect(configuration.inboundCapacity == 10_000)
        #expect(configuration.maxInflight == 1_000)
    }

    @Test("a persistent session without a client id is refused before connecting")
    func persistentSessionNeedsClientID() async {
        let configuration = MQTTConfiguration(port: 1, cleanSession: false)
        await #expect(throws: MQTTError.persistentSessionRequiresClientID) {
            try await MQTTClient.withClient(configuration: configuration, logger: makeTestLogger("config")) { _ in }
        }
    }

    @Test(
        "rejects out-of-range settings naming them",
        arguments: [
            (MQTTConfiguration(keepAlive: .seconds(2)), "keepAlive"),
            (MQTTConfiguration(inboundCapacity: 0), "inboundCapacity"),
            (MQTTConfiguration(maxInflight: 70_000), "maxInflight"),
            (MQTTConfiguration(password: "x"), "username"),
            (MQTTConfiguration(tls: .init(certFile: "c.pem")), "keyFile"),
            (MQTTConfiguration(reconnectDelay: .seconds(10), maxReconnectDelay: .seconds(5)), "reconnectDelay"),
        ]
    )
    func rejectsInvalidSettings(_ configuration: MQTTConfiguration, _ setting: String) async {
        await #expect {
            try await MQTTClient.withClient(configuration: configuration, logger: makeTestLogger("config")) { _ in }
        } throws: { error in
            guard case .invalidConfiguration(let reason) = error as? MQTTError else { return false }
            return reason.contains(setting)
        }
    }
}
