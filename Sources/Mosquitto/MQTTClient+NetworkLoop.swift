internal import CMosquitto
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MQTTClient {
    /// The network thread: reads and writes the socket, runs the callbacks, and reconnects with exponential
    /// back-off, until shutdown sets `stopRequested`.
    ///
    /// This replaces `mosquitto_loop_start`/`mosquitto_loop_forever`, which in libmosquitto 2.0 end the loop thread
    /// for good, without a callback, on some errors (a failed TLS handshake, an MQTT 5 CONNACK refusal): a client
    /// would then stay disconnected forever without anyone noticing. Here every error is reported and retried.
    func runNetworkLoop() {
        let mosq = handle.pointer
        var readBuffer = ReadBuffer(enabled: configuration.tls == nil, counts: socketReadTotals)
        while !stopRequested.load(ordering: .acquiring) {
            readBuffer.follow(socket: mosquitto_socket(mosq))
            // Bytes already buffered are no longer in the kernel: `select` must not wait for them.
            var code = mosquitto_loop(mosq, readBuffer.hasPending ? 0 : 1_000, 1)
            if code == 0 { code = readBackToBack(mosq, readBuffer: readBuffer) }
            readBuffer.report()
            if code == 0 { continue }
            let systemError = errno
            // The connection is gone: what was read of it is dropped.
            readBuffer.release()
            if stopRequested.load(ordering: .acquiring) { break }
            if !disconnectReported.exchange(false, ordering: .acquiringAndReleasing) {
                disconnected(code: code, systemError: systemError)
            }
            reconnectWithBackOff()
        }
    }

    /// Most packets read in a row by ``readBackToBack(_:)`` before the loop goes back to `mosquitto_loop` (which
    /// also keeps the connection alive and reads the wake-up pipe).
    static let backToBackPackets = 64

    /// Reads further packets while messages keep arriving, without a `select` before each one: `mosquitto_loop`
    /// reads one packet per call (a subscriber's queue lengths, which size its reads, are zero), so under load
    /// half of the network thread's system calls were `select`s. Stops at the first read that brings no message
    /// (nothing left to read, or another kind of packet). Queued packets (QoS 1 acknowledgements) are written
    /// before each read, so the broker's in-flight window keeps moving; the socket is corked meanwhile, so the
    /// burst's acknowledgements leave in a few TCP segments instead of one each. Goes on past a read without a message
    /// while `readBuffer` holds bytes. Returns libmosquitto's result code.
    private func readBackToBack(_ mosq: OpaquePointer, readBuffer: borrowing ReadBuffer) -> Int32 {
        var cork = SocketCork(socket: mosquitto_socket(mosq))
        defer { cork.release() }
        for _ in 0..<Self.backToBackPackets {
            if mosquitto_want_write(mosq) {
                cork.engage()
                let code = mosquitto_loop_write(mosq, 1)
                if code != 0 { return code }
            }
            let before = receivedCount.load(ordering: .relaxed)
            let code = mosquitto_loop_read(mosq, 1)
            if code != 0 || (receivedCount.load(ordering: .relaxed) == before && !readBuffer.hasPending) { return code }
        }
        return 0
    }

    /// Longest a shutdown waits for the broker to take what is still queued for it (QoS 0 publishes, acknowledgements,
    /// the DISCONNECT itself) before the socket is closed anyway.
    static let disconnectDrainTimeout: Duration = .seconds(2)

    /// Writes what libmosquitto still holds for the broker once the network loop has ended, waiting for the socket to
    /// take it, until the DISCONNECT (queued last) has gone and libmosquitto closed the socket, or the timeout. Without
    /// this, a publisher that closed right after a burst of QoS 0 messages lost those its socket had not yet taken
    /// (seen on a loaded machine: 563 of 2,000). Runs on `lifecycleQueue` after `networkLoopFinished`.
    func drainOutgoing(_ mosq: OpaquePointer) {
        let deadline = ContinuousClock.now + Self.disconnectDrainTimeout
        while mosquitto_want_write(mosq) {
            let socket = mosquitto_socket(mosq)
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard socket >= 0, remaining > .zero else { return }
            var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, remaining.millisecondsRoundedUp)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, mosquitto_loop_write(mosq, 1) == 0 else { return }
        }
    }

    /// Waits the back-off delay, then reconnects (blocking, on the network thread) until it succeeds or shutdown.
    private func reconnectWithBackOff() {
        let mosq = handle.pointer
        while !stopRequested.load(ordering: .acquiring) {
            let failures = consecutiveFailures.wrappingAdd(1, ordering: .relaxed).oldValue
            let delay = min(
                configuration.reconnectDelay.wholeSeconds << Int64(min(failures, 16)),
                configuration.maxReconnectDelay.wholeSeconds
            )
            logger.debug("MQTT reconnecting", metadata: ["mqtt.retry_in_seconds": "\(delay)"])
            if networkWake.wait(timeout: .now() + .seconds(Int(delay))) == .success {
                networkWake.signal()  // keep the wake-up for any later wait
            }
            if stopRequested.load(ordering: .acquiring) { return }
            disconnectReported.store(false, ordering: .releasing)
            let code = mosquitto_reconnect(mosq)
            if code == 0 { return }
            let reason =
                code == MosquittoError.systemCall.code
                ? String(cString: strerror(errno)) : MosquittoError(code: code).description
            logger.debug("MQTT reconnect attempt failed", metadata: ["mqtt.reason": "\(reason)"])
        }
    }
}

/// `TCP_CORK` on the client's socket for the length of a burst of writes: engaged at the first, released (which
/// sends what it held) at the end.
private struct SocketCork {
    let socket: Int32
    private var engaged = false

    init(socket: Int32) {
        self.socket = socket
    }

    mutating func engage() {
        guard !engaged, socket >= 0 else { return }
        engaged = set(1)
    }

    mutating func release() {
        guard engaged else { return }
        _ = set(0)
        engaged = false
    }

    private func set(_ value: Int32) -> Bool {
        var value = value
        return setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }
}
