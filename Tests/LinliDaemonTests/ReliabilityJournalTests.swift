import Foundation
import LinliCore
import LinliDaemon
import Logging
import TestSupport
import Testing

@Suite("Inbox journal: append, torn tails, rotation, replay position")
struct ReliabilityJournalTests {
    static let topic = "linli/v1/zijing/bin/ZJ-B03-K/event"
    /// The journal logs damaged records at `error`; these tests damage them on purpose.
    static let silent = Logger(label: "journal-test") { _ in SwiftLogNoOpLogHandler() }

    static func open(_ directory: TemporaryDirectory, applied: UInt64 = 0, segmentBytes: Int = 1 << 20) throws -> InboxJournal {
        try InboxJournal(
            configuration: InboxJournal.Configuration(directory: directory.file("inbox"), segmentBytes: segmentBytes),
            appliedThrough: applied,
            logger: silent
        )
    }

    static func payload(_ index: Int) -> [UInt8] {
        Array("{\"n\":\(index)}".utf8)
    }

    static func readAll(_ journal: InboxJournal, after: UInt64) throws -> [InboxJournal.Record] {
        var reader = journal.makeReader(after: after)
        var records: [InboxJournal.Record] = []
        while true {
            let batch = try reader.next(maximum: 7)
            if batch.isEmpty { return records }
            records += batch
        }
    }

    /// Writes `count` records (`payload(0)`, `payload(1)`, ...) to a fresh journal in `directory` and closes it,
    /// as a daemon that stopped would leave it.
    static func write(_ count: Int, to directory: TemporaryDirectory, segmentBytes: Int = 1 << 20, payload: (Int) -> [UInt8] = payload) throws {
        let journal = try open(directory, segmentBytes: segmentBytes)
        for index in 0..<count {
            try journal.append(topic: topic, payload: payload(index), receivedAt: EventTime(milliseconds: 0))
        }
        journal.close()
    }

    static func segmentFiles(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.file("inbox")).filter { $0.hasSuffix(".inbox") }.sorted()
    }

    /// Appends `bytes` to the newest segment file, as a crash could have left them; returns the file and its
    /// size before.
    static func appendToNewestSegment(_ directory: TemporaryDirectory, _ bytes: Data) throws -> (path: String, sizeBefore: Int) {
        let path = directory.file("inbox") + "/" + (try segmentFiles(directory)).last!
        let sizeBefore = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(bytes)
        try handle.close()
        return (path, sizeBefore)
    }

    @Test("records come back in order with consecutive sequence numbers, topic, payload and time")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try Self.open(directory)
        var sequences: [UInt64] = []
        for index in 0..<50 {
            sequences.append(
                try journal.append(topic: Self.topic, payload: Self.payload(index), receivedAt: EventTime(milliseconds: 1_000 + Int64(index)))
            )
        }
        #expect(sequences == Array(1...50))
        let binary: [UInt8] = [0xFF, 0x00, 0xFE]
        #expect(try journal.append(topic: "t/ü", payload: binary, receivedAt: EventTime(milliseconds: 7)) == 51)
        #expect(try journal.append(topic: Self.topic, payload: [], receivedAt: EventTime(milliseconds: 8)) == 52)
        let records = try Self.readAll(journal, after: 0)
        #expect(records.map(\.sequence) == Array(1...52))
        #expect(records[10].payload == Self.payload(10))
        #expect(records[10].receivedAt == EventTime(milliseconds: 1_010))
        #expect(records[50] == InboxJournal.Record(sequence: 51, topic: "t/ü", payload: binary, receivedAt: EventTime(milliseconds: 7)))
        #expect(records[51].payload.isEmpty)
        #expect(try Self.readAll(journal, after: 40).map(\.sequence) == Array(41...52))
        #expect(journal.receivedAt(sequence: 3) == EventTime(milliseconds: 1_002))
        #expect(journal.snapshot.pending == 52)
    }

    @Test("reopening continues the sequence and keeps what was not applied")
    func reopenContinues() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(10, to: directory)
        let journal = try Self.open(directory, applied: 6)
        #expect(try Self.readAll(journal, after: 6).map(\.sequence) == [7, 8, 9, 10])
        #expect(try journal.append(topic: Self.topic, payload: [1], receivedAt: EventTime(milliseconds: 0)) == 11)
        #expect(journal.snapshot.applied == 6)
        #expect(journal.snapshot.pending == 5)
    }

    @Test("a record torn by a crash mid-write is cut off at open; later appends are readable", arguments: [1, 8, 20, 30])
    func tornTailIsCutOff(keptBytes: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(3, to: directory)
        // The first `keptBytes` bytes of a fourth record, as a kill in the middle of copying it could leave them.
        let record = try InboxJournalTestAccess.encode(sequence: 4, topic: Self.topic, payload: Self.payload(3))
        let (path, sizeBefore) = try Self.appendToNewestSegment(directory, Data(record.prefix(keptBytes)))

        let journal = try Self.open(directory)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == sizeBefore)
        #expect(try Self.readAll(journal, after: 0).map(\.sequence) == [1, 2, 3])
        #expect(try journal.append(topic: Self.topic, payload: [9], receivedAt: EventTime(milliseconds: 0)) == 4)
        #expect(try Self.readAll(journal, after: 3).map(\.payload) == [[9]])
    }

    @Test("a segment left with its reserved, unwritten tail (the daemon killed) reopens cleanly and silently")
    func reservedTailIsTheCleanEnd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(3, to: directory)
        // What a kill -9 leaves: the records, then the zeros reserved for the next ones.
        let (path, sizeBefore) = try Self.appendToNewestSegment(directory, Data(count: 1 << 20))

        let lines = CapturingLogHandler.Lines()
        let journal = try InboxJournal(
            configuration: InboxJournal.Configuration(directory: directory.file("inbox")),
            appliedThrough: 0,
            logger: CapturingLogHandler.logger(into: lines)
        )
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == sizeBefore)
        #expect(try Self.readAll(journal, after: 0).map(\.sequence) == [1, 2, 3])
        #expect(lines.all.isEmpty)
        #expect(try journal.append(topic: Self.topic, payload: [9], receivedAt: EventTime(milliseconds: 0)) == 4)
        journal.close()
        let reopened = try Self.open(directory)
        #expect(try Self.readAll(reopened, after: 0).map(\.payload) == (0..<3).map(Self.payload) + [[9]])
    }

    @Test("while appending, the file holds reserved space; closing cuts it back to the records")
    func closingCutsTheReservation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try Self.open(directory, segmentBytes: 1 << 20)
        try journal.append(topic: Self.topic, payload: Self.payload(0), receivedAt: EventTime(milliseconds: 5))
        let path = directory.file("inbox") + "/" + (try Self.segmentFiles(directory)).last!
        let reserved = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(reserved > 1 << 20)
        journal.close()
        let closed = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(closed == journal.snapshot.bytes)
        #expect(closed == 8 + 20 + Self.topic.utf8.count + Self.payload(0).count)
    }

    @Test("in synchronous mode each record is flushed as it is appended, across rotations, and reads back")
    func synchronousAppendsReadBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = InboxJournal.Configuration(directory: directory.file("inbox"), segmentBytes: 4096, synchronous: true)
        let journal = try InboxJournal(configuration: configuration, appliedThrough: 0, logger: Self.silent)
        // About 1 kB each: four to a segment.
        func payload(_ index: Int) -> [UInt8] { Self.payload(index) + [UInt8](repeating: UInt8(ascii: " "), count: 1000) }
        for index in 0..<12 {
            try journal.append(topic: Self.topic, payload: payload(index), receivedAt: EventTime(milliseconds: Int64(index)))
        }
        #expect(try Self.segmentFiles(directory).count == 3)
        journal.close()
        let reopened = try InboxJournal(configuration: configuration, appliedThrough: 0, logger: Self.silent)
        let records = try Self.readAll(reopened, after: 0)
        #expect(records.map(\.sequence) == Array(1...12))
        #expect(records.map(\.payload) == (0..<12).map(payload))
        #expect(records.map(\.receivedAt.milliseconds) == (0..<12).map(Int64.init))
    }

    @Test("a record whose bytes changed on disk fails its checksum and is not replayed")
    func corruptedRecordIsDetected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(3, to: directory)
        let path = directory.file("inbox") + "/" + (try Self.segmentFiles(directory)).last!
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 2] ^= 0x20  // inside the last record's payload
        try bytes.write(to: URL(fileURLWithPath: path))
        let journal = try Self.open(directory)
        #expect(try Self.readAll(journal, after: 0).map(\.sequence) == [1, 2])
        #expect(try journal.append(topic: Self.topic, payload: [1], receivedAt: EventTime(milliseconds: 0)) == 3)
    }

    @Test("full segments rotate and are deleted once every record in them is applied")
    func rotationAndRelease() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try Self.open(directory, segmentBytes: 4096)
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 300)
        for _ in 0..<100 {
            try journal.append(topic: Self.topic, payload: payload, receivedAt: EventTime(milliseconds: 0))
        }
        let segments = try Self.segmentFiles(directory)
        #expect(segments.count >= 8)
        #expect(journal.snapshot.segments == segments.count)
        journal.markApplied(through: 50)
        let remaining = try Self.segmentFiles(directory)
        #expect(remaining.count < segments.count)
        #expect(try Self.readAll(journal, after: 50).map(\.sequence) == Array(51...100))
        // The oldest segment kept still holds a record after 50.
        let firstKept = try #require(UInt64(remaining[0].dropLast(6)))
        #expect(firstKept <= 51)
        journal.markApplied(through: 100)
        #expect(try Self.segmentFiles(directory).count == 1)
        #expect(journal.snapshot.pending == 0)
        #expect(try journal.append(topic: Self.topic, payload: payload, receivedAt: EventTime(milliseconds: 0)) == 101)
    }

    @Test("a journal behind the store (files lost) continues after the store's position")
    func journalBehindStore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(1, to: directory) { _ in [1] }
        let journal = try Self.open(directory, applied: 500)
        #expect(try Self.readAll(journal, after: 500).isEmpty)
        #expect(try journal.append(topic: Self.topic, payload: [2], receivedAt: EventTime(milliseconds: 0)) == 501)
        #expect(try Self.segmentFiles(directory).count == 1)
    }

    @Test("damage in an older segment skips its rest; later segments are still replayed")
    func damagedOlderSegment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(12, to: directory, segmentBytes: 4096) { _ in [UInt8](repeating: UInt8(ascii: "y"), count: 1000) }
        let segments = try Self.segmentFiles(directory)
        #expect(segments.count == 3)
        let first = directory.file("inbox") + "/" + segments[0]
        var bytes = try #require(FileManager.default.contents(atPath: first))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: first))
        let journal = try Self.open(directory, segmentBytes: 4096)
        let sequences = try Self.readAll(journal, after: 0).map(\.sequence)
        #expect(sequences.count < 12)
        #expect(sequences.last == 12)
        #expect(sequences == sequences.sorted())
    }
}

/// Writes a journal record the way ``InboxJournal`` does, for tests that forge torn or damaged files.
enum InboxJournalTestAccess {
    static func encode(sequence: UInt64, topic: String, payload: [UInt8]) throws -> [UInt8] {
        let directory = try TemporaryDirectory(prefix: "journal-encode")
        defer { directory.remove() }
        let journal = try InboxJournal(
            configuration: InboxJournal.Configuration(directory: directory.path),
            appliedThrough: sequence - 1,
            logger: ReliabilityJournalTests.silent
        )
        try journal.append(topic: topic, payload: payload, receivedAt: EventTime(milliseconds: 0))
        journal.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".inbox") }
        let name = try #require(names.first)
        return [UInt8](try #require(FileManager.default.contents(atPath: directory.path + "/" + name)))
    }
}
