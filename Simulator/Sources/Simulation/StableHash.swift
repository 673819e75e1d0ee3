/// A string hash that is the same in every process (Swift's `Hasher` is randomly seeded per process).
enum StableHash {
    /// 64-bit FNV-1a over the UTF-8 bytes of `text`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
