internal import CSocketReadBuffer
import Synchronization

/// The network loop's hold on the read buffer of its connection's socket (`socket_read_buffer.h`): libmosquitto's
/// small reads of each packet (its first byte, each byte of its length, its body) are served from one large read of
/// the socket, so a burst of messages costs a few system calls instead of four per message.
///
/// The loop follows the socket libmosquitto connected and releases the buffer when the connection is lost (closing
/// the descriptor detaches it first, so no byte of a lost connection reaches the next). Not for TLS: OpenSSL reads
/// the socket itself, in records.
struct ReadBuffer: ~Copyable {
    private let enabled: Bool
    private let counts: SocketReadCounts.Totals
    private var buffer: OpaquePointer?

    /// A hold on no socket yet; `enabled` false never buffers. `counts` receives what every buffer served.
    init(enabled: Bool, counts: SocketReadCounts.Totals) {
        self.enabled = enabled
        self.counts = counts
    }

    deinit {
        if let buffer { counts.add(buffer) }
        linli_read_buffer_release(buffer)
    }

    /// Buffers `socket` (libmosquitto's current one, -1 when unconnected), releasing the buffer of another one or of
    /// a descriptor closed since.
    mutating func follow(socket: Int32) {
        guard enabled else { return }
        if let buffer, linli_read_buffer_is_attached(buffer), socket == descriptor { return }
        release()
        if socket >= 0 { buffer = linli_read_buffer_attach(socket) }
    }

    /// Drops what was buffered and stops buffering.
    mutating func release() {
        guard let buffer else { return }
        counts.add(buffer)
        linli_read_buffer_release(buffer)
        self.buffer = nil
    }

    /// Whether bytes were read from the socket that libmosquitto has not taken yet.
    var hasPending: Bool {
        linli_read_buffer_pending(buffer) > 0
    }

    /// Publishes the counts of the buffer in use to ``SocketReadCounts`` readers.
    func report() {
        counts.show(current: buffer)
    }

    private var descriptor: Int32 {
        guard let buffer else { return -1 }
        return linli_read_buffer_descriptor(buffer)
    }
}

/// How libmosquitto's reads of a client's socket were served: ``reads`` calls, ``systemCalls`` of which reached
/// the kernel. Over TLS nothing is buffered, and both stay 0.
public struct SocketReadCounts: Sendable, Equatable {
    /// The reads libmosquitto made of the socket.
    public var reads: UInt64
    /// The `read(2)` system calls that served them.
    public var systemCalls: UInt64

    /// What `buffer` served so far (nothing for `nil`).
    init(_ buffer: OpaquePointer?) {
        reads = linli_read_buffer_reads(buffer)
        systemCalls = linli_read_buffer_system_calls(buffer)
    }

    static func + (left: Self, right: Self) -> Self {
        var sum = left
        sum.reads += right.reads
        sum.systemCalls += right.systemCalls
        return sum
    }

    /// A client's running totals: those of released buffers, plus the one in use as last reported (the network
    /// thread writes a buffer's counts, so other threads read this copy).
    final class Totals: Sendable {
        private struct State {
            var released = SocketReadCounts(nil)
            var shown = SocketReadCounts(nil)
        }

        private let state = Mutex(State())

        var value: SocketReadCounts { state.withLock { $0.shown } }

        /// Adds a buffer about to be released.
        func add(_ buffer: OpaquePointer) {
            state.withLock { state in
                state.released = state.released + SocketReadCounts(buffer)
                state.shown = state.released
            }
        }

        /// Shows the released buffers' counts plus those of the buffer in use.
        func show(current buffer: OpaquePointer?) {
            state.withLock { state in state.shown = state.released + SocketReadCounts(buffer) }
        }
    }
}
