import ArgumentParser
import Logging
import Mosquitto

/// Options shared by the commands that talk to a broker.
struct BrokerOptions: ParsableArguments {
    @Option(help: "The MQTT broker: mqtt://host:port, or mqtts://host:port for TLS.")
    var broker: String = "mqtt://127.0.0.1:1883"

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevel = .warning

    /// The broker configuration for `--broker`.
    func configuration() throws -> MQTTConfiguration {
        do {
            return try MQTTConfiguration(url: broker)
        } catch {
            throw ValidationError("--broker: \(error)")
        }
    }

    /// Bootstraps swift-log for this process (once, here in the executable) and returns the command's logger.
    func makeLogger() -> Logger {
        let level = Logger.Level(rawValue: logLevel.rawValue) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "linli-sim")
    }
}

/// The swift-log levels, as `--log-level` takes them.
enum LogLevel: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
