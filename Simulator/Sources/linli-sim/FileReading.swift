import Foundation

/// Reading whole files, with errors that name the file.
enum FileReading {
    /// The file's bytes.
    static func bytes(at path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulatorError("cannot read the \(what) '\(path)'")
        }
        return [UInt8](data)
    }

    /// The file's text, which must be UTF-8.
    static func text(at path: String, what: String) throws -> String {
        guard let text = String(validating: try bytes(at: path, what: what), as: UTF8.self) else {
            throw SimulatorError("the \(what) '\(path)' is not UTF-8 text")
        }
        return text
    }
}
