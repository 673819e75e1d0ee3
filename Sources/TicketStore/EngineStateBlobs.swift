public import LinliCore

/// Engine state blobs to store by key, laid out as they enter the store's state log (``EngineStateLog``): a
/// batch's blobs cost one buffer, not a string and an array each.
///
/// Each key appears at most once: ``append(key:value:)`` and ``append(writingKey:writingValue:)`` take keys
/// not added before (the engine's changes are unique by construction); the dictionary forms keep the last value
/// of a key. An empty value is stored as an empty blob.
///
/// ```swift
/// var blobs: EngineStateBlobs = ["engine.clock": clock]
/// blobs.append(key: "inbox.applied", value: Array("42".utf8))
/// try await store.commit(IngestBatch(engineState: blobs))
/// ```
public struct EngineStateBlobs: Sendable, Hashable, ExpressibleByDictionaryLiteral, StateBlobSink {
    /// The blobs as one state log entry: per blob the key's UTF-8 length (`UInt32`, little endian), the key, the
    /// value's length and the value.
    private(set) var entry: [UInt8] = []
    /// How many blobs were added.
    public private(set) var count = 0

    /// No blobs.
    public init() {}

    /// The blobs of a dictionary.
    public init(_ blobs: [String: [UInt8]]) {
        entry.reserveCapacity(blobs.reduce(0) { $0 + $1.key.utf8.count + $1.value.count + 8 })
        for (key, value) in blobs { append(key: key, value: value) }
    }

    /// The blobs of a literal; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, [UInt8])...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// Whether no blob was added.
    public var isEmpty: Bool { count == 0 }

    /// Adds a blob under a key not added before.
    public mutating func append(key: String, value: some Collection<UInt8>) {
        append(writingKey: { $0 += key.utf8 }, writingValue: { $0 += value })
    }

    /// Adds a blob written in place: `writingKey` appends a key not added before (UTF-8), `writingValue` the
    /// value; each appends to the buffer it is given and changes nothing already in it.
    public mutating func append(writingKey: (inout [UInt8]) -> Void, writingValue: (inout [UInt8]) -> Void) {
        appendMeasured(writingKey)
        appendMeasured(writingValue)
        count += 1
    }

    /// Every blob, in the order added.
    public var dictionary: [String: [UInt8]] {
        var blobs: [String: [UInt8]] = [:]
        _ = EngineStateLog.forEach(in: entry) { key, value in blobs[key] = value }
        return blobs
    }

    /// Appends a length placeholder, what `write` appends, then patches the placeholder with its length.
    private mutating func appendMeasured(_ write: (inout [UInt8]) -> Void) {
        let lengthOffset = entry.count
        entry.append(contentsOf: repeatElement(0, count: 4))
        write(&entry)
        let length = UInt32(entry.count - lengthOffset - 4).littleEndian
        withUnsafeBytes(of: length) { bytes in
            for index in 0..<4 { entry[lengthOffset + index] = bytes[index] }
        }
    }
}
