/// A string-typed operand after compilation: a constant or a field.
enum ExpressionStringOperand<Context>: Sendable {
    /// A literal.
    case constant(String)
    /// A field read; `nil` is null.
    case field(@Sendable (Context) -> String?)

    /// The operand's value for a context, or `nil` for null.
    @inline(__always)
    func value(_ context: Context) -> String? {
        switch self {
        case .constant(let value): value
        case .field(let read): read(context)
        }
    }
}
