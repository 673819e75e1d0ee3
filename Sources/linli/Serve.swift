public import ArgumentParser
import LinliDaemon
import Logging

extension Linli {
    /// `linli serve`: the daemon.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: ingest from the broker, run rules, store tickets, serve HTTP and the MQTT feed.",
            discussion: "Stops cleanly on SIGINT or SIGTERM: stops ingest, drains, commits and closes the store."
        )

        @OptionGroup var options: SharedOptions

        @Option(
            help: """
                Whose clock the rules follow: wall (live: escalations and deadlines fire on time) or event \
                (the events' own times, to replay recorded or simulated traffic at any speed).
                """
        )
        var clock: DaemonConfiguration.Clock?

        func run() async throws {
            AllocatorSettings.apply()
            options.bootstrapLogging()
            let logger = Logger(label: "linli")
            let configuration = try await options.loadConfiguration(extra: ["pipeline.clock": clock?.rawValue].compactMapValues { $0 })
            let daemon = try await Daemon(configuration: configuration, logger: logger)
            try await daemon.run()
        }
    }
}

extension DaemonConfiguration.Clock: ExpressibleByArgument {}
