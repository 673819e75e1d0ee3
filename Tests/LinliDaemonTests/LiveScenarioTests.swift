import Foundation
import LinliCore
import LinliDaemon
import Logging
import TestSupport
import Testing
import TicketStore

/// Shipped scenarios live: a real mosquitto on a free port, the whole daemon in-process on a real SQLite file,
/// the built `linli-sim run --speed max` publishing the scenario and `linli-sim verify` reading the verdict
/// from the store, exactly as the README's demo does.
@Suite("Shipped scenarios live: mosquitto, the daemon, linli-sim run and verify", .serialized, .timeLimit(.minutes(2)))
struct LiveScenarioTests {
    /// The time each phase took, and the verdict.
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
        let simulator = Repository.product("linli-sim")
        try #require(
            FileManager.default.isExecutableFile(atPath: simulator.path),
            "linli-sim is not built at \(simulator.path) (swift build builds it)"
        )
        let live = try await LiveDaemon.start(
            clock: clock,
            tick: .milliseconds(100),
            logger: LiveDaemon.quietLogger("linli-live", level: .error)
        )
        do {
            let file = "Simulator/Scenarios/\(scenario)"
            let began = ContinuousClock.now
            let run = try await ChildProcess.start(
                simulator,
                ["run", file, "--broker", live.broker.url, "--speed", "max"],
                directory: Repository.root
            ).finish()
            let published = ContinuousClock.now - began
            guard run.status == 0 else { throw LiveError("linli-sim run failed (\(run.status)): \(run.stderr)") }

            var verdict = ""
            let verifyDeadline = ContinuousClock.now + timeout
            while true {
                let verify = try await ChildProcess.start(
                    simulator,
                    ["verify", file, "--db", live.databasePath],
                    directory: Repository.root
                ).finish()
                verdict = verify.stdout
                if verify.status == 0 { break }
                guard ContinuousClock.now < verifyDeadline else {
                    throw LiveError("\(scenario) did not pass within \(timeout) of publishing: \(verdict)\(verify.stderr)")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            let verified = ContinuousClock.now - began
            try await live.stop()
            return Run(published: published, verified: verified, verdict: verdict)
        } catch {
            try? await live.stop()
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

    /// A live run that did not go as it must.
    struct LiveError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
