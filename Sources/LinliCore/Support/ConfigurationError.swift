/// One problem in a configuration file (rules, site registry): where it is and what is wrong.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file name as given to the loader.
    public var file: String
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    /// What is wrong, naming the key or value.
    public var message: String

    /// Creates an issue.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in a set of configuration files; loaders report all of them, not just the first.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in file order.
    public var issues: [ConfigurationIssue]

    /// Creates an error from its issues.
    public init(issues: [ConfigurationIssue]) {
        self.issues = issues
    }

    /// One issue a line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
