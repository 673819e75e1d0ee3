import LinliCore

/// A scenario: a story of traffic at one or more sites, and the tickets Linli must have raised by its end.
///
/// Scenarios are YAML files in `Simulator/Scenarios/`, read with ``Scenario/load(file:contents:registry:)``.
/// ``ScenarioGenerator`` turns one into the messages to publish; ``ScenarioVerdict/verify(_:tickets:deadLetterCount:)``
/// compares a daemon's tickets with ``expectations``. A scenario is an executable specification: the same
/// scenario, start time and seed always give the same bytes.
public struct Scenario: Sendable, Hashable {
    /// Short name, e.g. `smoke`.
    public var name: String
    /// What the story shows, for people.
    public var description: String
    /// The site ids the traffic is for; each is in the site registry.
    public var sites: [String]
    /// When the scenario clock starts.
    public var start: ScenarioStart
    /// How long the scenario clock runs; every incident happens before its end.
    public var duration: Duration
    /// The seed for event ids and baseline traffic (`--seed` overrides it).
    public var seed: UInt64
    /// Whether to generate everyday traffic from the site registry under the incidents (see ``BaselineGenerator``).
    public var baseline: Bool
    /// The incidents, in file order.
    public var timeline: [ScenarioIncident]
    /// The tickets expected by the end, those that must not exist, and the expected dead-letter count.
    public var expectations: ScenarioExpectations

    /// Creates a scenario.
    public init(
        name: String,
        description: String = "",
        sites: [String],
        start: ScenarioStart = .now,
        duration: Duration,
        seed: UInt64 = Scenario.defaultSeed,
        baseline: Bool = false,
        timeline: [ScenarioIncident] = [],
        expectations: ScenarioExpectations = ScenarioExpectations()
    ) {
        self.name = name
        self.description = description
        self.sites = sites
        self.start = start
        self.duration = duration
        self.seed = seed
        self.baseline = baseline
        self.timeline = timeline
        self.expectations = expectations
    }

    /// The seed used when a scenario file names none.
    public static let defaultSeed: UInt64 = 1
}
