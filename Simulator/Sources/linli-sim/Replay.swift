import ArgumentParser
import LinliCore
import Mosquitto
import Simulation

extension LinliSim {
    /// `linli-sim replay FILE`: publish a JSON Lines capture.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a JSON Lines capture to the broker.",
            discussion: """
                Lines with an "at" time are paced by it, divided by --speed; lines without one are published \
                at once. Payloads are published exactly as captured.
                """
        )

        @Argument(help: "The capture file (JSON Lines).")
        var file: String

        @OptionGroup var brokerOptions: BrokerOptions

        @Option(help: "Pacing: a factor on the capture's clock, or max.")
        var speed: Speed = .factor(1)

        @Option(help: "Publish QoS: 0 or 1.")
        var qos: Int = 1

        func validate() throws {
            guard qos == 0 || qos == 1 else { throw ValidationError("--qos must be 0 or 1") }
        }

        func run() async throws {
            let logger = brokerOptions.makeLogger()
            let lines: [CaptureLine]
            do {
                lines = try CaptureFormat.decodeLines(try FileReading.bytes(at: file, what: "capture"))
            } catch let error as CaptureFormatError {
                throw SimulatorError("\(file): \(error)")
            }
            let first = lines.compactMap(\.at).min()
            let paced = lines.map { line in
                Publisher.Paced(topic: line.topic, payload: line.payload, offset: line.at.flatMap { at in first.map { at - $0 } })
            }
            let configuration = try brokerOptions.configuration()
            let elapsed: Duration
            do {
                elapsed = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
                    try await Publisher.publish(
                        paced,
                        end: nil,
                        speed: speed,
                        qos: qos == 0 ? .atMostOnce : .atLeastOnce,
                        client: client
                    )
                }
            } catch let error as MQTTError {
                throw SimulatorError("\(error)")
            }
            print("published \(lines.count) messages from \(file) in \(elapsed.shortText)")
        }
    }
}
