import Foundation
import Synchronization

/// Runs a program to its end off Swift's cooperative thread pool: the blocking reads and the wait happen on a
/// Dispatch queue, so a test waiting for a child never starves the in-process servers the child talks to.
enum ChildProcess {
    /// What a finished program printed and how it exited.
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`; `input` is written to its standard input; killed after `timeout`.
    static func run(
        _ executable: URL,
        _ arguments: [String],
        directory: URL,
        environment: [String: String] = [:],
        input: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        let seconds = Double(timeout.components.seconds)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: killer)
                if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
                try? stdin.fileHandleForWriting.close()
                let group = DispatchGroup()
                let errors = Collected()
                group.enter()
                DispatchQueue.global().async {
                    errors.data.withLock { $0 = stderr.fileHandleForReading.readDataToEndOfFile() }
                    group.leave()
                }
                let out = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                killer.cancel()
                continuation.resume(
                    returning: Output(
                        status: process.terminationStatus,
                        stdout: String(decoding: out, as: UTF8.self),
                        stderr: String(decoding: errors.data.withLock { $0 }, as: UTF8.self)
                    )
                )
            }
        }
    }

    /// Bytes read on another queue.
    private final class Collected: Sendable {
        let data = Mutex(Data())
    }
}
