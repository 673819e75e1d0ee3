/// What a ticket is about: the subject half of its de-duplication key.
///
/// Renders as `device:{id}` or `resident:{id}` (the contract's `subject` field).
public enum Subject: Sendable, Hashable, CustomStringConvertible {
    case device(String)
    case resident(String)

    public var description: String {
        switch self {
        case .device(let id): "device:\(id)"
        case .resident(let id): "resident:\(id)"
        }
    }

    /// The device or resident id.
    var id: String {
        switch self {
        case .device(let id), .resident(let id): id
        }
    }

    /// Parses `device:{id}` or `resident:{id}`.
    public init?(_ text: String) {
        if text.hasPrefix("device:") {
            self = .device(String(text.dropFirst(7)))
        } else if text.hasPrefix("resident:") {
            self = .resident(String(text.dropFirst(9)))
        } else {
            return nil
        }
    }
}

/// One open ticket per rule, site and subject: while one is not resolved, triggers add occurrences to it.
public struct DedupKey: Sendable, Hashable, CustomStringConvertible {
    /// The rule id.
    public var rule: String
    /// The site id (device and resident ids are unique only within a site).
    public var site: String
    /// The subject.
    public var subject: Subject

    /// Creates a key.
    public init(rule: String, site: String, subject: Subject) {
        self.rule = rule
        self.site = site
        self.subject = subject
    }

    public var description: String { "\(rule)/\(site)/\(subject)" }
}
