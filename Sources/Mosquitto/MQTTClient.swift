internal import CMosquitto
import Dispatch
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An MQTT client over libmosquitto, scoped to ``withClient(configuration:logger:onReceive:_:)``.
///
/// The client connects, keeps the connection alive and reconnects with exponential back-off, re-subscribing to every
/// filter on each reconnect. Received messages are copied out of libmosquitto, shown to the optional
/// ``ReceiveHook`` on the network thread, then queued in a bounded buffer read through ``messages``; a full buffer
/// blocks the network thread (back-pressure to the broker), so nothing is dropped. QoS 1 and 2 publishes are
/// limited to a window of ``MQTTConfiguration/maxInflight`` unacknowledged messages.
///
/// ```swift
/// try await MQTTClient.withClient(configuration: configuration, logger: logger) { client in
///     try await client.subscribe("sensors/#", qos: .atLeastOnce)
///     var iterator = client.messages.makeAsyncIterator()
///     while let batch = await iterator.nextBatch(maximum: 512) {
///         for message in batch { process(message) }
///     }
/// }
/// ```
///
/// - Important: Everything libmosquitto calls back runs on the client's network thread; ``ReceiveHook`` must not block for long
///   and must not call back into the client's lifecycle.
public final class MQTTClient: Sendable {
    /// Called on the client's network thread for every received message, before the `on_message` callback returns
    /// and before the message is queued for the consumer.
    ///
    /// libmosquitto acknowledges a QoS 1 message (PUBACK) *before* calling `on_message`; make the message durable here
    /// (for example append it to a journal) if it must survive a crash. The hook may set ``MQTTMessage/tag``.
    public typealias ReceiveHook = @Sendable (inout MQTTMessage) -> Void

    // Lifetime and teardown order: `withClient` keeps the client alive until `shutdown()` has, on `lifecycleQueue`,
    // asked the network loop to stop, sent DISCONNECT, waited for the loop to return (`networkLoopFinished`: no
    // callback runs on the network thread afterwards), written what was still queued (`drainOutgoing`, whose
    // callbacks run on `lifecycleQueue`) and run `mosquitto_destroy`; only then may the client (the callbacks'
    // `obj`, passed unretained) be released.

    /// The settings the client was created with.
    public let configuration: MQTTConfiguration
    let logger: Logger
    let handle: MosquittoHandle
    /// Serial queue for libmosquitto calls that block (connect, waiting for the loop to end, destroy), off the
    /// cooperative pool.
    let lifecycleQueue: DispatchQueue
    /// Runs the network loop (`runNetworkLoop()`), where every libmosquitto callback happens.
    let networkQueue: DispatchQueue
    /// Entered when the network loop starts, left when it returns.
    let networkLoopFinished = DispatchGroup()
    /// Set by shutdown: the network loop returns at its next turn.
    let stopRequested = Atomic<Bool>(false)
    /// Signalled by shutdown to cut a reconnect back-off short.
    let networkWake = DispatchSemaphore(value: 0)
    /// Set by `on_disconnect`; lets the loop report failures that libmosquitto ends without that callback.
    let disconnectReported = Atomic<Bool>(false)
    /// Failed connection attempts since the last CONNACK: the reconnect back-off exponent.
    let consecutiveFailures = Atomic<Int>(0)
    let receiveHook: ReceiveHook?
    let inbound: InboundBuffer
    let state = Mutex(ClientState())
    let connected = Atomic<Bool>(false)
    /// Messages received so far (only the network thread increments it).
    let receivedCount = Atomic<UInt64>(0)
    /// What the network loop's read buffers served (``socketReads``).
    let socketReadTotals = SocketReadCounts.Totals()

    /// Whether the client currently has an accepted connection to the broker.
    public var isConnected: Bool {
        connected.load(ordering: .acquiring)
    }

    /// How libmosquitto's reads of the socket were served so far, over every connection: with the read buffer
    /// (plain TCP), a burst of messages costs a few `read(2)` calls rather than about four per message.
    public var socketReads: SocketReadCounts {
        socketReadTotals.value
    }

    /// The received messages, in arrival order, for a single consumer.
    public var messages: MQTTMessages {
        MQTTMessages(buffer: inbound)
    }

    private init(configuration: MQTTConfiguration, logger: Logger, handle: MosquittoHandle, receiveHook: ReceiveHook?) {
        self.configuration = configuration
        self.logger = logger
        self.handle = handle
        self.receiveHook = receiveHook
        self.inbound = InboundBuffer(capacity: configuration.inboundCapacity)
        self.lifecycleQueue = DispatchQueue(label: "mqtt.lifecycle")
        self.networkQueue = DispatchQueue(label: "mqtt.network")
    }

    /// Connects to the broker, runs `body` with the connected client, then disconnects and frees everything,
    /// also when `body` throws.
    ///
    /// Returns once the broker accepted the connection (first CONNACK), so `body` starts connected. Later
    /// connection losses are retried in the background with exponential back-off; watch ``isConnected`` or
    /// ``makeConnectionEvents()``.
    ///
    /// At the end, what libmosquitto still holds for the broker (publishes, acknowledgements) is written before the
    /// DISCONNECT, waiting at most 2 s for the socket to take it. Call ``flush()`` first to know that QoS 1 and 2
    /// publishes were acknowledged; publishes still waiting for an in-flight slot fail with ``MQTTError/clientClosed``.
    /// Messages still buffered when `body` returns are discarded (they were shown to `onReceive`).
    ///
    /// - Parameters:
    ///   - configuration: Broker, session and buffering settings.
    ///   - logger: Receives connection events (never credentials); libmosquitto's own log at `trace`.
    ///   - onReceive: Runs on the network thread for each message before it is queued; see ``ReceiveHook``.
    ///   - body: Uses the client; its result is returned.
    /// - Throws: ``MQTTError`` when the configuration is invalid, the broker refuses the connection (bad credentials,
    ///   not authorised), the first connection attempt fails or times out; ``MosquittoError`` when libmosquitto
    ///   rejects a setting; whatever `body` throws.
    public static func withClient<R: Sendable>(
        configuration: MQTTConfiguration,
        logger: Logger,
        onReceive: ReceiveHook? = nil,
        _ body: (MQTTClient) async throws -> R
    ) async throws -> R {
        try configuration.validate()
        try MosquittoError.check(libraryInitialisation)
        let client = try MQTTClient.make(configuration: configuration, logger: logger, receiveHook: onReceive)
        do {
            try await client.connect()
        } catch {
            await client.shutdown()
            throw error
        }
        let result: Result<R, any Error>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        await client.shutdown()
        // The callbacks' `obj` is unretained: the client must outlive `mosquitto_destroy` in `shutdown()`.
        withExtendedLifetime(client) {}
        return try result.get()
    }

    /// Creates the libmosquitto handle and applies every option and callback; destroys it again on failure.
    private static func make(
        configuration: MQTTConfiguration,
        logger: Logger,
        receiveHook: ReceiveHook?
    ) throws -> MQTTClient {
        guard let pointer = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError.invalidConfiguration(reason: "libmosquitto could not create a client (errno \(errno))")
        }
        let client = MQTTClient(
            configuration: configuration,
            logger: logger,
            handle: MosquittoHandle(pointer: pointer),
            receiveHook: receiveHook
        )
        do {
            try client.applyOptions()
        } catch {
            mosquitto_destroy(pointer)
            throw error
        }
        mosquitto_user_data_set(pointer, Unmanaged.passUnretained(client).toOpaque())
        client.installCallbacks()
        return client
    }

    private func applyOptions() throws {
        let mosq = handle.pointer
        let version = configuration.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try MosquittoError.check(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, version))
        try MosquittoError.check(mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1))
        if let username = configuration.username {
            try MosquittoError.check(mosquitto_username_pw_set(mosq, username, configuration.password))
        }
        if let tls = configuration.tls {
            try applyTLS(tls)
        }
        try MosquittoError.check(mosquitto_threaded_set(mosq, true))
        try MosquittoError.check(mosquitto_max_inflight_messages_set(mosq, UInt32(configuration.maxInflight)))
    }

    private func applyTLS(_ tls: MQTTConfiguration.TLSConfiguration) throws {
        let mosq = handle.pointer
        var caPath = tls.caPath
        if tls.caFile == nil && tls.caPath == nil {
            try MosquittoError.check(mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1))
            // libmosquitto 2.0 requires a CA file or directory in `mosquitto_tls_set`; the system directory
            // holds the same certificates the option above loads.
            caPath = "/etc/ssl/certs"
        }
        try MosquittoError.check(mosquitto_tls_set(mosq, tls.caFile, caPath, tls.certFile, tls.keyFile, nil))
        try MosquittoError.check(mosquitto_tls_insecure_set(mosq, !tls.verifyHostname))
    }

    /// Runs blocking libmosquitto work on `lifecycleQueue`, suspending (not blocking) the calling task.
    func onLifecycleQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            lifecycleQueue.async {
                continuation.resume(returning: work())
            }
        }
    }

    // MARK: Connecting

    /// Starts the connection and the network thread, then waits for the first CONNACK (bounded by `connectTimeout`).
    private func connect() async throws {
        let configuration = self.configuration
        let timeout = configuration.connectTimeout
        logger.debug(
            "Connecting to MQTT broker",
            metadata: ["mqtt.broker": "\(configuration.host):\(configuration.port)", "mqtt.client_id": "\(configuration.clientID ?? "<random>")"]
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.startLoop()
                try await self.awaitFirstConnack()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw MQTTError.connectTimeout(host: configuration.host, port: configuration.port, after: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Sends CONNECT (with the session expiry property on a persistent MQTT 5 session) and starts the network thread.
    ///
    /// Plain MQTT 3.1.1 connects asynchronously. A persistent MQTT 5 session (whose CONNECT properties only the blocking
    /// `mosquitto_connect_bind_v5` takes) and TLS connect synchronously on `lifecycleQueue`; against an unreachable host
    /// that call can outlast `connectTimeout` (the OS TCP timeout), and shutdown waits for it.
    private func startLoop() async throws {
        let handle = self.handle
        let configuration = self.configuration
        let (code, systemError): (Int32, Int32) = await onLifecycleQueue {
            let mosq = handle.pointer
            let keepAlive = Int32(configuration.keepAlive.wholeSeconds)
            var code: Int32
            if configuration.protocolVersion == .v5 && !configuration.cleanSession {
                var properties: OpaquePointer? = nil
                code = mosquitto_property_add_int32(
                    &properties,
                    Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                    UInt32(configuration.sessionExpiry.wholeSeconds)
                )
                if code == 0 {
                    code = mosquitto_connect_bind_v5(mosq, configuration.host, Int32(configuration.port), keepAlive, nil, properties)
                }
                mosquitto_property_free_all(&properties)
            } else if configuration.tls != nil {
                // Blocking connect: a failed TLS handshake is returned here, with its own error, at once.
                code = mosquitto_connect(mosq, configuration.host, Int32(configuration.port), keepAlive)
            } else {
                code = mosquitto_connect_async(mosq, configuration.host, Int32(configuration.port), keepAlive)
            }
            return (code, errno)
        }
        guard code == 0 else {
            let reason =
                code == MosquittoError.systemCall.code
                ? String(cString: strerror(systemError)) : MosquittoError(code: code).description
            logger.error(
                "MQTT connection failed",
                metadata: ["mqtt.broker": "\(configuration.host):\(configuration.port)", "mqtt.reason": "\(reason)"]
            )
            throw MQTTError.connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
        }
        networkLoopFinished.enter()
        networkQueue.async {
            self.runNetworkLoop()
            self.networkLoopFinished.leave()
        }
    }

    private func awaitFirstConnack() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    switch state.firstConnect {
                    case .connected:
                        return .success(())
                    case .failed(let error):
                        return .failure(error)
                    case .pending:
                        if Task.isCancelled { return .failure(CancellationError()) }
                        state.firstConnect = .pending(continuation)
                        return nil
                    }
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard case .pending(let continuation?) = state.firstConnect else { return nil }
                state.firstConnect = .pending(nil)
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    // MARK: Shutting down

    /// Stops receiving for a graceful shutdown that must not lose what already arrived: disconnects from the
    /// broker and stops the network thread, but keeps the buffered messages, so the consumer drains them and
    /// then ``messages`` ends. Returns at once; the disconnect happens off the caller's thread.
    ///
    /// Messages the broker had not yet sent stay queued in a persistent session for the next connection.
    public func stopReceiving() {
        inbound.releaseProducer()
        stopRequested.store(true, ordering: .releasing)
        networkWake.signal()
        let handle = self.handle
        let finished = networkLoopFinished
        lifecycleQueue.async { [self] in
            // After `shutdown()` has begun, the handle may already be destroyed; it finishes the buffer itself.
            guard !state.withLock({ $0.closed }) else { return }
            mosquitto_disconnect(handle.pointer)
            finished.wait()
            drainOutgoing(handle.pointer)
            connected.store(false, ordering: .releasing)
            inbound.finish()
        }
    }

    /// Disconnects, stops the network thread and destroys the handle; fails every pending call with
    /// ``MQTTError/clientClosed``. Idempotent.
    func shutdown() async {
        let waiters: [CheckedContinuation<Void, any Error>]? = state.withLock { state in
            guard !state.closed else { return nil }
            state.closed = true
            let waiters = state.takeAllWaiters()
            publishExclusiveSubscribes(state)
            state.firstConnect = .failed(.clientClosed)
            return waiters
        }
        guard let waiters else { return }
        for waiter in waiters {
            waiter.resume(throwing: MQTTError.clientClosed)
        }
        // The network thread may be blocked on a full buffer; it must run to notice the disconnect and exit.
        inbound.releaseProducer()
        let handle = self.handle
        stopRequested.store(true, ordering: .releasing)
        networkWake.signal()
        let finished = networkLoopFinished
        await onLifecycleQueue {
            mosquitto_disconnect(handle.pointer)
            finished.wait()
            self.drainOutgoing(handle.pointer)
            mosquitto_destroy(handle.pointer)
        }
        connected.store(false, ordering: .releasing)
        let unconsumed = inbound.count
        inbound.finish()
        let observers = state.withLock { state in
            defer { state.eventObservers = [:] }
            return Array(state.eventObservers.values)
        }
        for observer in observers {
            observer.finish()
        }
        logger.debug(
            "MQTT client closed",
            metadata: ["mqtt.received": "\(receivedCount.load(ordering: .relaxed))", "mqtt.unconsumed": "\(unconsumed)"]
        )
    }
}
