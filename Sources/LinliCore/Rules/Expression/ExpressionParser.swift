/// Parses expression source text into an ``ExpressionSyntax`` tree by recursive descent with CEL precedence.
///
/// Precedence, lowest first: `||`; `&&`; the relations `== != < <= > >= in` (one level, left-associative,
/// as in CEL); unary `!` and `-`; primaries. The grammar is documented on ``Condition``.
struct ExpressionParser {
    /// The deepest tree accepted, so that pathological input cannot exhaust the stack.
    static let maximumHeight = 200

    private var lexer: ExpressionLexer
    private var current: ExpressionToken
    /// How many unary operators, parentheses, brackets and calls enclose the current token.
    private var nesting = 0

    private init(source: [UInt8], range: Range<Int>) throws(ExpressionError) {
        self.lexer = ExpressionLexer(source: source, range: range)
        self.current = try lexer.next()
    }

    /// Parses `source[range]` as one whole expression.
    /// - Throws: ``ExpressionError`` for an empty expression, a bad token, a missing `)` or trailing input.
    static func parse(_ source: [UInt8], range: Range<Int>) throws(ExpressionError) -> ExpressionSyntax {
        var parser = try ExpressionParser(source: source, range: range)
        if parser.current.kind == .end {
            throw parser.error(at: range.lowerBound, "empty expression")
        }
        let syntax = try parser.parseOr()
        if parser.current.kind != .end {
            var message = "unexpected \(parser.describe(parser.current)) after the end of the expression"
            if case .identifier(let word) = parser.current.kind {
                switch word {
                case "and", "AND": message += " (did you mean '&&'?)"
                case "or", "OR": message += " (did you mean '||'?)"
                default: break
                }
            }
            throw parser.error(at: parser.current.offset, message)
        }
        return syntax
    }

    private mutating func advance() throws(ExpressionError) {
        current = try lexer.next()
    }

    private mutating func parseOr() throws(ExpressionError) -> ExpressionSyntax {
        var left = try parseAnd()
        while current.kind == .or {
            try advance()
            left = try binary(.or, left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> ExpressionSyntax {
        var left = try parseRelation()
        while current.kind == .and {
            try advance()
            left = try binary(.and, left, try parseRelation())
        }
        return left
    }

    private mutating func parseRelation() throws(ExpressionError) -> ExpressionSyntax {
        var left = try parseUnary()
        while let op = relation(current.kind) {
            try advance()
            left = try binary(op, left, try parseUnary())
        }
        return left
    }

    private func relation(_ kind: ExpressionToken.Kind) -> ExpressionSyntax.BinaryOperator? {
        switch kind {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        case .inKeyword: .in
        default: nil
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> ExpressionSyntax {
        let start = current.offset
        switch current.kind {
        case .not, .minus, .leftParenthesis, .leftBracket:
            // Checked on the way down, so deep input fails before it can exhaust the stack.
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= Self.maximumHeight else { throw tooDeep(at: start) }
            return try parseNestedUnary()
        default:
            return try parsePrimary()
        }
    }

    private mutating func parseNestedUnary() throws(ExpressionError) -> ExpressionSyntax {
        let start = current.offset
        switch current.kind {
        case .not:
            try advance()
            let operand = try parseUnary()
            return try node(.not(operand), start, operand.end, height: operand.height + 1)
        case .minus:
            try advance()
            let operand = try parseUnary()
            if case .number(let value) = operand.kind {
                return ExpressionSyntax(kind: .number(-value), offset: start, end: operand.end)
            }
            return try node(.negate(operand), start, operand.end, height: operand.height + 1)
        default:
            return try parsePrimary()
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> ExpressionSyntax {
        let token = current
        switch token.kind {
        case .number(let value):
            try advance()
            return ExpressionSyntax(kind: .number(value), offset: token.offset, end: token.end)
        case .string(let value):
            try advance()
            return ExpressionSyntax(kind: .string(value), offset: token.offset, end: token.end)
        case .trueKeyword, .falseKeyword:
            try advance()
            return ExpressionSyntax(kind: .bool(token.kind == .trueKeyword), offset: token.offset, end: token.end)
        case .nullKeyword:
            try advance()
            return ExpressionSyntax(kind: .null, offset: token.offset, end: token.end)
        case .identifier(let name):
            try advance()
            guard current.kind == .leftParenthesis else {
                return ExpressionSyntax(kind: .field(name), offset: token.offset, end: token.end)
            }
            guard name == "has" else {
                throw error(at: token.offset, "unknown function '\(name)' (only has() is supported)")
            }
            let open = current
            try advance()
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= Self.maximumHeight else { throw tooDeep(at: token.offset) }
            let argument = try parseOr()
            let close = try expectClosing(.rightParenthesis, ")", opening: open)
            return try node(.has(argument), token.offset, close, height: argument.height + 1)
        case .leftParenthesis:
            try advance()
            var inner = try parseOr()
            let close = try expectClosing(.rightParenthesis, ")", opening: token)
            inner.offset = token.offset
            inner.end = close
            inner.height += 1
            return inner
        case .leftBracket:
            try advance()
            var elements: [ExpressionSyntax] = []
            var height = 1
            while current.kind != .rightBracket {
                let element = try parseOr()
                elements.append(element)
                height = max(height, element.height + 1)
                guard current.kind == .comma else { break }
                try advance()
            }
            let close = try expectClosing(.rightBracket, "]", opening: token)
            return try node(.list(elements), token.offset, close, height: height)
        case .end:
            throw error(at: token.offset, "expected an expression, found end of input")
        default:
            throw error(at: token.offset, "expected an expression, found \(describe(token))")
        }
    }

    /// Consumes a closing `)` or `]`, returning the offset just past it.
    private mutating func expectClosing(
        _ kind: ExpressionToken.Kind,
        _ text: String,
        opening: ExpressionToken
    ) throws(ExpressionError) -> Int {
        guard current.kind == kind else {
            let openText = text == ")" ? "(" : "["
            let (line, column) = ExpressionError.lineAndColumn(of: opening.offset, in: lexer.source)
            let place = line == 1 ? "column \(column)" : "line \(line), column \(column)"
            throw error(
                at: current.offset,
                "missing '\(text)' to close the '\(openText)' at \(place): expected '\(text)', found \(describe(current))"
            )
        }
        let end = current.end
        try advance()
        return end
    }

    private func binary(
        _ op: ExpressionSyntax.BinaryOperator,
        _ left: ExpressionSyntax,
        _ right: ExpressionSyntax
    ) throws(ExpressionError) -> ExpressionSyntax {
        try node(.binary(op, left, right), left.offset, right.end, height: max(left.height, right.height) + 1)
    }

    private func node(
        _ kind: ExpressionSyntax.Kind,
        _ offset: Int,
        _ end: Int,
        height: Int
    ) throws(ExpressionError) -> ExpressionSyntax {
        guard height <= Self.maximumHeight else { throw tooDeep(at: offset) }
        return ExpressionSyntax(kind: kind, offset: offset, end: end, height: height)
    }

    /// A token as messages name it: `'data.x'`, `')'`, `end of input`.
    private func describe(_ token: ExpressionToken) -> String {
        if token.kind == .end { return "end of input" }
        return "'" + String(decoding: lexer.source[token.offset..<token.end], as: UTF8.self) + "'"
    }

    private func tooDeep(at offset: Int) -> ExpressionError {
        error(at: offset, "expression is nested too deeply (more than \(Self.maximumHeight) levels)")
    }

    private func error(at offset: Int, _ message: String) -> ExpressionError {
        ExpressionError(offset: offset, in: lexer.source, message: message)
    }
}
