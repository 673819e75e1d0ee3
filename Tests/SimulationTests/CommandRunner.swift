import Foundation

/// Runs the built `linli-sim` binary and a private mosquitto, for the command tests.
enum CommandRunner {
    /// What a finished command printed and how it exited.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The directory holding the built products (`.build/debug`), found from the test bundle's path.
    static var productsDirectory: URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }
        return (bundle?.bundleURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
    }

    /// The `linli-sim` executable; missing means the package was not built (`swift build` builds it).
    static var binary: URL { productsDirectory.appendingPathComponent("linli-sim") }

    /// The `linli` executable.
    static var linliBinary: URL { productsDirectory.appendingPathComponent("linli") }

    /// Runs `linli` with `arguments` in the repository root, to the end.
    static func runLinli(_ arguments: [String]) throws -> Output {
        let (process, stdout, stderr) = try start(arguments, executable: linliBinary)
        return finish(process, stdout, stderr)
    }

    /// Starts `linli-sim` (or `executable`) with `arguments` in the repository root; returns the running
    /// process and its pipes.
    static func start(
        _ arguments: [String],
        executable: URL = binary
    ) throws -> (process: Process, stdout: Pipe, stderr: Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.root
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return (process, stdout, stderr)
    }

    /// Runs `linli-sim` to the end.
    static func run(_ arguments: [String]) throws -> Output {
        let (process, stdout, stderr) = try start(arguments)
        return finish(process, stdout, stderr)
    }

    /// Waits for a started command and collects its output.
    static func finish(_ process: Process, _ stdout: Pipe, _ stderr: Pipe) -> Output {
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    /// Reads a started command's standard error until it has printed `text` (a readiness line).
    static func waitFor(_ text: String, in pipe: Pipe) throws {
        var seen = ""
        while !seen.contains(text) {
            let chunk = pipe.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw RunnerError("the command ended before printing '\(text)': \(seen)") }
            seen += String(decoding: chunk, as: UTF8.self)
        }
    }

    /// A TCP port on loopback that was free a moment ago.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard bound else { throw RunnerError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `mosquitto` on a free loopback port and waits until it accepts connections.
    static func startBroker(in directory: URL) throws -> (process: Process, port: Int) {
        let path = "/usr/sbin/mosquitto"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw RunnerError("mosquitto is not installed at \(path): install it with `apt-get install mosquitto`")
        }
        let port = try freePort()
        let config = directory.appendingPathComponent("mosquitto.conf")
        try "listener \(port) 127.0.0.1\nallow_anonymous true\nuser root\n".write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", config.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if canConnect(port: port) { return (process, port) }
            usleep(50_000)
        }
        process.terminate()
        throw RunnerError("mosquitto did not accept connections on port \(port) within 5 s")
    }

    /// Whether something accepts TCP connections on the loopback port.
    static func canConnect(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A failure setting up a command test.
    struct RunnerError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
