import Foundation

/// Runs other programs: `mosquitto_sub`, the Python peer, `linli replay`.
enum Subprocess {
    /// Runs `executable` with `arguments` to completion, standard output and error to files; returns the exit
    /// status.
    static func run(_ executable: String, _ arguments: [String], stdout: String, stderr: String) throws -> Int32 {
        let process = try start(executable, arguments, stdout: stdout, stderr: stderr)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// ``run(_:_:stdout:stderr:)``, also returning the program's peak resident memory in KiB (its `VmHWM`, read every
    /// 10 ms while it runs: the last reading before it exits).
    static func runWatchingMemory(
        _ executable: String,
        _ arguments: [String],
        stdout: String,
        stderr: String
    ) throws -> (status: Int32, peakKB: Int) {
        let process = try start(executable, arguments, stdout: stdout, stderr: stderr)
        let pid = "\(process.processIdentifier)"
        var peak = 0
        while process.isRunning {
            peak = max(peak, Machine.status("VmHWM", process: pid) ?? 0)
            usleep(10_000)
        }
        process.waitUntilExit()
        return (process.terminationStatus, peak)
    }

    /// Starts `executable` (a path, or a name looked up on `PATH`), its standard input from `stdin` (nothing when
    /// `nil`).
    static func start(
        _ executable: String,
        _ arguments: [String],
        stdout: String,
        stderr: String,
        stdin: Pipe? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(executable))
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: stdout)
        process.standardError = FileHandle(forWritingAtPath: stderr)
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The path of a program: as given when it contains `/`, else the first match on `PATH`.
    static func locate(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BenchError("\(name) is not installed (scripts/setup installs it)")
    }
}
