internal import DequeModule
import Dispatch
import Synchronization

/// The bounded, order-preserving hand-off from the client's network thread (the one producer) to the one
/// async consumer of ``MQTTMessages``.
///
/// When the buffer holds `capacity` messages, ``push(_:)`` blocks the network thread until the consumer takes
/// some: the client stops reading its socket and TCP back-pressure reaches the broker. Nothing is ever dropped
/// (a QoS 1 message is already acknowledged when it gets here). While back-pressure is suspended (a caller awaits
/// something the network thread must read before it consumes again) the buffer grows instead. The consumer takes
/// everything buffered, up to a maximum, in one lock round trip, which amortises the hand-off cost under load.
///
/// `Sendable` through `Mutex`: the network thread calls ``push(_:)``; any task may call the consumer side, one at
/// a time; the shutdown path calls ``releaseProducer()`` and ``finish()``.
final class InboundBuffer: Sendable {
    private struct Waiter {
        let maximum: Int
        let continuation: UnsafeContinuation<[MQTTMessage]?, Never>
    }

    private struct State {
        /// The buffered messages, oldest first.
        var storage = Deque<MQTTMessage>()
        /// The consumer suspended in ``nextBatch(maximum:)`` while the buffer was empty.
        var waiter: Waiter?
        /// The producer is (about to be) blocked on `roomAvailable`.
        var producerWaiting = false
        /// Shutdown: the producer no longer blocks (the consumer may be gone).
        var producerReleased = false
        /// The producer does not block for now: see ``setBackPressureSuspended(_:)``.
        var backPressureSuspended = false
        /// No message will be pushed any more; consumers get `nil` once the buffer is empty.
        var finished = false

        var count: Int { storage.count }

        /// Moves up to `maximum` of the oldest messages out (moved, not copied: no reference counting per message,
        /// under the lock the network thread waits on).
        mutating func take(_ maximum: Int) -> [MQTTMessage] {
            let taken = min(maximum, storage.count)
            var batch: [MQTTMessage] = []
            batch.reserveCapacity(taken)
            for _ in 0..<taken { batch.append(storage.removeFirst()) }
            return batch
        }
    }

    private enum PushAction {
        case done
        case hand([MQTTMessage], UnsafeContinuation<[MQTTMessage]?, Never>)
        case wait
    }

    /// The most messages held before ``push(_:)`` blocks.
    let capacity: Int
    private let state = Mutex(State())
    /// Signalled once each time the consumer makes room for a producer that set `producerWaiting`.
    private let roomAvailable = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    /// How many messages are buffered now.
    var count: Int {
        state.withLock { $0.count }
    }

    // MARK: Producer (the client's network thread)

    /// Appends a message, blocking the calling thread while the buffer is full (unless back-pressure is suspended
    /// or the producer released: then it appends beyond capacity).
    ///
    /// - Important: Call only from the single producer thread, never from a task on the cooperative pool.
    func push(_ message: MQTTMessage) {
        var pending = Optional(message)
        while true {
            let action: PushAction = state.withLock { state in
                guard state.count < capacity || state.producerReleased || state.backPressureSuspended else {
                    state.producerWaiting = true
                    return .wait
                }
                state.storage.append(pending.take()!)
                if let waiter = state.waiter {
                    state.waiter = nil
                    return .hand(state.take(waiter.maximum), waiter.continuation)
                }
                return .done
            }
            switch action {
            case .done:
                return
            case .hand(let batch, let continuation):
                continuation.resume(returning: batch)
                return
            case .wait:
                roomAvailable.wait()
            }
        }
    }

    /// Stops blocking the producer: from now on ``push(_:)`` appends even beyond capacity (shutdown only,
    /// where the few messages still arriving must not keep the network loop from returning).
    func releaseProducer() {
        let wake = state.withLock { state in
            state.producerReleased = true
            defer { state.producerWaiting = false }
            return state.producerWaiting
        }
        if wake { roomAvailable.signal() }
    }

    /// Suspends back-pressure (``push(_:)`` appends beyond capacity, and a producer blocked now goes on) or resumes
    /// it. The client suspends it while a caller awaits a SUBACK without consuming: the network thread must go on
    /// reading to see it.
    func setBackPressureSuspended(_ suspended: Bool) {
        let wake = state.withLock { state in
            state.backPressureSuspended = suspended
            return suspended && Self.makeRoom(&state)
        }
        if wake { roomAvailable.signal() }
    }

    /// Marks the end of the stream: the consumer drains what is buffered, then gets `nil`.
    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            state.producerReleased = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.continuation.resume(returning: nil)
        releaseProducer()
    }

    // MARK: Consumer (one task at a time)

    /// Returns up to `maximum` buffered messages in arrival order, waiting while none are buffered.
    ///
    /// Returns `nil` when the buffer is finished and drained, or when the calling task is cancelled.
    func nextBatch(maximum: Int) async -> [MQTTMessage]? {
        precondition(maximum > 0, "maximum must be positive")
        if Task.isCancelled { return nil }
        if let batch = takeIfAvailable(maximum) {
            return batch
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<[MQTTMessage]?, Never>) in
                enum Outcome {
                    case batch([MQTTMessage]?, wakeProducer: Bool)
                    case suspended
                }
                let outcome: Outcome = state.withLock { state in
                    if state.count > 0 {
                        let batch = state.take(maximum)
                        return .batch(batch, wakeProducer: Self.makeRoom(&state))
                    }
                    if state.finished || Task.isCancelled {
                        return .batch(nil, wakeProducer: false)
                    }
                    precondition(state.waiter == nil, "MQTTMessages supports a single consumer at a time")
                    state.waiter = Waiter(maximum: maximum, continuation: continuation)
                    return .suspended
                }
                if case .batch(let batch, let wakeProducer) = outcome {
                    if wakeProducer { roomAvailable.signal() }
                    continuation.resume(returning: batch)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Takes a batch without suspending; `nil` when the buffer is empty (finished or not).
    private func takeIfAvailable(_ maximum: Int) -> [MQTTMessage]? {
        let (batch, wakeProducer): ([MQTTMessage]?, Bool) = state.withLock { state in
            guard state.count > 0 else { return (nil, false) }
            let batch = state.take(maximum)
            return (batch, Self.makeRoom(&state))
        }
        if wakeProducer { roomAvailable.signal() }
        return batch
    }

    /// After a take: whether a blocked producer must be woken (it is, exactly once).
    private static func makeRoom(_ state: inout State) -> Bool {
        guard state.producerWaiting else { return false }
        state.producerWaiting = false
        return true
    }
}
