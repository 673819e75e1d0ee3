/// The engine state changed since the last take, not yet encoded: the clock's blob and each changed subject's
/// state (`nil` for a subject that no longer needs any).
///
/// Taking it copies the changed states (cheap, on the processing path); ``encoded()`` names and encodes them
/// as the store's blobs, which costs about as much as processing the events did, so a pipeline does it where
/// the commit runs, while the next events are processed.
public struct EngineStateChanges: Sendable {
    /// The clock's blob, when it or any subject changed.
    let clock: [UInt8]?
    /// The changed subjects and their states.
    let subjects: [(key: DedupKey, state: SubjectState?)]
    /// The encoded ``WatchRoster``, once, after the first start of watching.
    let roster: [UInt8]?

    /// Whether nothing changed.
    public var isEmpty: Bool { clock == nil && subjects.isEmpty && roster == nil }

    /// How many blobs ``encoded()`` gives.
    public var count: Int { subjects.count + (clock == nil ? 0 : 1) + (roster == nil ? 0 : 1) }

    /// The blobs to upsert in the same transaction as the tickets: `engine.clock`, one
    /// `engine.s/{rule}/{site}/{subject}` per changed subject (an empty blob for a subject that no longer
    /// needs state), and `engine.roster` once.
    public func encoded() -> [String: [UInt8]] {
        var blobs: [String: [UInt8]] = [:]
        blobs.reserveCapacity(count)
        if let clock { blobs[RuleEngine.clockKey] = clock }
        if let roster { blobs[RuleEngine.rosterKey] = roster }
        for (key, state) in subjects {
            blobs[RuleEngine.blobName(key)] = state.map(RuleEngine.encode) ?? []
        }
        return blobs
    }
}
