import ArgumentParser
import Foundation
import LinliCore
import Mosquitto
import Simulation

extension LinliSim {
    /// `linli-sim record FILE`: subscribe and write what arrives as JSON Lines.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe and write what arrives as JSON Lines.",
            discussion: """
                Each line is {"topic", "payload" (or "payload_base64" when not UTF-8), "at"}, written as the \
                message arrives. Stops after --count messages or --duration, or when interrupted.
                """
        )

        @Argument(help: "The capture file to write (replaced if it exists); - for standard output.")
        var file: String

        @OptionGroup var brokerOptions: BrokerOptions

        @Option(name: .customLong("topic"), help: "A topic filter to subscribe to (repeatable).")
        var topics: [String] = ["linli/v1/+/+/+/event"]

        @Option(help: "Stop after this many messages.")
        var count: Int?

        @Option(help: "Stop after this long, e.g. 10m.")
        var duration: String?

        func validate() throws {
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
            if let duration, Duration(text: duration) == nil {
                throw ValidationError("--duration '\(duration)' must be a duration such as 90s, 10m or 1h")
            }
        }

        func run() async throws {
            let logger = brokerOptions.makeLogger()
            let output: FileHandle
            if file == "-" {
                output = FileHandle.standardOutput
            } else {
                guard FileManager.default.createFile(atPath: file, contents: nil),
                    let handle = FileHandle(forWritingAtPath: file)
                else { throw SimulatorError("cannot write the capture file '\(file)'") }
                output = handle
            }
            let configuration = try brokerOptions.configuration()
            let limit = count
            let timeout = duration.flatMap(Duration.init(text:))
            let topics = topics
            let broker = brokerOptions.broker
            let file = file
            let recorded: Int
            do {
                recorded = try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
                    for topic in topics { try await client.subscribe(topic, qos: .atLeastOnce) }
                    FileHandle.standardError.write(
                        Data("recording \(topics.joined(separator: ", ")) from \(broker) to \(file)\n".utf8)
                    )
                    return try await withThrowingTaskGroup(of: Int?.self) { group in
                        group.addTask {
                            var written = 0
                            for await message in client.messages {
                                let line = CaptureLine(topic: message.topic, payload: message.payload, at: WallClock.now())
                                try output.write(contentsOf: Array((CaptureFormat.encode(line) + "\n").utf8))
                                written += 1
                                if let limit, written >= limit { break }
                            }
                            return written
                        }
                        if let timeout {
                            group.addTask {
                                try? await Task.sleep(for: timeout)
                                return nil
                            }
                        }
                        var total = 0
                        for try await result in group {
                            if let result { total = result }
                            group.cancelAll()
                        }
                        return total
                    }
                }
            } catch let error as MQTTError {
                throw SimulatorError("\(error)")
            }
            if file != "-" { try output.close() }
            FileHandle.standardError.write(Data("recorded \(recorded) messages\n".utf8))
        }
    }
}
