internal import CMosquitto
import Logging
import Synchronization

extension MQTTClient {
    /// Publishes a message.
    ///
    /// At QoS 0 the message is handed to libmosquitto and the call returns. At QoS 1 and 2 the call returns once the
    /// message is queued for sending; when ``MQTTConfiguration/maxInflight`` publishes already await their
    /// acknowledgement it first waits (suspending, not blocking) for one to be acknowledged. Use ``flush()`` to wait
    /// for the acknowledgements. QoS 1 and 2 messages published while the connection is down are sent on reconnect.
    ///
    /// An empty payload with `retain: true` clears the topic's retained message.
    ///
    /// ```swift
    /// try await client.publish(topic: "sensors/bin-7/fill", payload: Array(json.utf8), qos: .atLeastOnce)
    /// ```
    ///
    /// - Parameters:
    ///   - topic: The topic name (no wildcards).
    ///   - payload: The bytes to send, copied before the call returns.
    ///   - qos: The quality of service.
    ///   - retain: Whether the broker keeps the message as the topic's retained message.
    /// - Throws: ``MQTTError/invalidTopic(_:)``, ``MQTTError/clientClosed``, `CancellationError` while waiting for the
    ///   window, or a ``MosquittoError`` (``MosquittoError/noConnection`` for QoS 0 while disconnected,
    ///   ``MosquittoError/payloadSize``).
    public func publish(
        topic: String,
        payload: some Collection<UInt8>,
        qos: QoS = .atMostOnce,
        retain: Bool = false
    ) async throws {
        guard !topic.isEmpty, mosquitto_pub_topic_check(topic) == 0 else {
            throw MQTTError.invalidTopic(topic)
        }
        let bytes = Array(payload)
        guard qos != .atMostOnce else {
            try state.withLock { state in
                guard !state.closed else { throw MQTTError.clientClosed }
                _ = try send(topic: topic, payload: bytes, qos: qos, retain: retain)
            }
            return
        }
        // Fast path: a free window slot and nobody queued before us.
        let published: Bool = try state.withLock { state in
            guard !state.closed else { throw MQTTError.clientClosed }
            guard state.publishWaiters.isEmpty,
                state.inflight.count + state.reservedSlots < configuration.maxInflight
            else { return false }
            state.inflight.insert(try send(topic: topic, payload: bytes, qos: qos, retain: retain))
            return true
        }
        if published { return }

        try await waitForWindowSlot()
        let waiterToWake: CheckedContinuation<Void, any Error>? = try state.withLock { state in
            state.reservedSlots -= 1
            guard !state.closed else { throw MQTTError.clientClosed }
            do {
                state.inflight.insert(try send(topic: topic, payload: bytes, qos: qos, retain: retain))
                return nil
            } catch {
                // The granted slot stays free: pass it on before reporting the failure.
                if let next = Self.grantSlot(&state) { next.resume() }
                throw error
            }
        }
        waiterToWake?.resume()
    }

    /// Waits until every QoS 1 and 2 message published before this call has been acknowledged by the broker.
    ///
    /// Waits across reconnects (libmosquitto resends unacknowledged messages).
    /// - Throws: ``MQTTError/clientClosed`` if the client shuts down first; `CancellationError` if cancelled.
    public func flush() async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.closed { return .failure(MQTTError.clientClosed) }
                    if state.inflight.isEmpty { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.flushWaiters.append(.init(id: id, remaining: state.inflight, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.flushWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.flushWaiters.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// How many QoS 1 and 2 publishes await their acknowledgement now.
    public var inflightCount: Int {
        state.withLock { $0.inflight.count }
    }

    /// Calls `mosquitto_publish`; the caller holds the state lock (so `on_publish` cannot see the id before we do).
    /// Returns the message id.
    private func send(topic: String, payload: [UInt8], qos: QoS, retain: Bool) throws -> Int32 {
        var mid: Int32 = 0
        let code = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle.pointer, &mid, topic, Int32(bytes.count), bytes.baseAddress, qos.rawValue, retain)
        }
        try MosquittoError.check(code)
        return mid
    }

    /// Suspends until `on_publish` grants this caller a window slot (counted in `reservedSlots`).
    private func waitForWindowSlot() async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.closed { return .failure(MQTTError.clientClosed) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.publishWaiters.isEmpty && state.inflight.count + state.reservedSlots < configuration.maxInflight {
                        state.reservedSlots += 1
                        return .success(())
                    }
                    state.publishWaiters.append(.init(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.publishWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.publishWaiters.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Gives a free window slot to the first waiting publisher, if any; the caller resumes it after unlocking.
    static func grantSlot(_ state: inout ClientState) -> CheckedContinuation<Void, any Error>? {
        guard !state.publishWaiters.isEmpty else { return nil }
        state.reservedSlots += 1
        return state.publishWaiters.removeFirst().continuation
    }

    /// Records the acknowledgement of a QoS > 0 publish (network thread): frees its slot, wakes a publisher and any
    /// `flush()` that was waiting for it.
    func acknowledge(mid: Int32) {
        let toResume: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            guard state.inflight.remove(mid) != nil else { return [] }
            var resumed: [CheckedContinuation<Void, any Error>] = []
            if !state.flushWaiters.isEmpty {
                var index = 0
                while index < state.flushWaiters.count {
                    state.flushWaiters[index].remaining.remove(mid)
                    if state.flushWaiters[index].remaining.isEmpty {
                        resumed.append(state.flushWaiters.remove(at: index).continuation)
                    } else {
                        index += 1
                    }
                }
            }
            if let next = Self.grantSlot(&state) {
                resumed.append(next)
            }
            return resumed
        }
        for continuation in toResume {
            continuation.resume()
        }
    }
}
