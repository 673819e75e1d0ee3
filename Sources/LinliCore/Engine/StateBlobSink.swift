/// Where ``EngineStateChanges/encode(into:)`` writes the engine's blobs: the store lays them out as it keeps
/// them, and no string or array is made per blob on the way.
public protocol StateBlobSink {
    /// Adds one blob: `writingKey` appends its key's UTF-8 (a key not added before), `writingValue` its bytes
    /// (none for an empty blob), each to the buffer it is given.
    mutating func append(writingKey: (inout [UInt8]) -> Void, writingValue: (inout [UInt8]) -> Void)
}
