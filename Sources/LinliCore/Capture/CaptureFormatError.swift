/// A capture line that cannot be read: which line, and what is wrong with it.
public struct CaptureFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number in the file (0 when decoding a single line).
    public var line: Int
    /// What is wrong, naming the field.
    public var message: String

    /// Creates an error.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// `line 3: missing "topic"`.
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}
