import LinliCore

/// One entry of a scenario's timeline: what happens, and when on the scenario clock.
public struct ScenarioIncident: Sendable, Hashable {
    /// What an incident does.
    public enum Action: Sendable, Hashable {
        /// One contract event (possibly repeated).
        case event(ScenarioEvent)
        /// A named story that expands to several events or shapes the baseline (see ``IncidentMacro``).
        case macro(IncidentMacro)
        /// A message published as given, valid or not: for malformed traffic the macros do not cover.
        case raw(topic: String, payload: [UInt8])
    }

    /// Offset from the scenario's start.
    public var at: Duration
    /// What happens.
    public var action: Action
    /// Line of the entry in the scenario file (0 when built in code), for messages.
    public var line: Int

    /// Creates an incident.
    public init(at: Duration, action: Action, line: Int = 0) {
        self.at = at
        self.action = action
        self.line = line
    }
}
