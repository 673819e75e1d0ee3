/// One token of expression source text, with its byte range for error positions.
struct ExpressionToken: Sendable, Equatable {
    /// What the token is.
    enum Kind: Sendable, Equatable {
        /// A number literal.
        case number(Double)
        /// A string literal, escapes resolved.
        case string(String)
        /// A dotted identifier such as `data.fill_pct`, or the function name `has`.
        case identifier(String)
        /// `true`.
        case trueKeyword
        /// `false`.
        case falseKeyword
        /// `null`.
        case nullKeyword
        /// `in`.
        case inKeyword
        /// `(`.
        case leftParenthesis
        /// `)`.
        case rightParenthesis
        /// `[`.
        case leftBracket
        /// `]`.
        case rightBracket
        /// `,`.
        case comma
        /// `!`.
        case not
        /// `-`.
        case minus
        /// `==`.
        case equal
        /// `!=`.
        case notEqual
        /// `<`.
        case less
        /// `<=`.
        case lessOrEqual
        /// `>`.
        case greater
        /// `>=`.
        case greaterOrEqual
        /// `&&`.
        case and
        /// `||`.
        case or
        /// The end of the expression text.
        case end
    }

    /// What the token is.
    var kind: Kind
    /// The UTF-8 byte offset of the token's first byte.
    var offset: Int
    /// The UTF-8 byte offset just past the token.
    var end: Int
}
