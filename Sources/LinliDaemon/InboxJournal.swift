import Foundation
public import LinliCore
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon's inbox: an append-only journal of every message received from the broker, written before
/// libmosquitto's `on_message` callback returns.
///
/// libmosquitto acknowledges a QoS 1 message (PUBACK) around the callback, so a message that is only in
/// memory when the process dies is lost for good: the broker will not send it again. The pipeline's receive
/// hook therefore appends each message here first; the pipeline then works from memory and commits, in the
/// same store transaction as the batch's tickets, the sequence number of the last message it applied
/// (``appliedStateKey``). On start it replays whatever the journal holds past that number (redelivered events
/// have no second effect, so replaying one twice is harmless).
///
/// ## Format
/// Segment files `NNNNNNNNNNNNNNNNNNNN.inbox` in ``Configuration/directory``, named by the sequence number of
/// their first record. A record is `u32 length, u32 CRC-32 of the body, body`, with the body
/// `u64 sequence, i64 received-at (ms since the epoch), u32 topic length, topic, payload`, little-endian.
/// Sequence numbers start at 1 and rise by one per record across segments. A record that is short, fails
/// its checksum or breaks the sequence ends the readable part of its segment: at open, a torn tail of the
/// newest segment (a crash mid-write) is cut off; damage in an older segment is logged and skipped. A length
/// of zero with nothing but zeros after it is the clean end of a segment whose reserved tail was never written.
///
/// ## Durability
/// Each record is copied into a shared mapping of the newest segment (``MappedSegment``) before
/// ``append(topic:payload:receivedAt:)`` returns: it is then in the kernel's page cache, as after a
/// `write(2)` but without a system call per message, so it survives the daemon's own crash (`kill -9`, a
/// trap, the OOM killer). It survives a power loss or kernel crash only with ``Configuration/synchronous``
/// (`msync` per record), which costs a disk flush per message (a few hundred to a few thousand messages per
/// second, depending on the disk). The store itself commits with a full sync, so what
/// was applied is never lost either way.
///
/// ## Size
/// A segment is closed once it holds ``Configuration/segmentBytes``; a closed segment is deleted as soon as
/// every record in it is applied (``markApplied(through:)``). Unapplied records are bounded by the MQTT
/// client's inbound buffer plus a batch or two: when the pipeline falls behind, the buffer fills, the network
/// thread blocks, and the backlog waits at the broker, not here. (While a subscription awaits its SUBACK the
/// client does not block, so right after a reconnect the buffer can briefly hold more.)
///
/// - Important: ``append(topic:payload:receivedAt:)`` is called by one thread at a time (the MQTT network
///   thread); ``makeReader(after:)`` is for the start, before appends begin. A `Mutex` guards the state, so
///   ``markApplied(through:)`` and ``snapshot`` may be called from any task meanwhile.
public final class InboxJournal: Sendable {
    /// Where and how the journal is kept.
    public struct Configuration: Sendable, Hashable {
        /// The directory of segment files (created if missing). Keep it with the store it belongs to.
        public var directory: String
        /// A segment is closed and a new one started once it holds this many bytes.
        public var segmentBytes: Int
        /// Whether each record is flushed to the disk (`msync`) before the append returns.
        public var synchronous: Bool

        /// Creates a configuration.
        public init(directory: String, segmentBytes: Int = 8 << 20, synchronous: Bool = false) {
            self.directory = directory
            self.segmentBytes = segmentBytes
            self.synchronous = synchronous
        }
    }

    /// One received message as journaled.
    public struct Record: Sendable, Hashable {
        /// Its position in the journal: 1, 2, 3, … across restarts.
        public var sequence: UInt64
        /// The MQTT topic.
        public var topic: String
        /// The payload, byte for byte.
        public var payload: [UInt8]
        /// When the daemon received it (wall clock).
        public var receivedAt: EventTime

        /// Creates a record.
        public init(sequence: UInt64, topic: String, payload: [UInt8], receivedAt: EventTime) {
            self.sequence = sequence
            self.topic = topic
            self.payload = payload
            self.receivedAt = receivedAt
        }
    }

    /// The journal's counters at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// The sequence number of the newest record (0 when nothing was ever journaled).
        public var lastSequence: UInt64
        /// The sequence number of the newest record known to be applied and committed.
        public var applied: UInt64
        /// Bytes in all segment files.
        public var bytes: Int
        /// How many segment files there are.
        public var segments: Int
        /// When the oldest record not yet applied was received, if known.
        public var oldestPendingReceivedAt: EventTime?

        /// Records received but not yet applied.
        public var pending: UInt64 { lastSequence > applied ? lastSequence - applied : 0 }
    }

    /// The `engine_state` key under which the pipeline commits the applied sequence number (decimal text).
    public static let appliedStateKey = "journal.applied"
    /// The largest record body accepted: an MQTT packet's maximum (256 MiB) and a little.
    public static let maximumRecordBytes = (256 << 20) + (64 << 10)
    /// Bytes before the body: length and checksum.
    static let headerBytes = 8
    /// Bytes of the body before the topic: sequence, time, topic length.
    static let fixedBodyBytes = 20
    /// How many recent receive times are kept for ``receivedAt(sequence:)`` (a power of two).
    private static let recentTimesCapacity = 1 << 16

    struct Segment: Sendable {
        var first: UInt64
        var path: String
        var bytes: Int
    }

    private struct State {
        /// Oldest first; the last is the one appended to.
        var segments: [Segment]
        /// The newest segment, appended to.
        var writer: MappedSegment
        var nextSequence: UInt64
        var applied: UInt64
        /// `(sequence, received-at ms)` of recent records, indexed by sequence modulo the capacity.
        var recentTimes: [(sequence: UInt64, milliseconds: Int64)]
    }

    /// The settings in force.
    public let configuration: Configuration
    private let logger: Logger
    private let state: Mutex<State>

    /// Opens the journal, creating its directory if needed: cuts off a torn tail of the newest segment, deletes
    /// segments already applied, and continues the sequence after the newest record (or after `applied`).
    ///
    /// - Parameters:
    ///   - configuration: the directory, segment size and sync policy.
    ///   - applied: the sequence number the store says was applied last (0 for a new store).
    ///   - logger: told about torn tails and damaged records (at `warning` and `error`).
    /// - Throws: ``InboxJournalError`` when the directory or a file cannot be created, read or truncated.
    public init(configuration: Configuration, appliedThrough applied: UInt64, logger: Logger) throws(InboxJournalError) {
        precondition(configuration.segmentBytes > 0, "segmentBytes must be positive")
        self.configuration = configuration
        self.logger = logger
        let directory = configuration.directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(operation: "create directory", path: directory, reason: "\(error.localizedDescription)")
        }
        var segments = try Self.listSegments(in: directory)
        var nextSequence = applied + 1
        var appendTarget: Segment?
        if var newest = segments.popLast() {
            let bytes = try Self.readFile(newest.path)
            let scan = Self.decode(bytes, expectedFirst: newest.first, after: UInt64.max)
            if scan.validBytes < bytes.count {
                if let problem = scan.problem {
                    logger.warning(
                        "inbox journal: cutting off an incomplete or damaged tail",
                        metadata: [
                            "journal.segment": "\(newest.path)", "journal.offset": "\(scan.validBytes)",
                            "journal.bytes_dropped": "\(bytes.count - scan.validBytes)", "journal.problem": "\(problem)",
                        ]
                    )
                }
                guard truncate(newest.path, off_t(scan.validBytes)) == 0 else {
                    throw .io(operation: "truncate", path: newest.path, reason: Self.errnoText())
                }
                newest.bytes = scan.validBytes
            }
            let continuing = (scan.lastSequence ?? (newest.first - 1)) + 1
            if continuing > applied {
                nextSequence = continuing
                appendTarget = newest
            } else if newest.bytes == 0 {
                // An empty segment behind the store's position: start again at the right number.
                unlink(newest.path)
            } else {
                // Wholly applied: kept until ``markApplied(through:)`` below deletes it.
                segments.append(newest)
            }
        }
        segments.append(
            appendTarget ?? Segment(first: nextSequence, path: Self.segmentPath(directory, first: nextSequence), bytes: 0)
        )
        let newest = segments[segments.count - 1]
        let writer = try MappedSegment(
            path: newest.path,
            bytes: newest.bytes,
            reserveBytes: configuration.segmentBytes,
            synchronous: configuration.synchronous,
            directory: directory
        )
        state = Mutex(
            State(
                segments: segments,
                writer: writer,
                nextSequence: nextSequence,
                applied: applied,
                recentTimes: Array(repeating: (0, 0), count: Self.recentTimesCapacity)
            )
        )
        markApplied(through: applied)
    }

    deinit {
        close()
    }

    /// Closes the segment being written; later appends fail. Idempotent.
    public func close() {
        state.withLock { $0.writer.close() }
    }

    // MARK: Writing (the MQTT network thread)

    /// Appends one message and returns its sequence number, once the record is in the kernel's page cache
    /// (and, when ``Configuration/synchronous``, on the disk).
    ///
    /// A failed append leaves nothing behind, so the journal stays readable after it.
    /// - Throws: ``InboxJournalError`` when the record cannot be written (disk full, I/O error) or is too large.
    @discardableResult
    public func append(topic: String, payload: [UInt8], receivedAt: EventTime) throws(InboxJournalError) -> UInt64 {
        var topic = topic
        let result = topic.withUTF8 { topicBytes in
            payload.withUnsafeBytes { payloadBytes in
                append(topic: UnsafeRawBufferPointer(topicBytes), payload: payloadBytes, receivedAt: receivedAt)
            }
        }
        return try result.get()
    }

    private func append(
        topic: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer,
        receivedAt: EventTime
    ) -> Result<UInt64, InboxJournalError> {
        let bodyBytes = Self.fixedBodyBytes + topic.count + payload.count
        guard bodyBytes <= Self.maximumRecordBytes else { return .failure(.recordTooLarge(bytes: bodyBytes)) }
        return state.withLock { state in
            Result { () throws(InboxJournalError) -> UInt64 in
                try rotateIfFull(&state)
                let sequence = state.nextSequence
                try state.writer.append(count: Self.headerBytes + bodyBytes) { slot in
                    Self.encode(sequence: sequence, receivedAt: receivedAt, topic: topic, payload: payload, into: slot)
                }
                state.segments[state.segments.count - 1].bytes = state.writer.bytes
                state.nextSequence += 1
                state.recentTimes[Int(sequence & UInt64(Self.recentTimesCapacity - 1))] = (sequence, receivedAt.milliseconds)
                return sequence
            }
        }
    }

    /// Starts a new segment when the newest one is full.
    private func rotateIfFull(_ state: inout State) throws(InboxJournalError) {
        guard let newest = state.segments.last, newest.bytes >= configuration.segmentBytes else { return }
        let segment = Segment(
            first: state.nextSequence,
            path: Self.segmentPath(configuration.directory, first: state.nextSequence),
            bytes: 0
        )
        let writer = try MappedSegment(
            path: segment.path,
            bytes: 0,
            reserveBytes: configuration.segmentBytes,
            synchronous: configuration.synchronous,
            directory: configuration.directory
        )
        state.writer.close()
        state.writer = writer
        state.segments.append(segment)
    }

    // MARK: Applying and reading

    /// Records that every message up to `sequence` is applied and committed, and deletes the segments that
    /// hold nothing newer. The segment being written is kept.
    ///
    /// Call it only after the store transaction holding the position has committed. A segment that cannot be
    /// deleted is logged and tried again next time.
    public func markApplied(through sequence: UInt64) {
        let failures: [(String, String)] = state.withLock { state in
            state.applied = max(state.applied, sequence)
            var failures: [(String, String)] = []
            while state.segments.count > 1, state.segments[1].first - 1 <= state.applied {
                if unlink(state.segments[0].path) != 0 && errno != ENOENT {
                    failures.append((state.segments[0].path, Self.errnoText()))
                    break
                }
                state.segments.removeFirst()
            }
            return failures
        }
        for (path, reason) in failures {
            logger.error("inbox journal: cannot delete an applied segment", metadata: ["journal.segment": "\(path)", "journal.reason": "\(reason)"])
        }
    }

    /// When the message with `sequence` was received, if it is among the last 65,536 appended by this process.
    public func receivedAt(sequence: UInt64) -> EventTime? {
        receivedAt(sequences: CollectionOfOne(sequence))[0]
    }

    /// ``receivedAt(sequence:)`` of each of `sequences`, in order, under one lock (the network thread appends
    /// under the same lock: a look-up per message contended with it).
    public func receivedAt(sequences: some Collection<UInt64>) -> [EventTime?] {
        state.withLock { state in
            sequences.map { sequence in
                let entry = state.recentTimes[Int(sequence & UInt64(Self.recentTimesCapacity - 1))]
                return entry.sequence == sequence && sequence != 0 ? EventTime(milliseconds: entry.milliseconds) : nil
            }
        }
    }

    /// The journal's counters now.
    public var snapshot: Snapshot {
        state.withLock { state in
            let last = state.nextSequence - 1
            var oldest: EventTime?
            if last > state.applied {
                let next = state.applied + 1
                let entry = state.recentTimes[Int(next & UInt64(Self.recentTimesCapacity - 1))]
                if entry.sequence == next { oldest = EventTime(milliseconds: entry.milliseconds) }
            }
            return Snapshot(
                lastSequence: last,
                applied: state.applied,
                bytes: state.segments.reduce(0) { $0 + $1.bytes },
                segments: state.segments.count,
                oldestPendingReceivedAt: oldest
            )
        }
    }

    /// A reader of the records after `sequence`, oldest first: what a restart must replay.
    ///
    /// - Important: Read before appending starts; the reader sees the segments as they are now.
    public func makeReader(after sequence: UInt64) -> Reader {
        let segments = state.withLock { $0.segments }
        return Reader(segments: segments, after: sequence, logger: logger)
    }

    /// Reads journal records in order, one segment in memory at a time.
    public struct Reader: Sendable {
        private var segments: [Segment]
        private var after: UInt64
        private let logger: Logger
        private var buffered: [Record] = []
        private var index = 0

        init(segments: [Segment], after: UInt64, logger: Logger) {
            // Segments wholly at or before `after` hold nothing to read.
            var remaining = segments
            while remaining.count > 1, remaining[1].first - 1 <= after {
                remaining.removeFirst()
            }
            self.segments = remaining
            self.after = after
            self.logger = logger
        }

        /// Up to `maximum` further records; empty at the end.
        /// - Throws: ``InboxJournalError`` when a segment cannot be read.
        public mutating func next(maximum: Int) throws(InboxJournalError) -> [Record] {
            while index == buffered.count {
                guard !segments.isEmpty else { return [] }
                let segment = segments.removeFirst()
                let bytes = try InboxJournal.readFile(segment.path)
                let scan = InboxJournal.decode(bytes, expectedFirst: segment.first, after: after)
                if scan.validBytes < bytes.count, scan.problem != nil {
                    logger.error(
                        "inbox journal: damaged records skipped",
                        metadata: [
                            "journal.segment": "\(segment.path)", "journal.offset": "\(scan.validBytes)",
                            "journal.bytes_skipped": "\(bytes.count - scan.validBytes)", "journal.problem": "\(scan.problem ?? "")",
                        ]
                    )
                }
                buffered = scan.records
                index = 0
                if let last = scan.lastSequence { after = max(after, last) }
            }
            let end = min(buffered.count, index + maximum)
            defer {
                index = end
                if index == buffered.count {
                    buffered = []
                    index = 0
                }
            }
            return Array(buffered[index..<end])
        }
    }
}

// MARK: Encoding and files

extension InboxJournal {
    /// Writes one record (header and body) into `slot`, which is exactly its length (header and body).
    /// The length goes in last, so a record cut short by the process's death reads as the end of the segment
    /// or fails its checksum.
    static func encode(
        sequence: UInt64,
        receivedAt: EventTime,
        topic: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer,
        into slot: UnsafeMutableRawBufferPointer
    ) {
        let bodyLength = fixedBodyBytes + topic.count + payload.count
        precondition(slot.count == headerBytes + bodyLength, "the slot must fit the record exactly")
        slot.storeBytes(of: sequence.littleEndian, toByteOffset: headerBytes, as: UInt64.self)
        slot.storeBytes(of: UInt64(bitPattern: receivedAt.milliseconds).littleEndian, toByteOffset: headerBytes + 8, as: UInt64.self)
        slot.storeBytes(of: UInt32(topic.count).littleEndian, toByteOffset: headerBytes + 16, as: UInt32.self)
        let topicStart = headerBytes + fixedBodyBytes
        UnsafeMutableRawBufferPointer(rebasing: slot[topicStart..<(topicStart + topic.count)]).copyMemory(from: topic)
        UnsafeMutableRawBufferPointer(rebasing: slot[(topicStart + topic.count)...]).copyMemory(from: payload)
        let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: slot[headerBytes...]))
        slot.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)
        slot.storeBytes(of: UInt32(bodyLength).littleEndian, toByteOffset: 0, as: UInt32.self)
    }

    /// The records of one segment's bytes.
    struct Scan {
        /// Records with a sequence after the `after` given to ``decode(_:expectedFirst:after:)``.
        var records: [Record] = []
        /// Bytes from the start that hold whole, valid, consecutive records.
        var validBytes = 0
        /// The sequence of the last valid record, if any.
        var lastSequence: UInt64?
        /// Why reading stopped before the end, if it did.
        var problem: String?
    }

    /// Decodes the valid prefix of a segment whose first record should be `expectedFirst`, keeping the records
    /// after `after`.
    static func decode(_ bytes: [UInt8], expectedFirst: UInt64, after: UInt64) -> Scan {
        var scan = Scan()
        var offset = 0
        var expected = expectedFirst
        bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                if isReservedTail(buffer, from: offset) { return }
                guard buffer.count - offset >= headerBytes + fixedBodyBytes else {
                    scan.problem = "incomplete record header"
                    return
                }
                let length = Int(readLittleEndian(UInt32.self, buffer, at: offset))
                let checksum = readLittleEndian(UInt32.self, buffer, at: offset + 4)
                guard length >= fixedBodyBytes, length <= maximumRecordBytes else {
                    scan.problem = "impossible record length \(length)"
                    return
                }
                guard buffer.count - offset - headerBytes >= length else {
                    scan.problem = "incomplete record"
                    return
                }
                let body = UnsafeRawBufferPointer(rebasing: buffer[(offset + headerBytes)..<(offset + headerBytes + length)])
                guard CRC32.checksum(body) == checksum else {
                    scan.problem = "checksum mismatch"
                    return
                }
                let sequence = readLittleEndian(UInt64.self, body, at: 0)
                let milliseconds = Int64(bitPattern: readLittleEndian(UInt64.self, body, at: 8))
                let topicLength = Int(readLittleEndian(UInt32.self, body, at: 16))
                guard sequence == expected, topicLength <= length - fixedBodyBytes else {
                    scan.problem = sequence == expected ? "impossible topic length" : "sequence \(sequence) where \(expected) was expected"
                    return
                }
                if sequence > after {
                    let topicBytes = body[fixedBodyBytes..<(fixedBodyBytes + topicLength)]
                    scan.records.append(
                        Record(
                            sequence: sequence,
                            topic: String(decoding: topicBytes, as: UTF8.self),
                            payload: Array(body[(fixedBodyBytes + topicLength)...]),
                            receivedAt: EventTime(milliseconds: milliseconds)
                        )
                    )
                }
                scan.lastSequence = sequence
                expected += 1
                offset += headerBytes + length
                scan.validBytes = offset
            }
        }
        return scan
    }

    /// Whether the bytes from `offset` on are all zero: the reserved, never written tail of a segment that was
    /// being appended to when the process stopped (``MappedSegment``), which ends the records cleanly.
    private static func isReservedTail(_ buffer: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        guard buffer.count - offset >= 4, readLittleEndian(UInt32.self, buffer, at: offset) == 0 else { return false }
        return buffer[offset...].allSatisfy { $0 == 0 }
    }

    private static func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ buffer: UnsafeRawBufferPointer, at offset: Int) -> T {
        T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The segment file for a first sequence number: 20 digits, so names sort like numbers.
    static func segmentPath(_ directory: String, first: UInt64) -> String {
        let digits = String(first)
        return "\(directory)/\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).inbox"
    }

    /// The segments in `directory`, oldest first.
    private static func listSegments(in directory: String) throws(InboxJournalError) -> [Segment] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .io(operation: "list", path: directory, reason: "\(error.localizedDescription)")
        }
        var segments: [Segment] = []
        for name in names where name.hasSuffix(".inbox") {
            guard let first = UInt64(name.dropLast(6)), first > 0 else { continue }
            let path = "\(directory)/\(name)"
            let size: Int
            do {
                size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            } catch {
                throw .io(operation: "stat", path: path, reason: "\(error.localizedDescription)")
            }
            segments.append(Segment(first: first, path: path, bytes: size))
        }
        return segments.sorted { $0.first < $1.first }
    }

    /// The whole file.
    static func readFile(_ path: String) throws(InboxJournalError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, reason: errnoText()) }
        defer { closeDescriptor(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, reason: errnoText())
            }
            bytes += chunk[0..<count]
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// `close(2)`, under a name that the journal's own ``InboxJournal/close()`` does not shadow.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
