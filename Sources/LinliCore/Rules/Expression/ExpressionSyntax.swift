/// A parsed, not yet type-checked expression: a tree with the source range of every node.
struct ExpressionSyntax: Sendable {
    /// A binary operator.
    enum BinaryOperator: Sendable, Equatable, CustomStringConvertible {
        case or, and, equal, notEqual, less, lessOrEqual, greater, greaterOrEqual, `in`

        /// The operator as written.
        var description: String {
            switch self {
            case .or: "||"
            case .and: "&&"
            case .equal: "=="
            case .notEqual: "!="
            case .less: "<"
            case .lessOrEqual: "<="
            case .greater: ">"
            case .greaterOrEqual: ">="
            case .in: "in"
            }
        }
    }

    /// What the node is.
    indirect enum Kind: Sendable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case null
        /// A dotted field name.
        case field(String)
        /// `[a, b, ...]`.
        case list([ExpressionSyntax])
        /// `has(x)`.
        case has(ExpressionSyntax)
        /// `!x`.
        case not(ExpressionSyntax)
        /// `-x`.
        case negate(ExpressionSyntax)
        /// `left op right`.
        case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax)
    }

    /// What the node is.
    var kind: Kind
    /// The UTF-8 byte offset where the node starts in the source text.
    var offset: Int
    /// The UTF-8 byte offset just past the node.
    var end: Int
    /// The depth of the tree below and including this node.
    var height: Int = 1
}
