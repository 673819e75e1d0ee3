import LinliCore

/// A message before ids are assigned and payloads encoded.
struct PendingMessage {
    /// What it carries.
    enum Content {
        /// A valid event; `fixedID` keeps the id the scenario gave it.
        case event(Event, fixedID: Bool)
        /// Bytes as given.
        case raw(topic: String, payload: [UInt8])
        /// A payload broken on purpose.
        case malformed(DeviceReference, MalformedKind, ordinal: Int)
    }

    /// Scenario-clock time.
    var time: EventTime
    /// What it carries.
    var content: Content
}
