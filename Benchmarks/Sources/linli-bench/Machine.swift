import Dispatch
import Foundation
import LinliCore

#if canImport(Glibc)
import Glibc
#endif

/// What the figures were measured on, and process clocks the benchmarks read.
enum Machine {
    /// `AMD EPYC, 2 cores`.
    static var summary: String {
        "\(cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }

    /// The first `model name` of `/proc/cpuinfo`.
    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown CPU"
    }

    /// Writes out what earlier benchmarks left dirty in the page cache, so its write-back does not slow the
    /// syncs of the next one (the latency run after a replay's 500 MB of files measured the disk, not Linli).
    static func settle() {
        sync()
    }

    /// The load average over the last minute when the run started (other work on the machine skews figures).
    static var loadAverage: Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : 0
    }

    /// The machine as a JSON object.
    static var json: JSONValue {
        var object = JSONObject()
        object["cpu"] = .string(cpuModel)
        object["cores"] = .number(Double(ProcessInfo.processInfo.activeProcessorCount))
        object["memory_gib"] = .number(Double(ProcessInfo.processInfo.physicalMemory >> 30))
        object["load_average"] = .number((loadAverage * 100).rounded() / 100)
        return .object(object)
    }

    /// CPU time (user + system) this process has used so far, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// A field of `/proc/{process}/status` in kB (`VmHWM`, `VmRSS`), this process's by default.
    static func status(_ field: String, process: String = "self") -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return number.flatMap { Int($0) }
        }
        return nil
    }

    /// Monotonic nanoseconds.
    static func nanoseconds() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }
}
