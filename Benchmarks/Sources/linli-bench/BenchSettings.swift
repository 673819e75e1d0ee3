import Foundation
import LinliCore
import LinliDaemon

/// What a run measures and at what scale, shared by every benchmark.
struct BenchSettings: Sendable {
    /// Devices and residents of the scaled registry.
    var devices = 100_000
    var residents = 10_000
    /// Messages in the replay capture file.
    var replayEvents = 1_200_000
    /// Messages per engine pass.
    var engineMessages = 300_000
    /// Messages queued at the broker for each drain.
    var ingestMessages = 300_000
    /// Messages queued for the Python peer's drains.
    var peerMessages = 100_000
    /// Publish rate and length of the latency run.
    var latencyRate = 5_000.0
    var latencySeconds = 15.0
    /// Hours of simulated traffic before memory is read.
    var memoryHours = 24.0
    /// The rules directory (the catalogue).
    var rulesDirectory = "Config/rules"
    /// Scratch directory for capture files, stores and site files.
    var work = ""
    /// The `linli` binary, to time `linli replay` itself; `nil` skips that figure.
    var linliBinary: String?
    /// The Python peer script and interpreter; `nil` skips the peer.
    var peerScript: String?
    var python = "python3"

    /// The catalogue, loaded.
    func loadRules() throws -> RuleSet {
        try ConfigurationFiles.loadRules(from: rulesDirectory)
    }

    /// Progress, on standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data(("bench: " + text + "\n").utf8))
    }
}
