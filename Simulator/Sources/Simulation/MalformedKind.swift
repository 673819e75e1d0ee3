/// Kinds of bad payload the `malformed` macro publishes; each breaks one rule of `events.md`, so Linli must
/// dead-letter every one.
public enum MalformedKind: String, Sendable, Hashable, CaseIterable {
    /// Truncated JSON.
    case notJSON = "not-json"
    /// Bytes that are not UTF-8.
    case notUTF8 = "not-utf8"
    /// A valid event without its required `time`.
    case missingTime = "missing-time"
    /// A `type` the contract does not define.
    case unknownType = "unknown-type"
    /// A data value outside its range or enumeration (a fill of 150 %, a battery of 140 %, a door `ajar`).
    case badValue = "bad-value"
    /// A `source` naming another device than the topic.
    case sourceMismatch = "source-mismatch"
    /// A device id not in the registry (on its topic and in its source).
    case unknownDevice = "unknown-device"
    /// A site id not in the registry.
    case unknownSite = "unknown-site"
    /// A valid event padded past the 16 KiB limit.
    case oversized
}
