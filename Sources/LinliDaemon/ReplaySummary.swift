public import LinliCore

/// What a ``Replayer`` did: messages read, events applied, redeliveries ignored, messages dead-lettered
/// (by reason) and ticket changes (by action).
public struct ReplaySummary: Sendable, Hashable, CustomStringConvertible {
    /// Messages replayed.
    public var messages = 0
    /// Events applied to the rules.
    public var accepted = 0
    /// Redelivered events ignored (same `source` and `id` as an applied one).
    public var duplicates = 0
    /// Messages dead-lettered, by reason code (`invalid_json`, `too_late`, …).
    public var deadLettersByReason: [String: Int] = [:]
    /// Ticket changes, by action (`opened`, `occurred`, `escalated`, `resolved`).
    public var ticketChanges: [String: Int] = [:]
    /// The engine's clock at the end: the latest event time (`nil` when no event was applied).
    public var lastEventTime: EventTime?

    /// Creates an empty summary.
    public init() {}

    /// Messages dead-lettered in all.
    public var deadLetters: Int { deadLettersByReason.values.reduce(0, +) }

    /// Adds one committed batch.
    mutating func add(_ output: ProcessorOutput) {
        accepted += output.accepted
        duplicates += output.duplicates
        for (reason, count) in output.rejectedByReason {
            deadLettersByReason[reason, default: 0] += count
        }
        for update in output.updates {
            ticketChanges[update.action.rawValue, default: 0] += 1
        }
    }

    /// `120 messages: 117 events applied, 1 redelivery ignored, 2 dead letters (invalid_json 1, out_of_range
    /// 1); ticket changes: opened 3, occurred 1; event time up to 2026-11-27T06:02:30Z`.
    public var description: String {
        var text = "\(messages) \(messages == 1 ? "message" : "messages"): \(accepted) events applied"
        if duplicates > 0 { text += ", \(duplicates) \(duplicates == 1 ? "redelivery" : "redeliveries") ignored" }
        text += ", \(deadLetters) \(deadLetters == 1 ? "dead letter" : "dead letters")"
        if deadLetters > 0 {
            let reasons = deadLettersByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            text += " (" + reasons.joined(separator: ", ") + ")"
        }
        let order = ["opened", "occurred", "escalated", "resolved", "reopened"]
        let changes = ticketChanges.sorted { left, right in
            (order.firstIndex(of: left.key) ?? order.count, left.key) < (order.firstIndex(of: right.key) ?? order.count, right.key)
        }
        text += "; ticket changes: " + (changes.isEmpty ? "none" : changes.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if let lastEventTime { text += "; event time up to \(lastEventTime)" }
        return text
    }
}
