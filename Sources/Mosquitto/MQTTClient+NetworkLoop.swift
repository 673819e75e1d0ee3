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
        while !stopRequested.load(ordering: .acquiring) {
            let code = mosquitto_loop(mosq, 1_000, 1)
            if code == 0 { continue }
            let systemError = errno
            if stopRequested.load(ordering: .acquiring) { break }
            if !disconnectReported.exchange(false, ordering: .acquiringAndReleasing) {
                disconnected(code: code, systemError: systemError)
            }
            reconnectWithBackOff()
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
