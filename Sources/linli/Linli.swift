import ArgumentParser

/// `linli`: the smart-community sensor event processor's command line.
@main
struct Linli: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linli",
        abstract: "Smart-community sensor events in, service tickets out.",
        discussion: """
            Linli subscribes to an MQTT broker, checks each device event against the wire contract, runs the \
            rules in Config/rules and raises, de-duplicates, escalates and resolves tickets stored in SQLite.
            """,
        subcommands: [Serve.self, Tickets.self, Rules.self, Token.self, Replay.self]
    )
}
