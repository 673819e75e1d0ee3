import Synchronization

extension MQTTClient {
    /// A change of the client's connection to the broker.
    public enum ConnectionEvent: Sendable, Hashable {
        /// The broker accepted the connection; `sessionPresent` tells whether it resumed a persistent session.
        case connected(sessionPresent: Bool)
        /// The connection ended; `reason` is libmosquitto's description. The client reconnects unless shutting down.
        case disconnected(reason: String)
        /// The broker refused a reconnection (for example credentials no longer accepted); retried with back-off.
        case refused(reason: String)
    }

    /// Creates a stream of connection changes from now on, for example for a health endpoint.
    ///
    /// Keeps the newest 16 events if the reader falls behind; finishes when the client shuts down.
    /// Any number of streams may be made.
    public func makeConnectionEvents() -> AsyncStream<ConnectionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ConnectionEvent.self, bufferingPolicy: .bufferingNewest(16))
        let registered: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            let id = state.makeID()
            state.eventObservers[id] = continuation
            return id
        }
        guard let id = registered else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.eventObservers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends an event to every observer (any thread).
    func publishEvent(_ event: ConnectionEvent) {
        let observers = state.withLock { Array($0.eventObservers.values) }
        for observer in observers {
            observer.yield(event)
        }
    }
}
