import Foundation
import TestSupport

/// Debian's chromium, headless, for the browser check.
struct Chromium {
    let executable: String

    /// Finds the browser.
    /// - Throws: when it is not installed, saying how to install it (never a silent skip).
    static func find() throws -> Chromium {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return Chromium(executable: path)
        }
        throw TestServerError(
            "chromium is not installed: run scripts/setup, or `sudo apt-get install chromium` on Debian"
        )
    }

    /// Loads `url`, runs its scripts for `budget` of virtual time, and returns the DOM as HTML.
    func dumpDOM(_ url: String, in directory: TemporaryDirectory, budget: Int = 3000) async throws -> String {
        try await run(["--virtual-time-budget=\(budget)", "--dump-dom", url], in: directory)
    }

    /// Saves a screenshot of `url` at `width`×`height` to `path`.
    func screenshot(
        _ url: String,
        to path: String,
        width: Int,
        height: Int,
        in directory: TemporaryDirectory
    ) async throws {
        _ = try await run(
            ["--virtual-time-budget=2000", "--window-size=\(width),\(height)", "--screenshot=\(path)", url],
            in: directory
        )
    }

    private func run(_ arguments: [String], in directory: TemporaryDirectory) async throws -> String {
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--hide-scrollbars", "--user-data-dir=\(directory.file("chromium-profile"))",
        ]
        let output = try await ChildProcess.start(
            URL(fileURLWithPath: executable),
            flags + arguments,
            directory: URL(fileURLWithPath: directory.path)
        ).finish()
        guard output.status == 0 else {
            throw TestServerError("chromium exited with \(output.status): \(output.stderr.suffix(2000))")
        }
        return output.stdout
    }
}
