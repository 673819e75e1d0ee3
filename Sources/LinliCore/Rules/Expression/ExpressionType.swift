/// The static type of an expression field, checked when an expression is compiled.
///
/// Every field may also be null at run time (an optional field that is absent); see ``Condition``
/// for what null does to each operator.
public enum ExpressionType: Sendable, Hashable, CustomStringConvertible {
    /// A `Double`.
    case number
    /// A `String`.
    case string
    /// A `Bool`.
    case bool

    /// The type's name as error messages spell it: `number`, `string` or `bool`.
    public var description: String {
        switch self {
        case .number: "number"
        case .string: "string"
        case .bool: "bool"
        }
    }
}
