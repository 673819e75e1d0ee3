import Testing

@testable import LinliDaemon

@Suite("CRC-32 of the inbox journal's records")
struct CRC32Tests {
    @Test("matches the IEEE 802.3 check values, so journals written before zlib's crc32 read back")
    func checkValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
    }
}
