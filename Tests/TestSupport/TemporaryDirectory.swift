import Foundation

/// A fresh, uniquely named directory under the system temporary directory, for one test's files.
///
/// Call ``remove()`` when done (``MosquittoBroker`` removes its own on `deinit`).
public struct TemporaryDirectory: Sendable {
    /// The absolute path of the directory (no trailing slash).
    public let path: String

    /// Creates the directory.
    /// - Parameter prefix: The start of the directory name, to recognise it in `/tmp`.
    /// - Throws: A Foundation error when the directory cannot be created.
    public init(prefix: String = "linli-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        let path = "\(base)/\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Deletes the directory and everything in it; ignores a directory that is already gone.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
