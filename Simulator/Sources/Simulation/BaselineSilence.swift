import LinliCore

/// A stretch of time in which part of the baseline says nothing: a silent device (`device-silent`) or a
/// resident showing no sign of life (`stops-checking-in`).
struct BaselineSilence: Sendable, Hashable {
    /// Site id.
    var site: String
    /// The device whose every event is dropped, or the resident whose check-ins, motion and gate passes are.
    var subject: Subject
    /// Start, inclusive.
    var from: EventTime
    /// End, exclusive.
    var until: EventTime

    /// Whether the baseline must drop `event`.
    func silences(_ event: Event) -> Bool {
        guard event.site == site, event.time >= from, event.time < until else { return false }
        switch subject {
        case .device(let id):
            return event.device == id
        case .resident(let id):
            guard event.data.resident == id else { return false }
            return [.careCheckin, .careMotion, .gatePass].contains(event.type)
        }
    }
}
