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
///
/// The engine looks keys up several times per event (state, changed states, armed timers, open tickets), so a key
/// hashes its three strings once, when it is made, and hashing it later feeds that one number.
public struct DedupKey: Sendable, Hashable, CustomStringConvertible {
    /// The rule id.
    public let rule: String
    /// The site id (device and resident ids are unique only within a site).
    public let site: String
    /// The subject.
    public let subject: Subject
    /// The hash of the three, with the process's random seed (so ids chosen by a client cannot be made to collide).
    private let precomputedHash: Int

    /// Creates a key.
    public init(rule: String, site: String, subject: Subject) {
        self.rule = rule
        self.site = site
        self.subject = subject
        var hasher = Hasher()
        hasher.combine(rule)
        hasher.combine(site)
        hasher.combine(subject)
        precomputedHash = hasher.finalize()
    }

    public static func == (left: DedupKey, right: DedupKey) -> Bool {
        left.precomputedHash == right.precomputedHash && left.rule == right.rule && left.site == right.site
            && left.subject == right.subject
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(precomputedHash)
    }

    public var description: String { "\(rule)/\(site)/\(subject)" }
}
