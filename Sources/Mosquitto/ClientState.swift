/// The mutable state of an ``MQTTClient`` shared by API tasks and the client's network thread (behind a `Mutex`).
struct ClientState {
    /// Progress of the first connection attempt, awaited by `withClient`.
    enum FirstConnect {
        case pending(CheckedContinuation<Void, any Error>?)
        case connected
        case failed(MQTTError)
    }

    /// A suspended API call.
    struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// A suspended `flush()`: the QoS > 0 message ids still unacknowledged from those in flight when it was called.
    struct FlushWaiter {
        let id: UInt64
        var remaining: Set<Int32>
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// Set once shutdown begins: no API call may touch the handle afterwards.
    var closed = false
    var firstConnect = FirstConnect.pending(nil)
    /// Every subscription made, in order; re-sent on each (re)connect.
    var subscriptions: [(filter: String, qos: QoS)] = []
    /// SUBSCRIBE message ids awaiting their SUBACK, by filter.
    var pendingSubscriptions: [Int32: String] = [:]
    var subscribeWaiters: [String: [Waiter]] = [:]
    /// The ids of the `subscribe` waiters whose callers take no messages while they wait: while there are any, a
    /// full inbound buffer must not block the network thread (it would never read their SUBACK).
    var exclusiveSubscribeWaiters: Set<UInt64> = []
    /// Message ids of QoS > 0 publishes not yet acknowledged.
    var inflight: Set<Int32> = []
    /// Window slots granted to woken publishers that have not published yet.
    var reservedSlots = 0
    /// Publishers waiting for a window slot, first come first served.
    var publishWaiters: [Waiter] = []
    var flushWaiters: [FlushWaiter] = []
    var eventObservers: [UInt64: AsyncStream<MQTTClient.ConnectionEvent>.Continuation] = [:]
    private var lastID: UInt64 = 0

    mutating func makeID() -> UInt64 {
        lastID += 1
        return lastID
    }

    /// Removes and returns every waiter of every kind (shutdown).
    mutating func takeAllWaiters() -> [CheckedContinuation<Void, any Error>] {
        var all = publishWaiters.map(\.continuation) + flushWaiters.map(\.continuation)
        all += subscribeWaiters.values.flatMap { $0.map(\.continuation) }
        if case .pending(let continuation?) = firstConnect {
            all.append(continuation)
        }
        publishWaiters = []
        flushWaiters = []
        subscribeWaiters = [:]
        exclusiveSubscribeWaiters = []
        return all
    }
}
