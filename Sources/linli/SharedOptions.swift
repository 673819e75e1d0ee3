public import ArgumentParser
import LinliDaemon
import Logging

/// Options shared by `serve`, `tickets` and `replay`; each overrides the configuration file.
struct SharedOptions: ParsableArguments {
    @Option(help: "Configuration file (default Config/linli.yaml; a missing default file is fine).")
    var config: String?

    @Option(help: "Broker URL: mqtt://host:port, or mqtts://host:port for TLS.")
    var broker: String?

    @Option(help: "SQLite ticket store file.")
    var db: String?

    @Option(help: "HTTP address to serve the API, Open311, the board and metrics on: HOST:PORT (port 0: any free one).")
    var http: String?

    @Option(help: "Directory of site registries (*.yaml).")
    var sites: String?

    @Option(help: "Directory of rules (*.yaml).")
    var rules: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// The configuration: these flags, then `LINLI_*` environment variables, then the file, then defaults.
    /// - Parameter extra: further overrides of the calling command (e.g. `serve --clock`).
    func loadConfiguration(extra: [String: String] = [:]) async throws -> DaemonConfiguration {
        var overrides = extra
        overrides["mqtt.url"] = broker
        overrides["store.path"] = db
        overrides["http.address"] = http
        overrides["sites.dir"] = sites
        overrides["rules.dir"] = rules
        return try await DaemonConfiguration.load(configFile: config, overrides: overrides)
    }

    /// Sends logs to standard error at the chosen level.
    func bootstrapLogging() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
