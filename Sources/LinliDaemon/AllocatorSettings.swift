#if canImport(Glibc)
internal import CMalloc
import Glibc
#endif

/// A glibc `malloc` setting for a long-running process that holds a large, slowly growing table (the engine's
/// state for every watched subject) while large short-lived buffers come and go.
///
/// By default glibc raises its mapping threshold each time a mapped block is freed, and with it the trim
/// threshold (up to 64 MiB): later large blocks (a growing table's new storage, a commit's buffers) are carved
/// from the heap instead, and the free memory they leave is kept rather than returned. With 100,000 devices that
/// cost about 28 MB of resident memory (the memory benchmark's peak: 171 MB, 143 MB with the threshold fixed at
/// 128 KiB, which also fixes the trim threshold at its default). It costs about 900 `mmap` calls per million
/// events. Capping the number of arenas as well gave nothing more and cost ingest throughput.
///
/// The figure is the memory benchmark's (`scripts/bench --only memory`); what glibc does with one block depends on
/// its arena's free space, so no unit test pins it.
public enum AllocatorSettings {
    /// Blocks of at least this many bytes are mapped on their own and returned to the system when freed.
    static let mappingThreshold: Int32 = 128 << 10

    /// Fixes the mapping threshold, unless the environment sets glibc's own (`MALLOC_MMAP_THRESHOLD_`), which then
    /// wins. Call it first thing in the process.
    public static func apply() {
        #if canImport(Glibc)
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil else { return }
        _ = mallopt(M_MMAP_THRESHOLD, mappingThreshold)
        #endif
    }

    /// Returns the free memory the allocator holds to the system (`malloc_trim`): call it after a large,
    /// short-lived piece of work (parsing the site files), not per event.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
