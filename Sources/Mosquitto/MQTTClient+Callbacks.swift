internal import CMosquitto
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// libmosquitto callbacks: free functions with the imported C signatures. The client arrives through `obj`
// (set with `mosquitto_user_data_set`, unretained; see the teardown order in `MQTTClient`). All of them run on
// the client's network thread (inside `mosquitto_loop`), one at a time, in arrival order.

private func client(_ obj: UnsafeMutableRawPointer?) -> MQTTClient? {
    guard let obj else { return nil }
    return Unmanaged<MQTTClient>.fromOpaque(obj).takeUnretainedValue()
}

private func onConnect(
    _: OpaquePointer?,
    _ obj: UnsafeMutableRawPointer?,
    _ code: Int32,
    _ flags: Int32,
    _: OpaquePointer?
) {
    client(obj)?.connectionAcknowledged(code: code, flags: flags)
}

private func onDisconnect(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ code: Int32, _: OpaquePointer?) {
    let systemError = errno
    guard let client = client(obj) else { return }
    client.disconnectReported.store(true, ordering: .releasing)
    client.disconnected(code: code, systemError: systemError)
}

private func onPublish(
    _: OpaquePointer?,
    _ obj: UnsafeMutableRawPointer?,
    _ mid: Int32,
    _ reasonCode: Int32,
    _: OpaquePointer?
) {
    client(obj)?.published(mid: mid, reasonCode: reasonCode)
}

private func onMessage(
    _: OpaquePointer?,
    _ obj: UnsafeMutableRawPointer?,
    _ message: UnsafePointer<mosquitto_message>?,
    _: OpaquePointer?
) {
    guard let message else { return }
    client(obj)?.received(message.pointee)
}

private func onSubscribe(
    _: OpaquePointer?,
    _ obj: UnsafeMutableRawPointer?,
    _ mid: Int32,
    _ count: Int32,
    _ granted: UnsafePointer<Int32>?,
    _: OpaquePointer?
) {
    let grantedQoS = count > 0 ? (granted?.pointee ?? 0x80) : 0x80
    client(obj)?.subscriptionAcknowledged(mid: mid, grantedQoS: grantedQoS)
}

private func onLog(_: OpaquePointer?, _ obj: UnsafeMutableRawPointer?, _ level: Int32, _ text: UnsafePointer<CChar>?) {
    guard let text, let client = client(obj) else { return }
    client.logger.trace("libmosquitto: \(String(cString: text))", metadata: ["mqtt.log_level": "\(level)"])
}

extension MQTTClient {
    /// Installs the callbacks above (before the network thread starts).
    func installCallbacks() {
        let mosq = handle.pointer
        mosquitto_connect_v5_callback_set(mosq, onConnect)
        mosquitto_disconnect_v5_callback_set(mosq, onDisconnect)
        mosquitto_publish_v5_callback_set(mosq, onPublish)
        mosquitto_message_v5_callback_set(mosq, onMessage)
        mosquitto_subscribe_v5_callback_set(mosq, onSubscribe)
        if logger.logLevel <= .trace {
            mosquitto_log_callback_set(mosq, onLog)
        }
    }

    private var brokerMetadata: Logger.MetadataValue {
        "\(configuration.host):\(configuration.port)"
    }

    /// The text of a CONNACK code: MQTT 3.1.1 return codes or MQTT 5 reason codes.
    private func connackReason(_ code: Int32) -> String {
        configuration.protocolVersion == .v5
            ? String(cString: mosquitto_reason_string(code)) : String(cString: mosquitto_connack_string(code))
    }

    /// CONNACK (network thread): marks the client connected and re-subscribes, or records the refusal.
    func connectionAcknowledged(code: Int32, flags: Int32) {
        guard code == 0 else {
            connectionRefused(code: code)
            return
        }
        enum Outcome {
            case closing
            case connected(first: CheckedContinuation<Void, any Error>?)
        }
        let outcome: Outcome = state.withLock { state in
            if state.closed { return .closing }
            resubscribeAll(&state)
            guard case .pending(let waiter) = state.firstConnect else { return .connected(first: nil) }
            state.firstConnect = .connected
            return .connected(first: waiter)
        }
        guard case .connected(let firstWaiter) = outcome else {
            // Shutdown began while libmosquitto was reconnecting: make the loop end.
            mosquitto_disconnect(handle.pointer)
            return
        }
        connected.store(true, ordering: .releasing)
        consecutiveFailures.store(0, ordering: .relaxed)
        let sessionPresent = flags & 1 != 0
        logger.info(
            "Connected to MQTT broker",
            metadata: [
                "mqtt.broker": brokerMetadata, "mqtt.client_id": "\(configuration.clientID ?? "<random>")",
                "mqtt.session_present": "\(sessionPresent)",
            ]
        )
        publishEvent(.connected(sessionPresent: sessionPresent))
        firstWaiter?.resume()
    }

    private func connectionRefused(code: Int32) {
        let reason = connackReason(code)
        let error = MQTTError.connectionRefused(code: code, reason: reason)
        let (isFirst, waiter): (Bool, CheckedContinuation<Void, any Error>?) = state.withLock { state in
            guard case .pending(let waiter) = state.firstConnect else { return (false, nil) }
            state.firstConnect = .failed(error)
            return (true, waiter)
        }
        logger.error(
            "MQTT broker refused the connection",
            metadata: ["mqtt.broker": brokerMetadata, "mqtt.reason": "\(reason)", "mqtt.code": "\(code)"]
        )
        if isFirst {
            waiter?.resume(throwing: error)
        } else {
            publishEvent(.refused(reason: reason))
        }
    }

    /// Connection closed, lost or never established (network thread); the network loop reconnects after a back-off.
    func disconnected(code: Int32, systemError: Int32) {
        let wasConnected = connected.exchange(false, ordering: .acquiringAndReleasing)
        let reason =
            code == 0
            ? "disconnected by the client"
            : code == MosquittoError.systemCall.code
                ? String(cString: strerror(systemError)) : MosquittoError(code: code).description
        let (closing, firstWaiter, wasFirst): (Bool, CheckedContinuation<Void, any Error>?, Bool) = state.withLock { state in
            state.pendingSubscriptions = [:]
            guard case .pending(let waiter) = state.firstConnect else { return (state.closed, nil, false) }
            state.firstConnect = .failed(
                .connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
            )
            return (state.closed, waiter, true)
        }
        if wasFirst {
            logger.error("MQTT connection failed", metadata: ["mqtt.broker": brokerMetadata, "mqtt.reason": "\(reason)"])
            firstWaiter?.resume(
                throwing: MQTTError.connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
            )
            return
        }
        if closing || code == 0 {
            logger.debug("Disconnected from MQTT broker", metadata: ["mqtt.broker": brokerMetadata])
        } else {
            logger.warning(
                "MQTT connection lost; reconnecting",
                metadata: ["mqtt.broker": brokerMetadata, "mqtt.reason": "\(reason)"]
            )
        }
        if wasConnected {
            publishEvent(.disconnected(reason: reason))
        }
    }

    /// PUBACK / PUBCOMP, or a QoS 0 message written (network thread).
    func published(mid: Int32, reasonCode: Int32) {
        if reasonCode >= 0x80 {
            logger.warning(
                "MQTT broker rejected a publish",
                metadata: ["mqtt.mid": "\(mid)", "mqtt.reason": "\(String(cString: mosquitto_reason_string(reasonCode)))"]
            )
        }
        acknowledge(mid: mid)
    }

    /// A message arrived (network thread): copy it, show it to the hook, queue it (blocking while the buffer is
    /// full, unless a caller awaits a SUBACK without consuming: see ``subscribe(_:qos:consumingConcurrently:)``).
    func received(_ raw: mosquitto_message) {
        let sequence = receivedCount.wrappingAdd(1, ordering: .relaxed).newValue
        var message = MQTTMessage(copying: raw, sequence: sequence)
        receiveHook?(&message)
        inbound.push(message)
    }
}
