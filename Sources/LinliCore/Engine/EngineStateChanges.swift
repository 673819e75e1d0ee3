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
        var blobs = DictionarySink()
        encode(into: &blobs)
        return blobs.blobs
    }

    /// ``encoded()``, each blob written straight into `sink`: what a commit does.
    public func encode(into sink: inout some StateBlobSink) {
        if let clock { sink.append(writingKey: { $0 += RuleEngine.clockKey.utf8 }, writingValue: { $0 += clock }) }
        if let roster { sink.append(writingKey: { $0 += RuleEngine.rosterKey.utf8 }, writingValue: { $0 += roster }) }
        for (key, state) in subjects {
            sink.append(
                writingKey: { RuleEngine.appendBlobName(key, to: &$0) },
                writingValue: { bytes in
                    if let state { RuleEngine.encode(state, to: &bytes) }
                }
            )
        }
    }
}

/// The blobs as a dictionary (``EngineStateChanges/encoded()``).
private struct DictionarySink: StateBlobSink {
    var blobs: [String: [UInt8]] = [:]

    mutating func append(writingKey: (inout [UInt8]) -> Void, writingValue: (inout [UInt8]) -> Void) {
        var key: [UInt8] = []
        var value: [UInt8] = []
        writingKey(&key)
        writingValue(&value)
        blobs[String(decoding: key, as: UTF8.self)] = value
    }
}
