import Foundation

/// Simulated messages sent from one process to another through a pipe, so that the process measured (the memory
/// benchmark's child) holds no traffic generator, as the daemon holds none.
///
/// A frame is the topic's UTF-8 length (`UInt32`, little endian), the topic, the payload's length and the payload.
enum TrafficPipe {
    /// Writes frames to a file handle, in large writes.
    struct Writer {
        private let handle: FileHandle
        private var buffer: [UInt8] = []
        private static let flushBytes = 1 << 18

        /// Writes to `handle`.
        init(handle: FileHandle) {
            self.handle = handle
            buffer.reserveCapacity(Self.flushBytes + 4_096)
        }

        /// Queues one message, writing the buffer when it is full.
        /// - Throws: when the reader has gone (a broken pipe).
        mutating func send(topic: String, payload: [UInt8]) throws {
            Self.appendLength(topic.utf8.count, to: &buffer)
            buffer += topic.utf8
            Self.appendLength(payload.count, to: &buffer)
            buffer += payload
            if buffer.count >= Self.flushBytes { try flush() }
        }

        /// Writes what is queued.
        mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        private static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
            withUnsafeBytes(of: UInt32(length).littleEndian) { bytes += $0 }
        }
    }

    /// Reads frames from a file descriptor.
    struct Reader {
        private let descriptor: Int32
        private var buffer = [UInt8](repeating: 0, count: 1 << 20)
        private var start = 0
        private var end = 0

        /// Reads from `descriptor` (standard input by default).
        init(descriptor: Int32 = 0) {
            self.descriptor = descriptor
        }

        /// The next message, or `nil` at the end of the stream.
        /// - Throws: ``BenchError`` when a read fails or the stream ends inside a frame.
        mutating func next() throws -> (topic: String, payload: [UInt8])? {
            guard let topicLength = try length() else { return nil }
            let topic = try bytes(topicLength) { String(decoding: $0, as: UTF8.self) }
            guard let payloadLength = try length() else { throw BenchError("traffic pipe: a frame ends after its topic") }
            let payload = try bytes(payloadLength) { Array($0) }
            return (topic, payload)
        }

        private mutating func length() throws -> Int? {
            guard try fill(4) else { return nil }
            let value = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: UInt32.self) }
            start += 4
            return Int(UInt32(littleEndian: value))
        }

        private mutating func bytes<T>(_ count: Int, _ make: (ArraySlice<UInt8>) -> T) throws -> T {
            guard try fill(count) else { throw BenchError("traffic pipe: the stream ends inside a frame") }
            defer { start += count }
            return make(buffer[start..<(start + count)])
        }

        /// Makes `count` bytes available from `start`; `false` at the end of the stream with none buffered.
        private mutating func fill(_ count: Int) throws -> Bool {
            while end - start < count {
                if start > 0 {
                    buffer.withUnsafeMutableBytes { bytes in
                        _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
                    }
                    end -= start
                    start = 0
                }
                if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
                let read = buffer.withUnsafeMutableBytes { bytes in
                    Glibc.read(descriptor, bytes.baseAddress! + end, bytes.count - end)
                }
                if read < 0, errno == EINTR { continue }
                guard read >= 0 else { throw BenchError("traffic pipe: read failed: \(String(cString: strerror(errno)))") }
                if read == 0 {
                    guard end == start else { throw BenchError("traffic pipe: the stream ends inside a frame") }
                    return false
                }
                end += read
            }
            return true
        }
    }
}
