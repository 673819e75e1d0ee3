/// A type-checked bool expression in negation normal form: atoms combined by and/or, `!` only on atoms.
///
/// Null makes an atom unknown, and `&&`, `||` and `!` follow three-valued (Kleene) logic, like CEL's
/// handling of missing values: `false && x` is false and `true || x` is true whatever `x` is. A condition holds
/// only when its value is definitely true. Because and/or are min/max on false < unknown < true and "is it
/// true?" preserves min and max, once `!` is pushed down to atoms the program may answer "is it true?" per atom
/// and still be exact: this is what lets ``ExpressionProgram`` branch on two outcomes instead of three.
indirect enum ExpressionFormula<Context>: Sendable {
    /// A constant.
    case constant(Bool)
    /// One test.
    case atom(ExpressionAtom<Context>)
    /// All parts hold (`&&`), in order; at least two parts.
    case all([ExpressionFormula])
    /// Any part holds (`||`), in order; at least two parts.
    case any([ExpressionFormula])

    /// An atom, or its value when it reads no field (`1 == 1.0`).
    static func test(_ atom: ExpressionAtom<Context>) -> Self {
        if let value = atom.constantValue { return .constant(value) }
        return .atom(atom)
    }

    /// `!self`, with the negation pushed down to the atoms (De Morgan).
    var negated: Self {
        switch self {
        case .constant(let value): .constant(!value)
        case .atom(let atom): .atom(atom.negated)
        case .all(let parts): .any(parts.map(\.negated))
        case .any(let parts): .all(parts.map(\.negated))
        }
    }

    /// `left && right`, folding constants and flattening nested ands.
    static func and(_ left: Self, _ right: Self) -> Self {
        switch (left, right) {
        case (.constant(false), _): return .constant(false)
        case (.constant(true), _): return right
        case (_, .constant(true)): return left
        // `x && false` is false even when x is unknown (Kleene), so x need not be evaluated.
        case (_, .constant(false)): return .constant(false)
        default: return .all(left.conjuncts + right.conjuncts)
        }
    }

    /// `left || right`, folding constants and flattening nested ors.
    static func or(_ left: Self, _ right: Self) -> Self {
        switch (left, right) {
        case (.constant(true), _): return .constant(true)
        case (.constant(false), _): return right
        case (_, .constant(false)): return left
        case (_, .constant(true)): return .constant(true)
        default: return .any(left.disjuncts + right.disjuncts)
        }
    }

    /// `left == right` on bools: `(l && r) || (!l && !r)`, unknown when either side is unknown.
    static func equal(_ left: Self, _ right: Self) -> Self {
        or(and(left, right), and(left.negated, right.negated))
    }

    private var conjuncts: [Self] {
        if case .all(let parts) = self { return parts }
        return [self]
    }

    private var disjuncts: [Self] {
        if case .any(let parts) = self { return parts }
        return [self]
    }
}
