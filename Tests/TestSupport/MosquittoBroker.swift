import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `mosquitto` broker on a free loopback port, for tests.
///
/// Each broker gets its own temporary directory holding its configuration, its log (`mosquitto.log`) and, when
/// enabled, its persistence file. `deinit` kills the process and removes the directory.
///
/// ```swift
/// let broker = try await MosquittoBroker.start()
/// var configuration = try MQTTConfiguration(url: broker.url)
/// …
/// try await broker.restart()   // same port, same configuration, same persistence
/// ```
///
/// - Important: A missing `mosquitto` binary is an error that says how to install it, never a silent skip.
public final class MosquittoBroker: Sendable {
    /// The loopback address the broker listens on.
    public let host = "127.0.0.1"
    /// The TCP port of the plain MQTT listener.
    public let port: Int
    /// The directory with `mosquitto.conf`, `mosquitto.log` and the persistence file.
    public let directory: TemporaryDirectory
    /// The path of the broker binary in use.
    public let executable: String
    /// The running broker's process id; `nil` when stopped (the child is always reaped before this is cleared).
    private let pid: Mutex<pid_t?>

    /// `mqtt://127.0.0.1:PORT`.
    public var url: String {
        "mqtt://\(host):\(port)"
    }

    /// The path of the broker's configuration file.
    public var configPath: String {
        directory.file("mosquitto.conf")
    }

    /// The path of the broker's log (its stdout and stderr).
    public var logPath: String {
        directory.file("mosquitto.log")
    }

    private init(port: Int, directory: TemporaryDirectory, executable: String) {
        self.port = port
        self.directory = directory
        self.executable = executable
        self.pid = Mutex(nil)
    }

    deinit {
        killProcess()
        directory.remove()
    }

    /// Starts a broker and waits (up to ``startTimeout``) until it accepts TCP connections.
    ///
    /// The generated configuration has `listener PORT 127.0.0.1`, `allow_anonymous`, `max_queued_messages 1000000`
    /// (the default 1000 silently drops QoS 1 messages to slow subscribers), `set_tcp_nodelay true`, `persistence`,
    /// and `user root` when running as root (otherwise mosquitto switches to user `mosquitto` and cannot write to
    /// a root-owned directory). `extraConfig` is appended, for example `password_file …` or a TLS `listener`.
    ///
    /// - Parameters:
    ///   - extraConfig: Configuration lines appended at the end.
    ///   - persistence: Whether the broker saves sessions and retained messages in its directory (on clean stop).
    ///   - allowAnonymous: Whether clients without credentials may connect.
    /// - Throws: ``MosquittoBrokerError`` when the binary is missing, the broker exits, or it never accepts connections.
    public static func start(
        extraConfig: String = "",
        persistence: Bool = false,
        allowAnonymous: Bool = true
    ) async throws -> MosquittoBroker {
        let executable = try findExecutable("mosquitto", in: ["/usr/sbin", "/usr/local/sbin"])
        var attempt = 1
        while true {
            do {
                return try await startOnFreePort(executable, extraConfig: extraConfig, persistence: persistence, allowAnonymous: allowAnonymous)
            } catch MosquittoBrokerError.exitedEarly(let log) where log.contains("Address already in use") && attempt < Self.portAttempts {
                // The port was free when picked, then taken (an outgoing connection of another test got it as its
                // ephemeral port): pick another.
                attempt += 1
            }
        }
    }

    /// Brokers started on a new port, at most, when the port picked was taken before the broker could listen.
    static let portAttempts = 5

    /// Writes a configuration for a new free port and directory, and starts the broker on it.
    private static func startOnFreePort(
        _ executable: String,
        extraConfig: String,
        persistence: Bool,
        allowAnonymous: Bool
    ) async throws -> MosquittoBroker {
        let directory = try TemporaryDirectory(prefix: "mosquitto")
        let broker = MosquittoBroker(port: try freeLoopbackPort(), directory: directory, executable: executable)
        var lines = [
            "listener \(broker.port) \(broker.host)",
            "allow_anonymous \(allowAnonymous)",
            "max_queued_messages 1000000",
            "set_tcp_nodelay true",
            "persistence \(persistence)",
            "persistence_location \(directory.path)/",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
        ]
        if geteuid() == 0 {
            lines.append("user root")
        }
        let config = (lines + [extraConfig]).joined(separator: "\n") + "\n"
        try config.write(toFile: broker.configPath, atomically: true, encoding: .utf8)
        try await broker.launch()
        return broker
    }

    /// Stops the broker gracefully (SIGTERM, so it saves persistence), SIGKILL after 5 s, and waits for it to exit.
    public func stop() async {
        guard let pid = pid.withLock({ $0 }) else { return }
        Glibc.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(5)
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        killProcess()
    }

    /// Kills the broker at once (SIGKILL: no persistence saved) and waits for it to exit.
    public func kill() {
        killProcess()
    }

    /// Freezes the broker (SIGSTOP): its connections stay open but nothing is read, so clients' sockets fill up.
    public func pause() {
        signal(SIGSTOP)
    }

    /// Lets a paused broker run again (SIGCONT).
    public func resume() {
        signal(SIGCONT)
    }

    private func signal(_ number: Int32) {
        pid.withLock { pid in
            guard let running = pid else { return }
            _ = Glibc.kill(running, number)
        }
    }

    /// Stops the broker gracefully and starts it again on the same port with the same configuration and persistence.
    /// - Throws: ``MosquittoBrokerError`` when it does not come back.
    public func restart() async throws {
        await stop()
        try await launch()
    }

    /// Whether the broker process is running (reaps it if it has exited).
    public var isRunning: Bool {
        pid.withLock { pid in
            guard let running = pid else { return false }
            var status: Int32 = 0
            if waitpid(running, &status, WNOHANG) == running {
                pid = nil
                return false
            }
            return true
        }
    }

    /// The broker's log so far (for failure messages).
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Writes a mosquitto password file with one user, using `mosquitto_passwd -c -b`.
    /// - Throws: ``MosquittoBrokerError`` when the tool is missing or fails.
    public static func writePasswordFile(at path: String, username: String, password: String) async throws {
        let tool = try findExecutable("mosquitto_passwd", in: ["/usr/bin", "/usr/local/bin"])
        let output = try await ChildProcess.start(URL(fileURLWithPath: tool), ["-c", "-b", path, username, password]).finish()
        guard output.status == 0 else {
            throw MosquittoBrokerError.toolFailed("mosquitto_passwd exited with status \(output.status)")
        }
    }

    // MARK: Process handling

    /// How long a start waits for the broker to accept connections: generous, as a loaded machine running every suite
    /// at once was seen to need more than 10 s.
    public static let startTimeout: Duration = .seconds(30)

    private func launch() async throws {
        let spawned = try spawn([executable, "-c", configPath], output: logPath)
        pid.withLock { $0 = spawned }

        let deadline = ContinuousClock.now + Self.startTimeout
        while ContinuousClock.now < deadline {
            guard isRunning else {
                throw MosquittoBrokerError.exitedEarly(log: self.log())
            }
            if canConnectToLoopback(port: port) {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        killProcess()
        throw MosquittoBrokerError.notReady(port: port, log: self.log())
    }

    /// Starts a process with stdout and stderr appended to `output`, with no blocked signals and default signal
    /// handlers. (Foundation's `Process` passes on the parent thread's signal mask, in which SIGTERM may be blocked:
    /// the broker would then ignore a graceful stop and lose its persistence to the SIGKILL.)
    private func spawn(_ arguments: [String], output: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], &actions, &attributes, &argv, environ)
        guard result == 0 else {
            throw MosquittoBrokerError.toolFailed("could not start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return child
    }

    private func killProcess() {
        pid.withLock { pid in
            guard let running = pid else { return }
            Glibc.kill(running, SIGKILL)
            var status: Int32 = 0
            while waitpid(running, &status, 0) == -1 && errno == EINTR {}
            pid = nil
        }
    }

    private static func findExecutable(_ name: String, in extraDirectories: [String]) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + extraDirectories
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw MosquittoBrokerError.executableNotFound(name)
    }
}

/// Why a test broker could not be used.
public enum MosquittoBrokerError: Error, CustomStringConvertible {
    /// The binary is not installed.
    case executableNotFound(String)
    /// The broker process exited during start-up; `log` is its output.
    case exitedEarly(log: String)
    /// The broker did not accept connections within ``MosquittoBroker/startTimeout``.
    case notReady(port: Int, log: String)
    /// A helper tool failed.
    case toolFailed(String)

    /// Says what went wrong and, for a missing binary, how to install it.
    public var description: String {
        switch self {
        case .executableNotFound(let name):
            "'\(name)' was not found in PATH, /usr/sbin or /usr/bin: install it with `apt-get install mosquitto`"
        case .exitedEarly(let log):
            "mosquitto exited during start-up:\n\(log)"
        case .notReady(let port, let log):
            "mosquitto did not accept connections on port \(port) within \(MosquittoBroker.startTimeout):\n\(log)"
        case .toolFailed(let message):
            message
        }
    }
}
