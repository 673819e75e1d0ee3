import ArgumentParser
import Foundation
import LinliCore
import Mosquitto
import Simulation

extension LinliSim {
    /// `linli-sim run SCENARIO`: publish a scenario, then print the tickets it expects.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a scenario's traffic to the broker, then print the tickets it expects.",
            discussion: """
                Messages are published at QoS 1, paced by the scenario clock divided by --speed (1 is real \
                time, 1440 a day a minute, max as fast as the broker acknowledges); event times always follow \
                the scenario clock, so every speed gives the same tickets. The run ends when the broker has \
                acknowledged everything (and, at a finite speed, the scenario's duration has passed). With \
                --capture FILE nothing is published: the messages are written to FILE as a JSON Lines capture \
                (each with its scenario-clock time as "at"), for `linli replay FILE` or `linli-sim replay FILE`.
                """
        )

        @OptionGroup var input: ScenarioInput
        @OptionGroup var brokerOptions: BrokerOptions

        @Option(help: "Pacing: a factor on the scenario clock, or max.")
        var speed: Speed = .factor(1)

        @Option(help: "Seed for event ids and baseline traffic (default: the scenario's).")
        var seed: UInt64?

        @Option(help: "Start of the scenario clock: an RFC 3339 time with offset, or now (default: the scenario's).")
        var start: String?

        @Flag(help: "Print the summary and expected tickets as JSON.")
        var json = false

        @Option(help: "Write the messages to this JSON Lines capture file (- for standard output) instead of publishing.")
        var capture: String?

        func validate() throws {
            if let start, ScenarioStart(text: start) == nil {
                throw ValidationError("--start '\(start)' must be 'now' or an RFC 3339 time with an offset")
            }
        }

        func run() async throws {
            let logger = brokerOptions.makeLogger()
            let (scenario, registry) = try input.load()
            let scenarioStart = start.flatMap(ScenarioStart.init(text:)) ?? scenario.start
            let startTime = scenarioStart.resolve(now: WallClock.now(wholeSeconds: true))
            let seed = seed ?? scenario.seed
            let messages = ScenarioGenerator(scenario: scenario, registry: registry).messages(start: startTime, seed: seed)
            if let capture {
                try write(messages, to: capture)
                if capture != "-" {
                    print(
                        "scenario \(scenario.name): wrote \(messages.count) messages from \(RFC3339.format(startTime)), seed \(seed), to \(capture)"
                    )
                }
                return
            }
            let paced = messages.map { Publisher.Paced(topic: $0.topic, payload: $0.payload, offset: $0.time - startTime) }
            let configuration = try brokerOptions.configuration()

            if !json {
                print(
                    "scenario \(scenario.name): \(messages.count) messages over \(scenario.duration.shortText) from "
                        + "\(RFC3339.format(startTime)), seed \(seed), speed \(speed), to \(brokerOptions.broker)"
                )
            }
            let elapsed: Duration
            do {
                elapsed = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
                    try await Publisher.publish(paced, end: scenario.duration, speed: speed, qos: .atLeastOnce, client: client)
                }
            } catch let error as MQTTError {
                throw SimulatorError("\(error)")
            }

            if json {
                var object = JSONObject()
                object["scenario"] = .string(scenario.name)
                object["start"] = .string(RFC3339.format(startTime))
                object["seed"] = .string(String(seed))
                object["messages"] = .number(Double(messages.count))
                object["seconds"] = .number(Double(elapsed.milliseconds) / 1000)
                object["expect"] = .object(scenario.expectations.jsonObject)
                var writer = JSONWriter(pretty: true)
                writer.value(.object(object))
                print(writer.text)
            } else {
                print("published and acknowledged \(messages.count) messages in \(elapsed.shortText)")
                print("")
                print("expected tickets:")
                print(scenario.expectations.table)
            }
        }

        /// Writes the messages as a JSON Lines capture, each with its scenario-clock time as `at`.
        private func write(_ messages: [ScenarioMessage], to path: String) throws {
            let text = CaptureFormat.encodeLines(messages.map { CaptureLine(topic: $0.topic, payload: $0.payload, at: $0.time) })
            if path == "-" {
                FileHandle.standardOutput.write(Data(text.utf8))
            } else if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
                throw SimulatorError("cannot write the capture file '\(path)'")
            }
        }
    }
}
