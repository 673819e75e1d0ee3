/// How a compiled expression reads one field from its context: a typed closure, so reads never box.
enum ExpressionFieldReader<Context>: Sendable {
    /// Reads a number field; `nil` is null.
    case number(@Sendable (Context) -> Double?)
    /// Reads a string field; `nil` is null.
    case string(@Sendable (Context) -> String?)
    /// Reads a bool field; `nil` is null.
    case bool(@Sendable (Context) -> Bool?)

    /// The field's static type.
    var type: ExpressionType {
        switch self {
        case .number: .number
        case .string: .string
        case .bool: .bool
        }
    }
}
