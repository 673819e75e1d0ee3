internal import CZlib

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), for the inbox journal's record checksums: zlib's `crc32`.
///
/// A checksum per record lets ``InboxJournal`` tell a complete record from one torn by a crash mid-write
/// (or damaged on disk), so a bad tail is cut off instead of being replayed as an event. It is computed on the
/// MQTT network thread for every message, so it uses zlib's, which handles several bytes a step.
enum CRC32 {
    /// The checksum of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        return UInt32(crc32_z(0, base.assumingMemoryBound(to: UInt8.self), bytes.count))
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
