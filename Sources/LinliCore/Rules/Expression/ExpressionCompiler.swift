/// Type-checks an ``ExpressionSyntax`` tree against an ``ExpressionScope`` and lowers it to operands and formulas.
///
/// Every name is resolved here, once; what comes out holds the scope's read closures directly.
struct ExpressionCompiler<Context> {
    /// A checked, lowered expression of one static type.
    enum Typed {
        case number(ExpressionNumberOperand<Context>)
        case string(ExpressionStringOperand<Context>)
        case bool(ExpressionFormula<Context>)
        /// The `null` literal.
        case null
    }

    /// The fields the expression may use.
    let scope: ExpressionScope<Context>
    /// The whole source text, for error positions and messages.
    let source: [UInt8]
    /// The fields used so far, in order of first use.
    private(set) var fields: [String] = []

    /// Creates a compiler for expressions in `source`.
    init(scope: ExpressionScope<Context>, source: [UInt8]) {
        self.scope = scope
        self.source = source
    }

    /// Lowers a condition, which must be bool.
    mutating func condition(_ syntax: ExpressionSyntax) throws(ExpressionError) -> ExpressionFormula<Context> {
        let typed = try lower(syntax)
        guard case .bool(let formula) = typed else {
            throw error(at: syntax.offset, "expected a bool condition, found \(describe(typed, syntax))")
        }
        return formula
    }

    /// Type-checks and lowers any expression.
    mutating func lower(_ syntax: ExpressionSyntax) throws(ExpressionError) -> Typed {
        switch syntax.kind {
        case .number(let value):
            return .number(.constant(value))
        case .string(let value):
            return .string(.constant(value))
        case .bool(let value):
            return .bool(.constant(value))
        case .null:
            return .null
        case .field(let name):
            switch try reader(for: name, at: syntax.offset) {
            case .number(let read): return .number(.field(read))
            case .string(let read): return .string(.field(read))
            case .bool(let read): return .bool(.test(ExpressionAtom(test: .isTrue(read), isNegated: false)))
            }
        case .list:
            throw error(at: syntax.offset, "a list may only appear after 'in'")
        case .has(let argument):
            guard case .field(let name) = argument.kind else {
                throw error(at: argument.offset, "has() expects a field name, found '\(text(of: argument))'")
            }
            let reader = try reader(for: name, at: argument.offset)
            return .bool(.test(ExpressionAtom(test: .present(reader), isNegated: false)))
        case .not(let operand):
            let typed = try lower(operand)
            guard case .bool(let formula) = typed else {
                throw error(
                    at: operand.offset,
                    "'!' needs a bool operand: expected bool, found \(describe(typed, operand))"
                )
            }
            return .bool(formula.negated)
        case .negate(let operand):
            let typed = try lower(operand)
            guard case .number(let number) = typed else {
                throw error(
                    at: operand.offset,
                    "'-' needs a number operand: expected number, found \(describe(typed, operand))"
                )
            }
            return .number(number.negated)
        case .binary(let op, let left, let right):
            return try binary(op, left, right)
        }
    }

    private mutating func binary(
        _ op: ExpressionSyntax.BinaryOperator,
        _ left: ExpressionSyntax,
        _ right: ExpressionSyntax
    ) throws(ExpressionError) -> Typed {
        switch op {
        case .and, .or:
            let a = try logicalOperand(op, left)
            let b = try logicalOperand(op, right)
            return .bool(op == .and ? .and(a, b) : .or(a, b))
        case .in:
            return try membership(left, right)
        case .equal, .notEqual:
            return try equality(op, left, right)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let a = try orderingOperand(op, left)
            let b = try orderingOperand(op, right)
            let comparison: ExpressionAtom<Context>.Comparison =
                switch op {
                case .less: .less
                case .lessOrEqual: .lessOrEqual
                case .greater: .greater
                default: .greaterOrEqual
                }
            return .bool(.test(ExpressionAtom(test: .numbers(a, comparison, b), isNegated: false)))
        }
    }

    private mutating func logicalOperand(
        _ op: ExpressionSyntax.BinaryOperator,
        _ syntax: ExpressionSyntax
    ) throws(ExpressionError) -> ExpressionFormula<Context> {
        let typed = try lower(syntax)
        guard case .bool(let formula) = typed else {
            throw error(
                at: syntax.offset,
                "'\(op)' needs bool operands: expected bool, found \(describe(typed, syntax))"
            )
        }
        return formula
    }

    private mutating func orderingOperand(
        _ op: ExpressionSyntax.BinaryOperator,
        _ syntax: ExpressionSyntax
    ) throws(ExpressionError) -> ExpressionNumberOperand<Context> {
        let typed = try lower(syntax)
        guard case .number(let number) = typed else {
            throw error(
                at: syntax.offset,
                "'\(op)' compares numbers only: expected a number, found \(describe(typed, syntax))"
            )
        }
        return number
    }

    private mutating func equality(
        _ op: ExpressionSyntax.BinaryOperator,
        _ left: ExpressionSyntax,
        _ right: ExpressionSyntax
    ) throws(ExpressionError) -> Typed {
        let isNotEqual = op == .notEqual
        let a = try lower(left)
        let b = try lower(right)
        switch (a, b) {
        case (.null, .null):
            return .bool(.constant(!isNotEqual))
        case (.null, let other):
            return .bool(try nullCheck(other, right, isNotEqual: isNotEqual))
        case (let other, .null):
            return .bool(try nullCheck(other, left, isNotEqual: isNotEqual))
        case (.number(let x), .number(let y)):
            return .bool(.test(ExpressionAtom(test: .numbers(x, .equal, y), isNegated: isNotEqual)))
        case (.string(let x), .string(let y)):
            return .bool(.test(ExpressionAtom(test: .strings(x, y), isNegated: isNotEqual)))
        case (.bool(let x), .bool(let y)):
            let equal = ExpressionFormula.equal(x, y)
            return .bool(isNotEqual ? equal.negated : equal)
        default:
            throw error(
                at: right.offset,
                "cannot compare \(typeName(a)) with \(typeName(b)): expected a \(typeName(a)) after '\(op)', "
                    + "found \(describe(b, right))"
            )
        }
    }

    /// `operand == null` (or `!=`): true when a field is absent. Only fields (and constants) can be checked.
    private func nullCheck(
        _ operand: Typed,
        _ syntax: ExpressionSyntax,
        isNotEqual: Bool
    ) throws(ExpressionError) -> ExpressionFormula<Context> {
        let reader: ExpressionFieldReader<Context>
        switch operand {
        case .null:
            return .constant(!isNotEqual)
        case .number(.constant), .string(.constant), .bool(.constant):
            return .constant(isNotEqual)
        case .number(.field(let read)), .number(.negatedField(let read)):
            reader = .number(read)
        case .string(.field(let read)):
            reader = .string(read)
        case .bool(.atom(let atom)) where !atom.isNegated && atom.isFieldRead:
            guard case .isTrue(let read) = atom.test else { preconditionFailure("isFieldRead checked the test") }
            reader = .bool(read)
        default:
            throw error(
                at: syntax.offset,
                "null can only be compared with a field, found \(describe(operand, syntax))"
            )
        }
        return .test(ExpressionAtom(test: .present(reader), isNegated: !isNotEqual))
    }

    private mutating func membership(
        _ left: ExpressionSyntax,
        _ right: ExpressionSyntax
    ) throws(ExpressionError) -> Typed {
        let value = try lower(left)
        guard case .list(let elements) = right.kind else {
            let typed = try lower(right)
            throw error(at: right.offset, "expected a list after 'in', found \(describe(typed, right))")
        }
        if case .null = value {
            throw error(at: left.offset, "expected a number, string or bool before 'in', found null")
        }
        guard !elements.isEmpty else {
            throw error(at: right.offset, "empty list after 'in': add at least one value")
        }
        var numbers: [Double] = []
        var strings: [String] = []
        var bools: [Bool] = []
        for element in elements {
            switch (value, element.kind) {
            case (.number, .number(let number)): numbers.append(number)
            case (.string, .string(let string)): strings.append(string)
            case (.bool, .bool(let bool)): bools.append(bool)
            case (_, .number), (_, .string), (_, .bool), (_, .null):
                let found = try lower(element)
                throw error(
                    at: element.offset,
                    "expected \(typeName(value)) elements in the list (the left side of 'in' is a \(typeName(value))), "
                        + "found \(describe(found, element))"
                )
            default:
                throw error(
                    at: element.offset,
                    "list elements must be literal values, found '\(text(of: element))'"
                )
            }
        }
        switch value {
        case .number(let operand):
            return .bool(.test(ExpressionAtom(test: .numberIn(operand, numbers), isNegated: false)))
        case .string(let operand):
            return .bool(.test(ExpressionAtom(test: .stringIn(operand, strings), isNegated: false)))
        case .bool(let formula):
            var result = ExpressionFormula<Context>.constant(false)
            for bool in bools { result = .or(result, .equal(formula, .constant(bool))) }
            return .bool(result)
        case .null:
            preconditionFailure("null was rejected above")
        }
    }

    /// Resolves a name, recording it, or fails with near names.
    private mutating func reader(
        for name: String,
        at offset: Int
    ) throws(ExpressionError) -> ExpressionFieldReader<Context> {
        guard let reader = scope.reader(for: name) else {
            let near = scope.names(near: name)
            var message = "unknown field '\(name)'"
            if let last = near.last {
                let list = near.count == 1 ? last : near.dropLast().joined(separator: ", ") + " or " + last
                message += " (did you mean \(list)?)"
            }
            throw error(at: offset, message)
        }
        if !fields.contains(name) { fields.append(name) }
        return reader
    }

    private func typeName(_ typed: Typed) -> String {
        switch typed {
        case .number: "number"
        case .string: "string"
        case .bool: "bool"
        case .null: "null"
        }
    }

    /// A checked operand as messages name it: `string '"full"'`, `number 'data.fill_pct'`, `null`.
    private func describe(_ typed: Typed, _ syntax: ExpressionSyntax) -> String {
        if case .null = typed { return "null" }
        return "\(typeName(typed)) '\(text(of: syntax))'"
    }

    /// The source text of a node, shortened when long.
    private func text(of syntax: ExpressionSyntax) -> String {
        var end = min(syntax.end, syntax.offset + 40)
        while end < syntax.end, source[end] & 0b1100_0000 == 0b1000_0000 { end -= 1 }
        var text = String(decoding: source[syntax.offset..<end], as: UTF8.self)
        if end < syntax.end { text += "…" }
        return text
    }

    private func error(at offset: Int, _ message: String) -> ExpressionError {
        ExpressionError(offset: offset, in: source, message: message)
    }
}
