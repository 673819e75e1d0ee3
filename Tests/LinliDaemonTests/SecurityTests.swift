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
            let certificates = try TestCertificates.make(in: directory)
            let passwords = directory.file("passwords")
            try MosquittoBroker.writePasswordFile(at: passwords, username: SecurityTests.username, password: SecurityTests.password)
            let tlsPort = try freeLoopbackPort()
            var extra = certificates.listenerConfig(port: tlsPort) + "\npassword_file \(passwords)\n"
            if requireClientCertificate { extra += "require_certificate true\n" }
            let broker = try await MosquittoBroker.start(extraConfig: extra, allowAnonymous: false)
            return SecureBroker(broker: broker, certificates: certificates, directory: directory, tlsPort: tlsPort)
        }

        /// A daemon configuration for the TLS listener with the right CA and credentials.
        func configuration(store: TemporaryDirectory) -> DaemonConfiguration {
            var configuration = Reliability.configuration(brokerURL: url, directory: store)
            configuration.mqtt.caFile = certificates.caFile
            configuration.mqtt.username = SecurityTests.username
            configuration.mqtt.password = SecurityTests.password
            return configuration
        }

        /// A client certificate and key signed by the broker's CA.
        func makeClientCertificate() throws -> (certFile: String, keyFile: String) {
            let key = directory.file("client.key")
            let request = directory.file("client.csr")
            let certificate = directory.file("client.crt")
            try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=linli-daemon"])
            try openssl([
                "x509", "-req", "-in", request, "-CA", certificates.caFile, "-CAkey", directory.file("ca.key"),
                "-CAcreateserial", "-out", certificate, "-days", "1",
            ])
            return (certificate, key)
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

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MosquittoBrokerError.toolFailed("openssl \(arguments[0]) exited with status \(process.terminationStatus)")
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

    @Test("mqtts with the test CA and a password: events arrive, and the password never reaches the logs")
    func tlsWithPassword() async throws {
        let secure = try await SecureBroker.start()
        let store = try TemporaryDirectory()
        defer { store.remove() }
        let lines = CapturingLogHandler.Lines()
        let running = try await RunningDaemon.startConnected(secure.configuration(store: store), logger: CapturingLogHandler.logger(into: lines))

        var publisher = try MQTTConfiguration(url: secure.url)
        publisher.tls?.caFile = secure.certificates.caFile
        publisher.username = Self.username
        publisher.password = Self.password
        let sos = Event(id: "tls-1", site: "zijing", device: "ZJ-C-0012", type: .careSOS, time: WallClock.now(), data: EventData(resident: "R-0012"))
        try await Reliability.publish(Reliability.messages([sos]), to: publisher)
        try await Reliability.waitUntil("the SOS is applied") { running.status.accepted == 1 }
        #expect(try await running.daemon.store.tickets(matching: TicketFilter(rule: "care-sos")).count == 1)
        try await running.stop()
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
        let (error, elapsed) = try await Self.failingStart(configuration, logger: CapturingLogHandler.logger(into: lines))
        let text = "\(error)"
        #expect(text.contains("refused"), "unclear error: \(text)")
        #expect(text.contains("not authori"), "unclear error: \(text)")
        #expect(elapsed < .seconds(10))
        try await Task.sleep(for: .milliseconds(300))
        // One attempt per client the daemon starts (ingest, and the ticket feed when enabled): no retry storm.
        #expect(secure.tlsConnectionAttempts() <= 2)
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
        configuration.mqtt.caFile = try TestCertificates.make(in: other).caFile
        let (error, elapsed) = try await Self.failingStart(configuration, logger: Reliability.quietLogger())
        let text = "\(error)"
        #expect(text.contains("could not connect") || text.contains("TLS") || text.contains("certificate"), "unclear error: \(text)")
        #expect(elapsed < .seconds(10))
        try await Task.sleep(for: .milliseconds(300))
        // One attempt per client the daemon starts (ingest, and the ticket feed when enabled): no retry storm.
        #expect(secure.tlsConnectionAttempts() <= 2)
        await secure.stop()
    }

    @Test("a broker that requires client certificates accepts the daemon's and refuses a daemon without one")
    func clientCertificate() async throws {
        let secure = try await SecureBroker.start(requireClientCertificate: true)
        let store = try TemporaryDirectory()
        defer { store.remove() }
        let client = try secure.makeClientCertificate()

        var withoutCertificate = secure.configuration(store: store)
        withoutCertificate.mqtt.clientID += "-nocert"
        let (error, _) = try await Self.failingStart(withoutCertificate, logger: Reliability.quietLogger())
        #expect("\(error)".contains("could not connect") || "\(error)".contains("connection"), "unclear error: \(error)")

        var configuration = secure.configuration(store: store)
        configuration.mqtt.certFile = client.certFile
        configuration.mqtt.keyFile = client.keyFile
        let running = try await RunningDaemon.startConnected(configuration)
        #expect(running.status.brokerConnected)
        try await running.stop()
        await secure.stop()
    }

    @Test("the HTTP side refuses a body over its limit, and no resident id reaches the logs at info level")
    func httpLimitsAndQuietLogs() async throws {
        let broker = try await MosquittoBroker.start()
        let store = try TemporaryDirectory()
        defer { store.remove() }
        var configuration = Reliability.configuration(brokerURL: broker.url, directory: store)
        configuration.http.enabled = true
        configuration.http.address = "127.0.0.1:0"
        // The SHA-256 of "reliability-test-token".
        configuration.http.tokens = ["reliability:*:sha256:069c1de0d5ae34ee6c90126d4c6aec627511ed92c3e2f0f0d8629e18b6d3ea32"]
        let lines = CapturingLogHandler.Lines()
        let running = try await RunningDaemon.startConnected(configuration, logger: CapturingLogHandler.logger(into: lines))
        let base = try await running.daemon.endpoints.waitForHTTP()
        let sos = Event(
            id: "quiet-1",
            site: "zijing",
            device: "ZJ-C-0012",
            type: .careSOS,
            time: WallClock.now(),
            data: EventData(resident: "R-0012")
        )
        try await Reliability.publish(Reliability.messages([sos]), to: broker.url)
        try await Reliability.waitUntil("the SOS is applied") { running.status.accepted == 1 }

        var request = URLRequest(url: try #require(URL(string: base + "/api/v1/tickets/T-000001/ack")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer reliability-test-token", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(("{\"note\": \"" + String(repeating: "x", count: 64 * 1024) + "\"}").utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 413)
        let (_, listed) = try await URLSession.shared.data(from: try #require(URL(string: base + "/api/v1/tickets")))
        #expect((listed as? HTTPURLResponse)?.statusCode == 200)
        try await running.stop()
        await broker.stop()

        let infoAndAbove = lines.all.filter { !$0.hasPrefix("trace") && !$0.hasPrefix("debug") }
        #expect(!infoAndAbove.isEmpty)
        #expect(!infoAndAbove.contains { $0.contains("R-0012") }, "a resident id appeared at info level or above")
        #expect(!lines.all.contains { $0.contains("reliability-test-token") }, "a token appeared in the logs")
    }

    /// Runs the built `linli serve` against the secure broker with credentials from the environment only.
    static func serve(_ secure: SecureBroker, password: String, store: TemporaryDirectory) throws -> (Process, Pipe) {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        let products = (bundle?.bundleURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
        let process = Process()
        process.executableURL = products.appendingPathComponent("linli")
        process.arguments = [
            "serve", "--db", store.file("linli.sqlite"),
            "--sites", Reliability.repository.appendingPathComponent("Config/sites").path,
            "--rules", Reliability.repository.appendingPathComponent("Config/rules").path,
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: store.path)
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "LINLI_MQTT_URL": secure.url, "LINLI_MQTT_CA_FILE": secure.certificates.caFile,
            "LINLI_MQTT_USERNAME": Self.username, "LINLI_MQTT_PASSWORD": password,
            "LINLI_MQTT_CLIENT_ID": "linli-env-\(UUID().uuidString.prefix(6))",
            "LINLI_HTTP_ENABLED": "false", "LINLI_FEED_ENABLED": "false",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    @Test("linli serve takes the password from LINLI_MQTT_PASSWORD, never prints it, and exits at once when it is wrong")
    func passwordFromEnvironment() async throws {
        let secure = try await SecureBroker.start()
        let store = try TemporaryDirectory()
        defer { store.remove() }

        let (wrong, wrongOutput) = try Self.serve(secure, password: "env-wrong-password", store: store)
        let wrongText = String(decoding: wrongOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        wrong.waitUntilExit()
        #expect(wrong.terminationStatus != 0)
        #expect(wrongText.contains("not authori"), "unclear error: \(wrongText)")
        #expect(!wrongText.contains("env-wrong-password"))

        let (right, rightOutput) = try Self.serve(secure, password: Self.password, store: store)
        var text = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while !text.contains("Connected to MQTT broker") && ContinuousClock.now < deadline {
            let chunk = rightOutput.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.contains("Connected to MQTT broker"), "linli serve did not connect: \(text)")
        right.terminate()
        text += String(decoding: rightOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        right.waitUntilExit()
        #expect(right.terminationStatus == 0, "linli serve did not stop cleanly on SIGTERM: \(text)")
        #expect(!text.contains(Self.password), "the password appeared in the output")
        await secure.stop()
    }
}
