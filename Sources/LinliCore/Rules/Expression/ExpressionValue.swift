/// A value an expression field reads at run time: a number, a string, a bool, or null (absent).
///
/// Used by ``ExpressionScope/define(_:type:read:)``, the general way to expose a field. The typed
/// overloads (`define(_:number:)`, `define(_:string:)`, `define(_:bool:)`) avoid building this enum per read.
public enum ExpressionValue: Sendable, Hashable, CustomStringConvertible {
    /// A number; every number in the language is a `Double`.
    case number(Double)
    /// A string.
    case string(String)
    /// A bool.
    case bool(Bool)
    /// No value: the field is absent or was sent as null.
    case null

    /// The value as a template renders it, except that null reads `null` here.
    ///
    /// Integral numbers print without a fractional part (`92`, not `92.0`); other numbers print in the
    /// shortest form that reads back to the same `Double` (`0.85`).
    public var description: String {
        switch self {
        case .number(let value): Self.text(for: value)
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// Formats a number as templates render it: `92` for 92.0, `-40` for -40.0, `0.85` for 0.85.
    static func text(for number: Double) -> String {
        // Int64(_:) truncates; the magnitude check keeps it in range and rejects NaN and infinity.
        if number.magnitude < 1e15, Double(Int64(number)) == number {
            return String(Int64(number))
        }
        return String(number)
    }
}
