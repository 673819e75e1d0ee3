import Foundation
import LinliCore
import LinliDaemon
import Logging
import ServiceLifecycle
import TestSupport
import Testing
import TicketStore

/// Shipped scenarios live: a real mosquitto on a free port, the whole daemon in-process on a real SQLite file,
/// the built `linli-sim run --speed max` publishing the scenario and `linli-sim verify` reading the verdict
/// from the store, exactly as the README's demo does.
@Suite("Shipped scenarios live: mosquitto, the daemon, linli-sim run and verify", .serialized, .timeLimit(.minutes(2)))
struct LiveScenarioTests {
    /// The repository root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The directory of the built products (`.build/debug`), found from the test bundle's path.
    static var productsDirectory: URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        return (bundle?.bundleURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
    }

    /// A broker, a daemon and a store, and the time each phase took.
    struct Run {
        var published: Duration
        var verified: Duration
        var verdict: String
    }

    /// Starts a broker and the daemon (`clock`), publishes `scenario` with `linli-sim run --speed max`, and
    /// runs `linli-sim verify` on the store until it passes or `timeout` passes.
    static func runLive(
        _ scenario: String,
        clock: DaemonConfiguration.Clock,
        timeout: Duration
    ) async throws -> Run {
        let simulator = productsDirectory.appendingPathComponent("linli-sim")
        try #require(
            FileManager.default.isExecutableFile(atPath: simulator.path),
            "linli-sim is not built at \(simulator.path) (swift build builds it)"
        )
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        var configuration = DaemonConfiguration()
        configuration.mqtt.url = broker.url
        configuration.mqtt.clientID = "linli-live-\(UUID().uuidString.prefix(8))"
        configuration.databasePath = directory.path + "/linli.sqlite"
        configuration.sitesDirectory = root.appendingPathComponent("Config/sites").path
        configuration.rulesDirectory = root.appendingPathComponent("Config/rules").path
        configuration.tickInterval = .milliseconds(100)
        configuration.http.enabled = false
        configuration.feed.enabled = false
        configuration.clock = clock
        var logger = Logger(label: "linli-live")
        logger.logLevel = .error
        let daemon = try await Daemon(configuration: configuration, logger: logger)
        let group = daemon.makeServiceGroup()
        let running = Task { try await daemon.run(group) }
        do {
            let deadline = ContinuousClock.now + .seconds(15)
            while !daemon.status.snapshot.brokerConnected {
                guard ContinuousClock.now < deadline else { throw LiveError("the daemon did not subscribe within 15 s") }
                try await Task.sleep(for: .milliseconds(20))
            }
            let file = "Simulator/Scenarios/\(scenario)"
            let began = ContinuousClock.now
            let run = try await runCommand(simulator, ["run", file, "--broker", broker.url, "--speed", "max"])
            let published = ContinuousClock.now - began
            guard run.status == 0 else { throw LiveError("linli-sim run failed (\(run.status)): \(run.stderr)") }

            var verdict = ""
            let verifyDeadline = ContinuousClock.now + timeout
            while true {
                let verify = try await runCommand(simulator, ["verify", file, "--db", configuration.databasePath])
                verdict = verify.stdout
                if verify.status == 0 { break }
                guard ContinuousClock.now < verifyDeadline else {
                    throw LiveError("\(scenario) did not pass within \(timeout) of publishing: \(verdict)\(verify.stderr)")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            let verified = ContinuousClock.now - began
            await group.triggerGracefulShutdown()
            try await running.value
            await broker.stop()
            directory.remove()
            return Run(published: published, verified: verified, verdict: verdict)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await broker.stop()
            directory.remove()
            throw error
        }
    }

    @Test("smoke passes live: published at full speed to a daemon on the wall clock, verified from its store")
    func smoke() async throws {
        let run = try await Self.runLive("smoke.yaml", clock: .wall, timeout: .seconds(20))
        #expect(run.verdict.contains("scenario smoke: PASS"))
        print("live smoke: published in \(run.published), passed after \(run.verified)")
    }

    @Test("day-in-zijing passes live: a day published in seconds to a daemon whose clock follows the events")
    func dayInZijing() async throws {
        let run = try await Self.runLive("day-in-zijing.yaml", clock: .event, timeout: .seconds(60))
        #expect(run.verdict.contains("scenario day-in-zijing: PASS"))
        print("live day-in-zijing: published in \(run.published), passed after \(run.verified)")
    }

    /// What a finished command printed and how it exited.
    struct CommandOutput {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments` in the repository root and waits for it on a thread of its own
    /// (not one of the cooperative pool's, which the in-process daemon needs meanwhile).
    static func runCommand(_ executable: URL, _ arguments: [String]) async throws -> CommandOutput {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(executable, arguments) })
            }
        }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String]) throws -> CommandOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandOutput(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    /// A live run that did not go as it must.
    struct LiveError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
