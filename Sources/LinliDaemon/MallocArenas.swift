#if canImport(Glibc)
import Glibc
#endif

/// How the process's C allocator is set up.
public enum MallocArenas {
    /// Caps glibc's malloc arenas at two; call first thing in `main`.
    ///
    /// By default glibc gives threads arenas of their own (up to eight per core), and memory freed in one arena is
    /// not reused by another. The daemon's threads (network, pipeline, commits) hand buffers to each other, so each
    /// arena grew to the peak it once saw. Measured with 100,000 devices tracked: peak resident memory about 225 MB
    /// with the default, 210 MB with two arenas, 188 MB with one; ingest was as fast with two as with the default,
    /// but one arena cost QoS 1 ingest a sixth (the network thread and the pipeline contend for it). Does nothing
    /// where the C library is not glibc.
    public static func limit() {
        #if canImport(Glibc)
        // `mallopt` is in <malloc.h>, which the Glibc module does not export; M_ARENA_MAX is -8 there.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
        #endif
    }
}
