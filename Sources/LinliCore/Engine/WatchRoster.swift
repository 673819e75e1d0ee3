/// The subjects the absence rules started watching when the engine first knew the time, persisted as one blob
/// instead of one last-seen row per subject.
///
/// At the start of watching every watched subject that was never heard from is silent since then. Writing that
/// as a state row per subject cost a first commit of 100,000 rows (and the pipeline's wait for it) on a fresh
/// store. The roster says it once: the start time and a sorted list of 64-bit hashes of the subjects' keys. A
/// restored engine gives a subject without a state row the roster's start if the roster holds it, and its restored
/// clock otherwise (a subject added to the registry while the daemon was stopped).
///
/// The hash is FNV-1a over `rule/site/kind:id`, stable across processes; two keys sharing one has a chance of
/// about n² / 2⁶⁵ (3 · 10⁻¹⁰ for 110,000 subjects), and would only make a new subject count from the start.
struct WatchRoster: Sendable, Equatable {
    /// When the rostered subjects started being watched.
    let since: EventTime
    /// The keys' hashes, ascending.
    private let hashes: [UInt64]

    /// A roster of `hashes` (any order) watched since `since`.
    init(since: EventTime, hashes: [UInt64]) {
        self.since = since
        self.hashes = hashes.sorted()
    }

    /// Decodes ``encoded()``; `nil` for bytes that are not a roster.
    init?(decoding bytes: [UInt8]) {
        guard bytes.count >= 8, bytes.count % 8 == 0 else { return nil }
        let words = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        since = EventTime(milliseconds: Int64(bitPattern: words[0]))
        hashes = Array(words.dropFirst()).sorted()
    }

    /// The start time, then the hashes, each as 8 little-endian bytes.
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * (hashes.count + 1))
        for word in [UInt64(bitPattern: since.milliseconds)] + hashes {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// When the roster's subject `key` started being watched: ``since`` if the roster holds it, else `nil`.
    func start(of key: DedupKey) -> EventTime? {
        let hash = Self.hash(key)
        var low = 0
        var high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == hash ? since : nil
    }

    /// FNV-1a (64-bit) of `rule/site/kind:id`.
    static func hash(_ key: DedupKey) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        add(key.rule.utf8)
        add(CollectionOfOne(UInt8(ascii: "/")))
        add(key.site.utf8)
        add(CollectionOfOne(UInt8(ascii: "/")))
        switch key.subject {
        case .device(let id):
            add("device:".utf8)
            add(id.utf8)
        case .resident(let id):
            add("resident:".utf8)
            add(id.utf8)
        }
        return hash
    }
}
