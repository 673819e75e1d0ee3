/// The messages received by an ``MQTTClient``, in arrival order, for one consumer.
///
/// Iterate with `for await`, or take batches with ``Iterator/nextBatch(maximum:)``, which hands over
/// everything buffered (up to a maximum) at once and is the fast path under load:
///
/// ```swift
/// var iterator = client.messages.makeAsyncIterator()
/// while let batch = await iterator.nextBatch(maximum: 512) {
///     for message in batch { handle(message) }
/// }
/// ```
///
/// The sequence ends (returns `nil`) after the client has shut down and every buffered message was taken,
/// or when the consuming task is cancelled.
///
/// - Important: Only one task may consume at a time; a second concurrent consumer is a programming error.
public struct MQTTMessages: AsyncSequence, Sendable {
    /// The element type: one received message.
    public typealias Element = MQTTMessage
    /// Iteration never throws.
    public typealias Failure = Never

    let buffer: InboundBuffer

    /// Creates the iterator that takes messages from the client's bounded buffer.
    public func makeAsyncIterator() -> Iterator {
        Iterator(buffer: buffer)
    }

    /// Takes messages from the client's buffer, one by one or in batches.
    public struct Iterator: AsyncIteratorProtocol {
        /// How many messages ``next()`` takes from the shared buffer at once (then serves locally).
        static let localBatchSize = 256

        let buffer: InboundBuffer
        private var local: [MQTTMessage] = []
        private var localIndex = 0

        init(buffer: InboundBuffer) {
            self.buffer = buffer
        }

        /// The next message, or `nil` once the client has shut down and the buffer is drained.
        public mutating func next() async -> MQTTMessage? {
            if localIndex == local.count {
                guard let batch = await buffer.nextBatch(maximum: Self.localBatchSize) else { return nil }
                local = batch
                localIndex = 0
            }
            defer { localIndex += 1 }
            return local[localIndex]
        }

        /// Everything buffered, up to `maximum` messages, in arrival order; waits while nothing is buffered.
        ///
        /// Returns a non-empty array, or `nil` once the client has shut down and the buffer is drained (or the
        /// task is cancelled).
        /// - Parameter maximum: The largest batch to return (at least 1).
        public mutating func nextBatch(maximum: Int) async -> [MQTTMessage]? {
            precondition(maximum > 0, "maximum must be positive")
            if localIndex < local.count {
                let end = Swift.min(local.count, localIndex + maximum)
                defer {
                    localIndex = end
                    if localIndex == local.count {
                        local = []
                        localIndex = 0
                    }
                }
                return Array(local[localIndex..<end])
            }
            return await buffer.nextBatch(maximum: maximum)
        }
    }
}
