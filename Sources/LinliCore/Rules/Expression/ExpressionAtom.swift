/// One test of a compiled condition: a comparison, an `in`, a bool field or a null check, possibly negated.
///
/// An atom's value is three-valued: true, false, or unknown when an operand it compares is null. Its compiled
/// ``predicate`` answers "is it definitely true (after negation)?", so unknown never holds, negated or not.
/// ``ExpressionFormula`` pushes every `!` down to atoms, which makes this answer exact for the whole condition.
struct ExpressionAtom<Context>: Sendable {
    /// An ordering or equality between numbers.
    enum Comparison: Sendable {
        case equal, less, lessOrEqual, greater, greaterOrEqual

        /// The comparison with its operands swapped: `a < b` is `b > a`.
        var swapped: Self {
            switch self {
            case .equal: .equal
            case .less: .greater
            case .lessOrEqual: .greaterOrEqual
            case .greater: .less
            case .greaterOrEqual: .lessOrEqual
            }
        }

        /// Applies the comparison.
        @inline(__always)
        func callAsFunction(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .equal: a == b
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            }
        }
    }

    /// What the atom tests.
    enum Test: Sendable {
        /// `left op right` on numbers.
        case numbers(ExpressionNumberOperand<Context>, Comparison, ExpressionNumberOperand<Context>)
        /// `left == right` on strings.
        case strings(ExpressionStringOperand<Context>, ExpressionStringOperand<Context>)
        /// `value in [numbers]`.
        case numberIn(ExpressionNumberOperand<Context>, [Double])
        /// `value in [strings]`.
        case stringIn(ExpressionStringOperand<Context>, [String])
        /// A bool field is true.
        case isTrue(@Sendable (Context) -> Bool?)
        /// A field is not null (`has(x)`, `x != null`); never unknown.
        case present(ExpressionFieldReader<Context>)
    }

    /// What the atom tests.
    var test: Test
    /// Whether the atom's definite result is inverted (unknown stays unknown).
    var isNegated: Bool

    /// The atom with its definite result inverted.
    var negated: Self { Self(test: test, isNegated: !isNegated) }

    /// Whether the atom only reads a bool field (`resident.living_alone`), ignoring negation.
    var isFieldRead: Bool {
        if case .isTrue = test { return true }
        return false
    }

    /// The atom's value when it reads no field (`1 == 1.0`, `'a' in ['a']`), folded at compile time.
    var constantValue: Bool? {
        let value: Bool
        switch test {
        case .numbers(.constant(let a), let comparison, .constant(let b)): value = comparison(a, b)
        case .strings(.constant(let a), .constant(let b)): value = a == b
        case .numberIn(.constant(let a), let list): value = list.contains(a)
        case .stringIn(.constant(let a), let list): value = list.contains(a)
        default: return nil
        }
        return value != isNegated
    }

    /// Compiles the atom to one closure answering "definitely true?", specialised for its common shapes.
    ///
    /// Operands are normalised first so that most atoms become `field op constant`: a constant moves to the
    /// right (`90 <= x` is `x >= 90`) and a negated field moves its minus to the constant (`-x < 5` is
    /// `x > -5`; `-x in [1]` is `x in [-1]`). Both rewrites are exact for every `Double`.
    func makePredicate() -> @Sendable (Context) -> Bool {
        let negated = isNegated
        if let constant = constantValue {
            return { _ in constant }
        }
        switch test {
        case .numbers(let left, let comparison, let right):
            return Self.numbers(left, comparison, right, negated: negated)
        case .strings(.field(let read), .constant(let constant)), .strings(.constant(let constant), .field(let read)):
            return { context in
                guard let value = read(context) else { return false }
                return (value == constant) != negated
            }
        case .strings(let left, let right):
            return { context in
                guard let a = left.value(context), let b = right.value(context) else { return false }
                return (a == b) != negated
            }
        case .numberIn(let operand, let list):
            let read: @Sendable (Context) -> Double?
            var list = list
            switch operand {
            case .field(let field): read = field
            case .negatedField(let field):
                read = field
                list = list.map { -$0 }
            case .constant: preconditionFailure("constant atoms were folded above")
            }
            let values = list
            return { context in
                guard let value = read(context) else { return false }
                return values.contains(value) != negated
            }
        case .stringIn(let operand, let list):
            return { context in
                guard let value = operand.value(context) else { return false }
                return list.contains(value) != negated
            }
        case .isTrue(let read):
            let wanted = !negated
            return { context in read(context) == wanted }
        case .present(.number(let read)):
            return { context in (read(context) != nil) != negated }
        case .present(.string(let read)):
            return { context in (read(context) != nil) != negated }
        case .present(.bool(let read)):
            return { context in (read(context) != nil) != negated }
        }
    }

    /// A number comparison as a closure; `field op constant` gets one closure per operator.
    private static func numbers(
        _ left: ExpressionNumberOperand<Context>,
        _ comparison: Comparison,
        _ right: ExpressionNumberOperand<Context>,
        negated: Bool
    ) -> @Sendable (Context) -> Bool {
        var left = left
        var right = right
        var comparison = comparison
        if case .constant = left {
            swap(&left, &right)
            comparison = comparison.swapped
        }
        if case .negatedField(let read) = left, case .constant(let constant) = right {
            left = .field(read)
            right = .constant(-constant)
            comparison = comparison.swapped
        }
        guard case .field(let read) = left, case .constant(let c) = right else {
            return { [left, right, comparison] context in
                guard let a = left.value(context), let b = right.value(context) else { return false }
                return comparison(a, b) != negated
            }
        }
        switch comparison {
        case .equal:
            return { context in
                guard let a = read(context) else { return false }
                return (a == c) != negated
            }
        case .less:
            return { context in
                guard let a = read(context) else { return false }
                return (a < c) != negated
            }
        case .lessOrEqual:
            return { context in
                guard let a = read(context) else { return false }
                return (a <= c) != negated
            }
        case .greater:
            return { context in
                guard let a = read(context) else { return false }
                return (a > c) != negated
            }
        case .greaterOrEqual:
            return { context in
                guard let a = read(context) else { return false }
                return (a >= c) != negated
            }
        }
    }
}
