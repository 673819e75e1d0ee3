import Foundation

/// Runs a burst of short-lived allocations on a thread of its own, so that they come from a glibc arena of their
/// own and leave no holes among the process's long-lived memory.
///
/// Parsing the site files builds YAML trees several times the registry's size (for 100,000 devices, about 130 MB);
/// made on the calling thread, they leave that thread's heap a sieve of freed nodes around live ones, and the
/// process's resident memory stayed near the parse's peak all day (190 MB where 85 MB are in use). Made on a
/// scratch thread, the trees come and go in the scratch thread's arena, and with the strings the caller keeps
/// copied out (``LinliCore/SiteRegistry/compacted()``) that arena is left empty and its memory can be returned.
enum ScratchThread {
    /// Runs `work` on a new thread, waiting for it, and returns its result.
    static func run<Value: Sendable, Failure: Error>(_ work: @escaping @Sendable () throws(Failure) -> Value) throws(Failure) -> Value {
        let box = ResultBox<Value, Failure>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { () throws(Failure) -> Value in try work() }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
        return try box.result!.get()
    }

    /// The result, written by the scratch thread before it signals and read by the caller after the wait.
    private final class ResultBox<Value, Failure: Error>: @unchecked Sendable {
        var result: Result<Value, Failure>?
    }
}
