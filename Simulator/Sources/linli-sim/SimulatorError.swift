/// A failure the simulator reports to its user and exits non-zero for; the message says what to fix.
struct SimulatorError: Error, CustomStringConvertible {
    /// What went wrong, with file:line where there is one.
    var description: String

    /// Creates an error with its message.
    init(_ description: String) {
        self.description = description
    }
}
