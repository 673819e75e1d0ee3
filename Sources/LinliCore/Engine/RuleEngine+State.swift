extension RuleEngine {
    /// The key prefix of the engine's blobs in the store's engine-state table.
    public static let stateKeyPrefix = "engine."
    static let clockKey = "engine.clock"
    /// The ``WatchRoster`` of the first start of watching.
    static let rosterKey = "engine.roster"
    private static let subjectPrefix = "engine.s/"

    /// What changed since the last call, as blobs to upsert in the same transaction as the tickets:
    /// `engine.clock`, one `engine.s/{rule}/{site}/{subject}` per changed subject (an empty blob for a
    /// subject that no longer needs state), and `engine.roster` after the first start of watching.
    public mutating func takeStateChanges() -> [String: [UInt8]] {
        takeUnencodedStateChanges().encoded()
    }

    /// What changed since the last call (or ``takeStateChanges()``), to be encoded later, elsewhere.
    public mutating func takeUnencodedStateChanges() -> EngineStateChanges {
        let clock = clockDirty || states.hasChanges || rosterToStore != nil ? encodeClock() : nil
        clockDirty = false
        let subjects = states.takeChanges()
        defer { rosterToStore = nil }
        return EngineStateChanges(clock: clock, subjects: subjects, roster: rosterToStore?.encoded())
    }

    /// Every blob of the current state (for a reload, or a snapshot).
    func encodeAllState() -> [String: [UInt8]] {
        var blobs = [Self.clockKey: encodeClock()]
        states.visit { key, state in
            blobs[Self.blobName(key)] = Self.encode(state)
        }
        return blobs
    }

    /// Restores the clock and subject states from blobs; ignores blobs of rules no longer loaded and
    /// blobs it cannot read (they are rebuilt from the next events).
    mutating func restoreState(_ blobs: [String: [UInt8]]) {
        if let clock = blobs[Self.clockKey].flatMap({ try? JSONValue(parsing: $0) }) {
            now = clock["now"]?.number.map { EventTime(milliseconds: Int64($0)) } ?? now
            epoch = clock["epoch"]?.number.map { EventTime(milliseconds: Int64($0)) }
        }
        roster = blobs[Self.rosterKey].flatMap(WatchRoster.init(decoding:))
        for (name, blob) in blobs where name.hasPrefix(Self.subjectPrefix) && !blob.isEmpty {
            guard let key = Self.dedupKey(String(name.dropFirst(Self.subjectPrefix.count))), rules[key.rule] != nil,
                let state = try? Self.decode(blob)
            else { continue }
            states[key] = state
        }
    }

    private func encodeClock() -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.key("now")
        writer.integer(Int(now.milliseconds))
        writer.key("epoch")
        if let epoch { writer.integer(Int(epoch.milliseconds)) } else { writer.null() }
        writer.endObject()
        return writer.bytes
    }

    /// `rule/site/subject` (ids cannot contain `/`).
    private static func dedupKey(_ text: String) -> DedupKey? {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let subject = Subject(String(parts[2])) else { return nil }
        return DedupKey(rule: String(parts[0]), site: String(parts[1]), subject: subject)
    }

    /// `engine.s/{rule}/{site}/{subject}`: the same text as `subjectPrefix + key.description`.
    static func blobName(_ key: DedupKey) -> String {
        var bytes: [UInt8] = []
        appendBlobName(key, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``blobName(_:)``'s UTF-8 to `bytes`, without string interpolation or a string (one per changed
    /// subject per commit). No `reserveCapacity` here: on a buffer that keeps growing it would reallocate exactly,
    /// every time.
    static func appendBlobName(_ key: DedupKey, to bytes: inout [UInt8]) {
        var rule = key.rule
        var site = key.site
        var id = key.subject.id
        bytes += subjectPrefix.utf8
        rule.withUTF8 { bytes += $0 }
        bytes.append(UInt8(ascii: "/"))
        site.withUTF8 { bytes += $0 }
        bytes.append(UInt8(ascii: "/"))
        let kind: StaticString =
            switch key.subject {
            case .device: "device:"
            case .resident: "resident:"
            }
        kind.withUTF8Buffer { bytes += $0 }
        id.withUTF8 { bytes += $0 }
    }

    /// `{"r": [[ms, id], …], "o": [ms, id], "l": ms, "m": ms, "s": true}`, each key only when set.
    ///
    /// States without matches (signs of life, last matches: nearly all of them) are written byte by byte;
    /// the others through ``JSONWriter``. Both give the same text.
    static func encode(_ state: SubjectState) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(48)
        encode(state, to: &bytes)
        return bytes
    }

    /// Appends ``encode(_:)``'s bytes to `bytes`.
    static func encode(_ state: SubjectState, to bytes: inout [UInt8]) {
        guard state.recent.isEmpty, state.opening == nil else {
            bytes += encodeWithMatches(state)
            return
        }
        let start = bytes.count
        bytes.append(UInt8(ascii: "{"))
        func field(_ name: UInt8) {
            if bytes.count > start + 1 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(name)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }
        func integer(_ value: Int64) {
            JSONWriter.appendDigits(of: value, to: &bytes)
        }
        if let lastSeen = state.lastSeen {
            field(UInt8(ascii: "l"))
            integer(lastSeen.milliseconds)
        }
        if let lastMatch = state.lastMatch {
            field(UInt8(ascii: "m"))
            integer(lastMatch.milliseconds)
        }
        if state.silenceReported {
            field(UInt8(ascii: "s"))
            bytes.append(contentsOf: "true".utf8)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// ``encode(_:)`` for states with a window or an opening match.
    private static func encodeWithMatches(_ state: SubjectState) -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        func match(_ match: SubjectState.Match) {
            writer.beginArray()
            writer.integer(Int(match.time.milliseconds))
            writer.string(match.id)
            writer.endArray()
        }
        writer.beginObject()
        if !state.recent.isEmpty {
            writer.key("r")
            writer.beginArray()
            for item in state.recent { match(item) }
            writer.endArray()
        }
        if let opening = state.opening {
            writer.key("o")
            match(opening)
        }
        if let lastSeen = state.lastSeen {
            writer.key("l")
            writer.integer(Int(lastSeen.milliseconds))
        }
        if let lastMatch = state.lastMatch {
            writer.key("m")
            writer.integer(Int(lastMatch.milliseconds))
        }
        if state.silenceReported {
            writer.key("s")
            writer.bool(true)
        }
        writer.endObject()
        return writer.bytes
    }

    static func decode(_ blob: [UInt8]) throws -> SubjectState {
        let value = try JSONValue(parsing: blob)
        func time(_ value: JSONValue?) -> EventTime? {
            value?.number.map { EventTime(milliseconds: Int64($0)) }
        }
        func match(_ value: JSONValue?) -> SubjectState.Match? {
            guard let pair = value?.array, pair.count == 2, let at = time(pair[0]), let id = pair[1].string else {
                return nil
            }
            return SubjectState.Match(time: at, id: id)
        }
        var state = SubjectState()
        state.recent = (value["r"]?.array ?? []).compactMap(match)
        state.opening = match(value["o"])
        state.lastSeen = time(value["l"])
        state.lastMatch = time(value["m"])
        state.silenceReported = value["s"]?.bool ?? false
        return state
    }
}
