#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ``InboxJournal`` segment being appended to, written through a shared memory mapping.
///
/// A record is copied into the mapping, which is the kernel's page cache for the file: once the copy is done
/// it survives the process's own death exactly as a `write(2)` would, at the cost of a `memcpy` instead of a
/// system call per message. The file's blocks are reserved ahead (`posix_fallocate`), so a full disk fails an
/// append with an error instead of a `SIGBUS` on a page that has no block. Closing cuts the file back to the
/// bytes written; after a crash the reserved tail reads as zeros, which the journal's reader takes as the
/// clean end of the segment.
///
/// `@unchecked Sendable`: it holds the mapping's address; the journal keeps it inside its `Mutex`, so one
/// thread at a time uses it.
struct MappedSegment: @unchecked Sendable {
    /// The file.
    let path: String
    /// Bytes written (records end here).
    private(set) var bytes: Int
    private var descriptor: Int32
    private var mapping: UnsafeMutableRawPointer?
    private var mappedBytes = 0
    private let reserveBytes: Int
    private let synchronous: Bool

    /// Opens (creating) a segment whose first `bytes` bytes hold records; maps nothing until the first append.
    /// - Parameters:
    ///   - reserveBytes: how much is reserved and mapped at a time (the journal's segment size).
    ///   - synchronous: whether each record is flushed to the disk (`msync`) before the append returns; the
    ///     directory entry of a new file is synced too.
    init(path: String, bytes: Int, reserveBytes: Int, synchronous: Bool, directory: String) throws(InboxJournalError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, reason: Self.errnoText()) }
        if synchronous {
            let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryDescriptor >= 0 {
                fsync(directoryDescriptor)
                closeDescriptor(directoryDescriptor)
            }
        }
        self.path = path
        self.bytes = bytes
        self.descriptor = descriptor
        self.reserveBytes = max(reserveBytes, 1 << 16)
        self.synchronous = synchronous
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool { descriptor < 0 }

    /// Appends `count` bytes that `fill` writes into the slot it is given (whole, in place).
    mutating func append(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) throws(InboxJournalError) {
        guard descriptor >= 0 else { throw .io(operation: "write", path: path, reason: "the journal is closed") }
        if bytes + count > mappedBytes { try remap(toHold: bytes + count) }
        let slot = UnsafeMutableRawBufferPointer(start: mapping! + bytes, count: count)
        fill(slot)
        if synchronous {
            let start = bytes / Self.pageSize * Self.pageSize
            guard msync(mapping! + start, bytes + count - start, MS_SYNC) == 0 else {
                let reason = Self.errnoText()
                slot.initializeMemory(as: UInt8.self, repeating: 0)
                throw .io(operation: "msync", path: path, reason: reason)
            }
        }
        bytes += count
    }

    /// Reserves and maps enough of the file for `needed` bytes (a segment size more than what is written).
    private mutating func remap(toHold needed: Int) throws(InboxJournalError) {
        let size = needed + reserveBytes
        let reserved = posix_fallocate(descriptor, 0, off_t(size))
        guard reserved == 0 else {
            throw .io(operation: "reserve", path: path, reason: String(cString: strerror(reserved)))
        }
        unmap()
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .io(operation: "map", path: path, reason: Self.errnoText())
        }
        mapping = address
        mappedBytes = size
    }

    private mutating func unmap() {
        if let mapping { munmap(mapping, mappedBytes) }
        mapping = nil
        mappedBytes = 0
    }

    /// Unmaps, cuts the file back to the bytes written (syncing it when synchronous) and closes it. Idempotent.
    mutating func close() {
        guard descriptor >= 0 else { return }
        unmap()
        _ = ftruncate(descriptor, off_t(bytes))
        if synchronous { fsync(descriptor) }
        closeDescriptor(descriptor)
        descriptor = -1
    }

    /// `msync` starts on a page boundary.
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
