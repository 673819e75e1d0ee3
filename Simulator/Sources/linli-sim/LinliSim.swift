import ArgumentParser

/// `linli-sim`: publishes scenarios and captures to an MQTT broker and checks the tickets Linli raised.
@main
struct LinliSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linli-sim",
        abstract: "Simulate a community's devices for Linli: publish scenarios and captures, verify the tickets.",
        discussion: """
            Scenarios are YAML files (Simulator/Scenarios/*.yaml) with a timeline of incidents and the tickets \
            expected by their end. Captures are JSON Lines files of {"topic", "payload"} objects.
            """,
        subcommands: [Run.self, Verify.self, Load.self, Record.self, Replay.self]
    )
}
