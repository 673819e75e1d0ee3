/// When a ticket resolves by itself.
public enum AutoResolve: Sendable {
    /// Never: a person resolves it.
    case never
    /// A later event about the same subject that matches.
    case event(EventMatcher)
    /// No matching trigger event for this long.
    case quiet(Duration)
}
