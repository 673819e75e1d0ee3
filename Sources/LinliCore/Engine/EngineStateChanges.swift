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

    /// Whether nothing changed.
    public var isEmpty: Bool { clock == nil && subjects.isEmpty }

    /// How many blobs ``encoded()`` gives.
    public var count: Int { subjects.count + (clock == nil ? 0 : 1) }

    /// The blobs to upsert in the same transaction as the tickets: `engine.clock` and one
    /// `engine.s/{rule}/{site}/{subject}` per changed subject (an empty blob for a subject that no longer
    /// needs state).
    public func encoded() -> [String: [UInt8]] {
        var blobs: [String: [UInt8]] = [:]
        blobs.reserveCapacity(count)
        if let clock { blobs[RuleEngine.clockKey] = clock }
        for (key, state) in subjects {
            blobs[RuleEngine.blobName(key)] = state.map(RuleEngine.encode) ?? []
        }
        return blobs
    }
}
