import Foundation
import LinliCore
import LinliDaemon
import Logging
import Mosquitto
import TestSupport
import Testing
import TicketStore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Security: TLS with a test CA, passwords, client certificates, secrets kept out of logs", .serialized, .timeLimit(.minutes(1)))
struct SecurityTests {
    static let username = "linli"
    static let password = "s3cret-Pa55-\(UUID().uuidString.prefix(6))"

    /// A broker with a TLS listener signed by a fresh test CA, a password file, and no anonymous access.
    struct SecureBroker {
        let broker: MosquittoBroker
        let certificates: TestCertificates
        let directory: TemporaryDirectory
        let tlsPort: Int

        var url: String { "mqtts://127.0.0.1:\(tlsPort)" }

        static func start(requireClientCertificate: Bool = false) async throws -> SecureBroker {
            let directory = try TemporaryDirectory(prefix: "linli-tls")
            let certificates = try await TestCertificates.make(in: directory)
            let passwords = directory.file("passwords")
            try await MosquittoBroker.writePasswordFile(at: passwords, username: SecurityTests.username, password: SecurityTests.password)
            let tlsPort = try freeLoopbackPort()
            var extra = certificates.listenerConfig(port: tlsPort) + "\npassword_file \(passwords)\n"
            if requireClientCertificate { extra += "require_certificate true\n" }
            let broker = try await MosquittoBroker.start(extraConfig: extra, allowAnonymous: false)
            return SecureBroker(broker: broker, certificates: certificates, directory: directory, tlsPort: tlsPort)
        }

        /// Points a daemon configuration at the TLS listener with the right CA and credentials.
        func configure(_ configuration: inout DaemonConfiguration) {
            configuration.mqtt.url = url
            configuration.mqtt.caFile = certificates.caFile
            configuration.mqtt.username = SecurityTests.username
            configuration.mqtt.password = SecurityTests.password
        }

        /// A daemon configuration for the TLS listener with the right CA and credentials.
        func configuration(store: TemporaryDirectory) -> DaemonConfiguration {
            var configuration = LiveDaemon.configuration(brokerURL: url, directory: store)
            configure(&configuration)
            return configuration
        }

        /// How many TCP connections the broker has accepted on the TLS port so far.
        func tlsConnectionAttempts() -> Int {
            broker.log().components(separatedBy: "\n").filter { $0.contains("New connection from") && $0.contains("on port \(tlsPort)") }.count
        }

        func stop() async {
            await broker.stop()
            directory.remove()
        }
    }

    /// Runs a daemon that is expected to fail at start; returns its error and how long it took.
    static func failingStart(_ configuration: DaemonConfiguration, logger: Logger) async throws -> (any Error, Duration) {
        let started = ContinuousClock.now
        let daemon = try await Daemon(configuration: configuration, logger: logger)
        do {
            try await daemon.run(daemon.makeServiceGroup())
        } catch {
            return (error, ContinuousClock.now - started)
        }
        Issue.record("the daemon ran and stopped without an error")
        return (CancellationError(), ContinuousClock.now - started)
    }

    /// Runs a daemon that must fail at start against `secure`: expects it to fail within 10 s after one
    /// connection attempt per client (no retry storm); returns the error's text.
    static func failsOnceAtStart(
        _ configuration: DaemonConfiguration,
        on secure: SecureBroker,
        logger: Logger
    ) async throws -> String {
        let (error, elapsed) = try await failingStart(configuration, logger: logger)
        #expect(elapsed < .seconds(10))
        try await Task.sleep(for: .milliseconds(300))
        // One attempt per client the daemon starts (ingest, and the ticket feed when enabled): no retry storm.
        #expect(secure.tlsConnectionAttempts() <= 2)
        return "\(error)"
    }

    @Test("mqtts with the test CA and a password: events arrive, and the password never reaches the logs")
    func tlsWithPassword() async throws {
        let secure = try await SecureBroker.start()
        let lines = CapturingLogHandler.Lines()
        let live = try await LiveDaemon.start(
            broker: secure.broker,
            logger: CapturingLogHandler.logger(into: lines),
            configure: secure.configure
        )

        var publisher = try MQTTConfiguration(url: secure.url)
        publisher.tls?.caFile = secure.certificates.caFile
        publisher.username = Self.username
        publisher.password = Self.password
        let sos = Event(id: "tls-1", site: "zijing", device: "ZJ-C-0012", type: .careSOS, time: WallClock.now(), data: EventData(resident: "R-0012"))
        try await LiveDaemon.publish(TestEvents.messages([sos]), through: publisher)
        try await LiveDaemon.waitUntil("the SOS is applied") { live.status.accepted == 1 }
        #expect(try await live.store.tickets(matching: TicketFilter(rule: "care-sos")).count == 1)
        try await live.stop()
        await secure.stop()

        #expect(!lines.all.isEmpty)
        #expect(!lines.all.contains { $0.contains(Self.password) }, "the password appeared in a log line")
        #expect(!lines.all.contains { $0.contains("R-0012") && $0.hasPrefix("info") }, "a resident id appeared at info level")
    }

    @Test("a wrong password fails the start at once with a clear error, with no retry storm")
    func wrongPassword() async throws {
        let secure = try await SecureBroker.start()
        let store = try TemporaryDirectory()
        defer { store.remove() }
        var configuration = secure.configuration(store: store)
        configuration.mqtt.password = "not-the-password"
        let lines = CapturingLogHandler.Lines()
        let text = try await Self.failsOnceAtStart(configuration, on: secure, logger: CapturingLogHandler.logger(into: lines))
        #expect(text.contains("refused"), "unclear error: \(text)")
        #expect(text.contains("not authori"), "unclear error: \(text)")
        #expect(!lines.all.contains { $0.contains("not-the-password") })
        await secure.stop()
    }

    @Test("a broker certificate from a CA the daemon does not trust fails the start with a TLS error, without retries")
    func untrustedCertificate() async throws {
        let secure = try await SecureBroker.start()
        let store = try TemporaryDirectory()
        defer { store.remove() }
        let other = try TemporaryDirectory(prefix: "linli-other-ca")
        defer { other.remove() }
        var configuration = secure.configuration(store: store)
        configuration.mqtt.caFile = try await TestCertificates.make(in: other).caFile
        let text = try await Self.failsOnceAtStart(configuration, on: secure, logger: LiveDaemon.quietLogger())
        #expect(text.contains("could not connect") || text.contains("TLS") || text.contains("certificate"), "unclear error: \(text)")
        await secure.stop()
    }

    @Test("a broker that requires client certificates accepts the daemon's and refuses a daemon without one")
    func clientCertificate() async throws {
        let secure = try await SecureBroker.start(requireClientCertificate: true)
        let store = try TemporaryDirectory()
        defer { store.remove() }
        let client = try await secure.certificates.makeClientCertificate(in: secure.directory, commonName: "linli-daemon")

        var withoutCertificate = secure.configuration(store: store)
        withoutCertificate.mqtt.clientID += "-nocert"
        let (error, _) = try await Self.failingStart(withoutCertificate, logger: LiveDaemon.quietLogger())
        #expect("\(error)".contains("could not connect") || "\(error)".contains("connection"), "unclear error: \(error)")

        let live = try await LiveDaemon.start(broker: secure.broker) { configuration in
            secure.configure(&configuration)
            configuration.mqtt.certFile = client.certFile
            configuration.mqtt.keyFile = client.keyFile
        }
        #expect(live.status.brokerConnected)
        try await live.stop()
        await secure.stop()
    }

    @Test("the HTTP side refuses a body over its limit, and no resident id reaches the logs at info level")
    func httpLimitsAndQuietLogs() async throws {
        let lines = CapturingLogHandler.Lines()
        let live = try await LiveDaemon.start(http: true, logger: CapturingLogHandler.logger(into: lines)) { configuration in
            // The SHA-256 of "reliability-test-token".
            configuration.http.tokens = ["reliability:*:sha256:069c1de0d5ae34ee6c90126d4c6aec627511ed92c3e2f0f0d8629e18b6d3ea32"]
        }
        let base = live.url
        let sos = Event(
            id: "quiet-1",
            site: "zijing",
            device: "ZJ-C-0012",
            type: .careSOS,
            time: WallClock.now(),
            data: EventData(resident: "R-0012")
        )
        try await live.publishAndWait(events: [sos])

        var request = URLRequest(url: try #require(URL(string: base + "/api/v1/tickets/T-000001/ack")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer reliability-test-token", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(("{\"note\": \"" + String(repeating: "x", count: 64 * 1024) + "\"}").utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 413)
        let (_, listed) = try await URLSession.shared.data(from: try #require(URL(string: base + "/api/v1/tickets")))
        #expect((listed as? HTTPURLResponse)?.statusCode == 200)
        try await live.stop()

        let infoAndAbove = lines.all.filter { !$0.hasPrefix("trace") && !$0.hasPrefix("debug") }
        #expect(!infoAndAbove.isEmpty)
        #expect(!infoAndAbove.contains { $0.contains("R-0012") }, "a resident id appeared at info level or above")
        #expect(!lines.all.contains { $0.contains("reliability-test-token") }, "a token appeared in the logs")
    }

    /// Starts the built `linli serve` against the secure broker with credentials from the environment only.
    static func serve(_ secure: SecureBroker, password: String, store: TemporaryDirectory) throws -> ChildProcess {
        try ChildProcess.start(
            Repository.product("linli"),
            [
                "serve", "--db", store.file("linli.sqlite"),
                "--sites", Repository.configDirectory.appendingPathComponent("sites").path,
                "--rules", Repository.configDirectory.appendingPathComponent("rules").path,
            ],
            directory: URL(fileURLWithPath: store.path),
            environment: [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "LINLI_MQTT_URL": secure.url, "LINLI_MQTT_CA_FILE": secure.certificates.caFile,
                "LINLI_MQTT_USERNAME": Self.username, "LINLI_MQTT_PASSWORD": password,
                "LINLI_MQTT_CLIENT_ID": "linli-env-\(UUID().uuidString.prefix(6))",
                "LINLI_HTTP_ENABLED": "false", "LINLI_FEED_ENABLED": "false",
            ],
            inheritingEnvironment: false
        )
    }

    @Test("linli serve takes the password from LINLI_MQTT_PASSWORD, never prints it, and exits at once when it is wrong")
    func passwordFromEnvironment() async throws {
        let secure = try await SecureBroker.start()
        let store = try TemporaryDirectory()
        defer { store.remove() }

        let wrong = try await Self.serve(secure, password: "env-wrong-password", store: store).finish(timeout: .seconds(30))
        let wrongText = wrong.stdout + wrong.stderr
        #expect(wrong.status != 0)
        #expect(wrongText.contains("not authori"), "unclear error: \(wrongText)")
        #expect(!wrongText.contains("env-wrong-password"))

        let right = try Self.serve(secure, password: Self.password, store: store)
        try await right.waitForOutput(containing: "Connected to MQTT broker", timeout: .seconds(20))
        right.terminate()
        let stopped = await right.finish(timeout: .seconds(30))
        let text = stopped.stdout + stopped.stderr
        #expect(text.contains("Connected to MQTT broker"), "linli serve did not connect: \(text)")
        #expect(stopped.status == 0, "linli serve did not stop cleanly on SIGTERM: \(text)")
        #expect(!text.contains(Self.password), "the password appeared in the output")
        await secure.stop()
    }
}
