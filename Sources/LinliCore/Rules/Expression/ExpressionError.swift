/// A problem found while compiling a ``Condition`` or a ``Template``, with its exact position in the source text.
///
/// Positions are relative to the expression or template text that was compiled: add the text's own
/// position in its file to report `file:line:column`. Expressions never fail at run time.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 0-based UTF-8 byte offset of the problem in the source text.
    public var offset: Int
    /// The 1-based line of the problem in the source text.
    public var line: Int
    /// The 1-based column of the problem within its line, counted in Unicode scalars (as YAML marks count).
    public var column: Int
    /// What was expected and what was found, e.g. `unknown field 'data.fill' (did you mean data.fill_pct?)`.
    public var message: String

    /// Creates an error at an explicit position.
    /// - Parameters:
    ///   - offset: 0-based UTF-8 byte offset.
    ///   - line: 1-based line.
    ///   - column: 1-based column in Unicode scalars.
    ///   - message: What was expected and what was found.
    public init(offset: Int, line: Int, column: Int, message: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    /// Creates an error at a byte offset of `source`, computing its line and column.
    init(offset: Int, in source: [UInt8], message: String) {
        let (line, column) = Self.lineAndColumn(of: offset, in: source)
        self.init(offset: offset, line: line, column: column, message: message)
    }

    /// `line:column: message`.
    public var description: String { "\(line):\(column): \(message)" }

    /// The 1-based line and column (in Unicode scalars) of a UTF-8 byte offset.
    static func lineAndColumn(of offset: Int, in source: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in source[..<min(offset, source.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0b1100_0000 != 0b1000_0000 {
                column += 1
            }
        }
        return (line, column)
    }
}
