import ArgumentParser
import Foundation
import LinliCore
import Simulation
import TicketStore

extension LinliSim {
    /// `linli-sim verify SCENARIO --db PATH`: compare the daemon's tickets with the scenario's expectations.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the daemon's tickets with what a scenario expects; exit non-zero on a difference.",
            discussion: """
                Reads every ticket (and the dead-letter count) from the daemon's SQLite store and prints PASS, \
                or FAIL and one difference a line: missing tickets, wrong counts, wrong severity, status, \
                escalation level or occurrences, tickets that must be absent, and dead letters.
                """
        )

        @OptionGroup var input: ScenarioInput

        @Option(help: "The daemon's SQLite ticket store.")
        var db: String

        @Flag(help: "Print the verdict as JSON.")
        var json = false

        func run() async throws {
            let (scenario, _) = try input.load()
            guard FileManager.default.fileExists(atPath: db) else {
                throw SimulatorError("no ticket store at '\(db)' (give the daemon's --db)")
            }
            let tickets: [Ticket]
            let deadLetters: Int
            do {
                let store = try TicketStore(path: db)
                tickets = try await store.tickets(matching: TicketFilter(includesHistory: false))
                deadLetters = try await store.deadLetterCount()
                try store.close()
            } catch {
                throw SimulatorError("cannot read the ticket store '\(db)': \(error)")
            }
            let verdict = ScenarioVerdict.verify(scenario.expectations, tickets: tickets, deadLetterCount: deadLetters)
            if json {
                var object = JSONObject()
                object["scenario"] = .string(scenario.name)
                object["passed"] = .bool(verdict.passed)
                object["tickets"] = .number(Double(verdict.ticketCount))
                object["dead_letters"] = .number(Double(deadLetters))
                object["differences"] = .array(verdict.differences.map { .string($0.description) })
                var writer = JSONWriter(pretty: true)
                writer.value(.object(object))
                print(writer.text)
            } else {
                print("scenario \(scenario.name): \(verdict)")
            }
            if !verdict.passed { throw ExitCode(1) }
        }
    }
}
