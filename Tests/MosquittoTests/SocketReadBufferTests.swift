import CSocketReadBuffer
import Foundation
import Testing

/// The read buffer in front of libmosquitto's socket, over a pipe: what reads return, how many system calls they
/// make, and that a closed descriptor never serves what its buffer held.
@Suite("Socket read buffer")
struct SocketReadBufferTests {
    /// A pipe whose read end does not block.
    struct Pipe: ~Copyable {
        let reading: Int32
        let writing: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            reading = ends[0]
            writing = ends[1]
            _ = fcntl(reading, F_SETFL, fcntl(reading, F_GETFL) | O_NONBLOCK)
        }

        func write(_ text: String) {
            let bytes = Array(text.utf8)
            #expect(Foundation.write(writing, bytes, bytes.count) == bytes.count)
        }

        /// One `read` of at most `count` bytes: the text read, or nil with errno.
        func read(_ count: Int) -> String? {
            var bytes = [UInt8](repeating: 0, count: count)
            let got = Foundation.read(reading, &bytes, count)
            return got < 0 ? nil : String(decoding: bytes.prefix(got), as: UTF8.self)
        }

        deinit {
            close(reading)
            close(writing)
        }
    }

    @Test("small reads are served from one read of the descriptor, in order, and short at the buffer's end")
    func servesSmallReadsFromOneSystemCall() throws {
        let pipe = try Pipe()
        let buffer = try #require(linli_read_buffer_attach(pipe.reading))
        defer { linli_read_buffer_release(buffer) }
        pipe.write("abcdefghij")

        #expect(pipe.read(1) == "a")
        #expect(linli_read_buffer_pending(buffer) == 9)
        #expect(pipe.read(3) == "bcd")
        #expect(pipe.read(100) == "efghij")
        #expect(linli_read_buffer_pending(buffer) == 0)
        #expect(linli_read_buffer_reads(buffer) == 3)
        #expect(linli_read_buffer_system_calls(buffer) == 1)

        #expect(pipe.read(1) == nil)
        #expect(errno == EAGAIN)
        #expect(linli_read_buffer_system_calls(buffer) == 2)

        pipe.write("klm")
        #expect(pipe.read(2) == "kl")
        #expect(pipe.read(2) == "m")
        #expect(linli_read_buffer_system_calls(buffer) == 3)
    }

    @Test("a read as large as the buffer goes to the descriptor directly")
    func largeReadBypassesTheBuffer() throws {
        let pipe = try Pipe()
        let buffer = try #require(linli_read_buffer_attach(pipe.reading))
        defer { linli_read_buffer_release(buffer) }
        pipe.write("xyz")
        #expect(pipe.read(64 * 1024) == "xyz")
        #expect(linli_read_buffer_pending(buffer) == 0)
        #expect(linli_read_buffer_system_calls(buffer) == 1)
    }

    @Test("the end of the stream reads as 0 bytes once what was buffered is taken")
    func endOfStream() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let buffer = try #require(linli_read_buffer_attach(ends[0]))
        defer { linli_read_buffer_release(buffer) }
        #expect(write(ends[1], "ok", 2) == 2)
        close(ends[1])
        var byte: UInt8 = 0
        #expect(read(ends[0], &byte, 1) == 1 && byte == UInt8(ascii: "o"))
        #expect(read(ends[0], &byte, 1) == 1 && byte == UInt8(ascii: "k"))
        #expect(read(ends[0], &byte, 1) == 0)
    }

    @Test("closing the descriptor detaches its buffer: a new pipe on the same number reads its own bytes")
    func closeDetaches() throws {
        var first: [Int32] = [0, 0]
        try #require(pipe(&first) == 0)
        let buffer = try #require(linli_read_buffer_attach(first[0]))
        defer { linli_read_buffer_release(buffer) }
        #expect(write(first[1], "old bytes", 9) == 9)
        var byte: UInt8 = 0
        #expect(read(first[0], &byte, 1) == 1)
        #expect(linli_read_buffer_pending(buffer) == 8)
        close(first[0])
        close(first[1])
        #expect(!linli_read_buffer_is_attached(buffer))
        #expect(linli_read_buffer_pending(buffer) == 0)

        // The lowest free numbers are taken again (tests run in parallel, so this may not hold; the check is then
        // on whatever descriptor the pipe got, which was never attached).
        var second: [Int32] = [0, 0]
        try #require(pipe(&second) == 0)
        defer {
            close(second[0])
            close(second[1])
        }
        #expect(write(second[1], "new", 3) == 3)
        var bytes = [UInt8](repeating: 0, count: 8)
        #expect(read(second[0], &bytes, 8) == 3)
        #expect(String(decoding: bytes.prefix(3), as: UTF8.self) == "new")
    }

    @Test("releasing a buffer detaches it; a descriptor out of the table's range is not buffered")
    func releaseAndRange() throws {
        let pipe = try Pipe()
        let buffer = try #require(linli_read_buffer_attach(pipe.reading))
        #expect(linli_read_buffer_is_attached(buffer))
        linli_read_buffer_release(buffer)
        pipe.write("abc")
        #expect(pipe.read(1) == "a")
        #expect(pipe.read(2) == "bc")
        #expect(linli_read_buffer_attach(-1) == nil)
        #expect(linli_read_buffer_attach(1 << 20) == nil)
    }
}
