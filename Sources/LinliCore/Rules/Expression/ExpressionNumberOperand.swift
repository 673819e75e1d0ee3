/// A number-typed operand after compilation: a constant or a field, possibly negated.
///
/// The language has no arithmetic besides unary minus, so every number expression is one of these.
enum ExpressionNumberOperand<Context>: Sendable {
    /// A literal (unary minus already applied).
    case constant(Double)
    /// A field read; `nil` is null.
    case field(@Sendable (Context) -> Double?)
    /// The negation of a field read; null stays null.
    case negatedField(@Sendable (Context) -> Double?)

    /// The operand's value for a context, or `nil` for null.
    @inline(__always)
    func value(_ context: Context) -> Double? {
        switch self {
        case .constant(let value): value
        case .field(let read): read(context)
        case .negatedField(let read): read(context).map { -$0 }
        }
    }

    /// `-self`.
    var negated: Self {
        switch self {
        case .constant(let value): .constant(-value)
        case .field(let read): .negatedField(read)
        case .negatedField(let read): .field(read)
        }
    }
}
