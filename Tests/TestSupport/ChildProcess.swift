public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program run as a child process, waited for off Swift's cooperative thread pool.
///
/// The blocking reads of its output and the wait for its exit happen on Dispatch queues, so a test waiting for
/// a child never starves the in-process servers (a daemon, a broker client) the child talks to.
///
/// ```swift
/// let output = try await ChildProcess.start(Repository.product("linli"), ["rules", "check"], directory: Repository.root).finish()
/// let recorder = try ChildProcess.start(Repository.product("linli-sim"), ["record", path], directory: Repository.root)
/// try await recorder.waitForOutput(containing: "recording")
/// let recorded = await recorder.finish()
/// ```
///
/// - Important: A child still running when the value is released is terminated.
public final class ChildProcess: Sendable {
    /// What a finished program printed and how it exited.
    public struct Output: Sendable {
        /// The exit status (or the signal number when it was killed).
        public var status: Int32
        /// Everything it wrote to standard output.
        public var stdout: String
        /// Everything it wrote to standard error.
        public var stderr: String
    }

    private let process: Process
    private let stdoutData = Collected()
    private let stderrData = Collected()
    /// Left by each of the two readers when its pipe reaches end of file.
    private let readers = DispatchGroup()

    /// Starts `executable` with `arguments` in `directory` (by default this process's) and returns at once; its output
    /// is collected as it comes.
    /// - Parameters:
    ///   - environment: Variables added to this process's environment, or the whole environment when
    ///     `inheritingEnvironment` is false.
    ///   - input: Written to its standard input, which is then closed.
    /// - Throws: Foundation's error when the program cannot be started.
    public static func start(
        _ executable: URL,
        _ arguments: [String],
        directory: URL? = nil,
        environment: [String: String] = [:],
        inheritingEnvironment: Bool = true,
        input: String? = nil
    ) throws -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment =
            inheritingEnvironment ? ProcessInfo.processInfo.environment.merging(environment) { $1 } : environment
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        let child = ChildProcess(process: process)
        child.collect(stdout, into: child.stdoutData)
        child.collect(stderr, into: child.stderrData)
        DispatchQueue.global().async {
            if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
            try? stdin.fileHandleForWriting.close()
        }
        return child
    }

    private init(process: Process) {
        self.process = process
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Sends `signal` (e.g. `SIGHUP`) to the child.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Standard output and standard error so far, one after the other.
    public var outputSoFar: String {
        String(decoding: stdoutData.bytes + stderrData.bytes, as: UTF8.self)
    }

    /// Whether the program is still running.
    public var isRunning: Bool { process.isRunning }

    /// Waits (polling every 20 ms, without blocking a thread) until the program has printed `text` on standard
    /// output or standard error, for example a readiness line.
    /// - Throws: ``ChildProcessError`` when it ends, or `timeout` passes, before printing it.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !outputSoFar.contains(text) {
            guard process.isRunning || !readersDone else {
                if outputSoFar.contains(text) { return }
                throw ChildProcessError("the program ended before printing '\(text)': \(outputSoFar)")
            }
            guard ContinuousClock.now < deadline else {
                throw ChildProcessError("the program did not print '\(text)' within \(timeout): \(outputSoFar)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends SIGTERM.
    public func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Waits for the program to exit (SIGTERM after `timeout`) and for the rest of its output.
    public func finish(timeout: Duration = .seconds(60)) async -> Output {
        let process = self.process
        let readers = self.readers
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: killer)
                readers.wait()
                process.waitUntilExit()
                killer.cancel()
                continuation.resume()
            }
        }
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData.bytes, as: UTF8.self),
            stderr: String(decoding: stderrData.bytes, as: UTF8.self)
        )
    }

    private var readersDone: Bool {
        readers.wait(timeout: .now()) == .success
    }

    /// Reads `pipe` to its end on a Dispatch queue.
    private func collect(_ pipe: Pipe, into collected: Collected) {
        readers.enter()
        let readers = self.readers
        DispatchQueue.global().async {
            let handle = pipe.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                collected.append(chunk)
            }
            readers.leave()
        }
    }

    /// Bytes read on another queue.
    private final class Collected: Sendable {
        private let data = Mutex(Data())

        var bytes: Data { data.withLock { $0 } }

        func append(_ chunk: Data) {
            data.withLock { $0.append(chunk) }
        }
    }
}

/// A child process that did not do what a test waited for.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What happened.
    public let description: String

    init(_ description: String) { self.description = description }
}
