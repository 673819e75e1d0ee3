import Foundation
import TestSupport
import Testing

/// Runs the built `linli-sim` and `linli` binaries in the repository root, for the command tests, waiting for them
/// off the cooperative thread pool (see ``ChildProcess``).
enum CommandRunner {
    /// The `linli-sim` executable; missing means the package was not built (`swift build` builds it).
    static var binary: URL { Repository.product("linli-sim") }

    /// The `linli` executable.
    static var linliBinary: URL { Repository.product("linli") }

    /// Runs `linli` with `arguments` to the end.
    static func runLinli(_ arguments: [String]) async throws -> ChildProcess.Output {
        try await ChildProcess.start(linliBinary, arguments, directory: Fixtures.root).finish()
    }

    /// Runs `linli-sim` with `arguments` to the end.
    static func run(_ arguments: [String]) async throws -> ChildProcess.Output {
        try await ChildProcess.start(binary, arguments, directory: Fixtures.root).finish()
    }

    /// Starts `linli-sim` with `arguments` and returns while it runs.
    static func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess.start(binary, arguments, directory: Fixtures.root)
    }

    /// Checks that `binaries` are built and makes a fresh temporary directory for one command test (which
    /// removes it when done).
    static func makeDirectory(_ prefix: String, needing binaries: [URL]) throws -> URL {
        for binary in binaries {
            try #require(FileManager.default.isExecutableFile(atPath: binary.path), "\(binary.path) is not built")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
