internal import CMosquitto
import Logging
import Synchronization

extension MQTTClient {
    /// Subscribes to a topic filter and waits for the broker's SUBACK.
    ///
    /// The subscription is remembered and sent again after every reconnect. If the client is disconnected when
    /// called, the SUBSCRIBE goes out (and the call returns) after the next successful connection.
    ///
    /// ```swift
    /// try await client.subscribe("sensors/+/telemetry", qos: .atLeastOnce)
    /// ```
    ///
    /// - Important: The SUBACK is read by the same thread that fills ``messages``, and a persistent session's backlog
    ///   arrives before it. A caller that takes messages only after this call returns would deadlock against a
    ///   full buffer, so while such a call waits the buffer does not block that thread: it may then hold more than
    ///   ``MQTTConfiguration/inboundCapacity`` messages, the whole backlog. A caller with another task taking
    ///   ``messages`` meanwhile passes `consumingConcurrently: true`: back-pressure then stays on, and the backlog
    ///   is processed while it arrives instead of after it.
    /// - Parameters:
    ///   - filter: An MQTT topic filter (`+` and `#` wildcards, `$share/group/…` shared subscriptions).
    ///   - qos: The maximum QoS at which to receive messages.
    ///   - consumingConcurrently: Whether another task takes ``messages`` while this call waits.
    /// - Throws: ``MQTTError/invalidTopicFilter(_:)``, ``MQTTError/subscriptionRefused(filter:)`` when the broker
    ///   refuses it, ``MQTTError/clientClosed``, `CancellationError`, or a ``MosquittoError``.
    public func subscribe(_ filter: String, qos: QoS = .atLeastOnce, consumingConcurrently: Bool = false) async throws {
        guard !filter.isEmpty, mosquitto_sub_topic_check(filter) == 0 else {
            throw MQTTError.invalidTopicFilter(filter)
        }
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let failure: (any Error)? = state.withLock { state in
                    if state.closed { return MQTTError.clientClosed }
                    if Task.isCancelled { return CancellationError() }
                    if let index = state.subscriptions.firstIndex(where: { $0.filter == filter }) {
                        state.subscriptions[index].qos = qos
                    } else {
                        state.subscriptions.append((filter, qos))
                    }
                    var mid: Int32 = 0
                    let code = mosquitto_subscribe(handle.pointer, &mid, filter, qos.rawValue)
                    if code == 0 {
                        state.pendingSubscriptions[mid] = filter
                    } else if code != MosquittoError.noConnection.code {
                        state.subscriptions.removeAll { $0.filter == filter }
                        return MosquittoError(code: code)
                    }
                    state.subscribeWaiters[filter, default: []].append(.init(id: id, continuation: continuation))
                    if !consumingConcurrently {
                        state.exclusiveSubscribeWaiters.insert(id)
                        publishExclusiveSubscribes(state)
                    }
                    return nil
                }
                if let failure { continuation.resume(throwing: failure) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard var waiters = state.subscribeWaiters[filter],
                    let index = waiters.firstIndex(where: { $0.id == id })
                else { return nil }
                let waiter = waiters.remove(at: index)
                state.subscribeWaiters[filter] = waiters.isEmpty ? nil : waiters
                state.exclusiveSubscribeWaiters.remove(id)
                publishExclusiveSubscribes(state)
                return waiter.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
        logger.debug("Subscribed", metadata: ["mqtt.filter": "\(filter)", "mqtt.qos": "\(qos.rawValue)"])
    }

    /// The filters subscribed so far (re-sent on every reconnect), in subscription order.
    public var subscriptions: [String] {
        state.withLock { $0.subscriptions.map(\.filter) }
    }

    /// Sends SUBSCRIBE for every remembered filter (network thread, in `on_connect`; the caller holds the lock).
    func resubscribeAll(_ state: inout ClientState) {
        for subscription in state.subscriptions {
            var mid: Int32 = 0
            let code = mosquitto_subscribe(handle.pointer, &mid, subscription.filter, subscription.qos.rawValue)
            if code == 0 {
                state.pendingSubscriptions[mid] = subscription.filter
            } else {
                logger.error(
                    "MQTT re-subscribe failed",
                    metadata: ["mqtt.filter": "\(subscription.filter)", "mqtt.reason": "\(MosquittoError(code: code))"]
                )
            }
        }
    }

    /// Handles a SUBACK (network thread): resumes the callers waiting for that filter.
    func subscriptionAcknowledged(mid: Int32, grantedQoS: Int32) {
        let (filter, waiters): (String?, [ClientState.Waiter]) = state.withLock { state in
            guard let filter = state.pendingSubscriptions.removeValue(forKey: mid) else { return (nil, []) }
            if grantedQoS >= 0x80 {
                state.subscriptions.removeAll { $0.filter == filter }
            }
            let waiters = state.subscribeWaiters.removeValue(forKey: filter) ?? []
            state.exclusiveSubscribeWaiters.subtract(waiters.map(\.id))
            publishExclusiveSubscribes(state)
            return (filter, waiters)
        }
        guard let filter else { return }
        if grantedQoS >= 0x80 {
            logger.error("MQTT broker refused subscription", metadata: ["mqtt.filter": "\(filter)", "mqtt.reason_code": "\(grantedQoS)"])
            for waiter in waiters {
                waiter.continuation.resume(throwing: MQTTError.subscriptionRefused(filter: filter))
            }
        } else {
            for waiter in waiters {
                waiter.continuation.resume()
            }
        }
    }

    /// Suspends the inbound buffer's back-pressure while any `subscribe` caller waits without consuming, and resumes
    /// it once none does (the caller holds `state`'s lock).
    func publishExclusiveSubscribes(_ state: ClientState) {
        inbound.setBackPressureSuspended(!state.exclusiveSubscribeWaiters.isEmpty)
    }
}
