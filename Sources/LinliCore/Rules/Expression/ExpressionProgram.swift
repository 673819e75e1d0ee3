/// A compiled bool expression as a flat branching program: an array of atoms, each with a jump for true and
/// one for false, run by a small loop.
///
/// `&&` and `||` become jumps (short-circuit), `!` was pushed into the atoms, so the loop needs no value stack
/// and allocates nothing. Jumps only go forward, so a run visits each atom at most once.
///
/// ```text
/// a >= 90 && (b == "x" || !c)      0: a >= 90    true → 1, false → reject
///                                  1: b == "x"   true → accept, false → 2
///                                  2: c (neg.)   true → accept, false → reject
/// ```
struct ExpressionProgram<Context>: Sendable {
    /// One atom's compiled test and where to go next.
    struct Instruction: Sendable {
        /// The atom's test: definitely true?
        var holds: @Sendable (Context) -> Bool
        /// The next instruction when the atom holds, or ``accept``/``reject``.
        var onTrue: Int32
        /// The next instruction when it does not, or ``accept``/``reject``.
        var onFalse: Int32
    }

    /// Jump target: the expression is true.
    static var accept: Int32 { -1 }
    /// Jump target: the expression is false or unknown.
    static var reject: Int32 { -2 }

    /// The atoms in evaluation order.
    private(set) var instructions: [Instruction] = []
    /// The first instruction, or ``accept``/``reject`` for a constant expression.
    private(set) var entry: Int32

    /// Compiles a formula; each atom of the formula becomes exactly one instruction.
    init(_ formula: ExpressionFormula<Context>) {
        entry = Self.reject
        entry = emit(formula, onTrue: Self.accept, onFalse: Self.reject)
        // Atoms were emitted last-evaluated first; reverse so that index order is evaluation order.
        let last = Int32(instructions.count - 1)
        func renumber(_ target: Int32) -> Int32 { target < 0 ? target : last - target }
        instructions = instructions.reversed().map { instruction in
            Instruction(
                holds: instruction.holds,
                onTrue: renumber(instruction.onTrue),
                onFalse: renumber(instruction.onFalse)
            )
        }
        entry = renumber(entry)
    }

    /// Whether the expression is definitely true for a context.
    ///
    /// `inout` only so that the context is passed by address: the atoms' closures take `Context` at the
    /// generic (indirect) abstraction, and handing them a by-value struct would copy it first. Not modified.
    @inline(__always)
    func run(_ context: inout Context) -> Bool {
        var next = entry
        while next >= 0 {
            let instruction = instructions[Int(next)]
            next = instruction.holds(context) ? instruction.onTrue : instruction.onFalse
        }
        return next == Self.accept
    }

    /// Emits `formula` so that it jumps to `onTrue` or `onFalse`; returns its entry.
    private mutating func emit(_ formula: ExpressionFormula<Context>, onTrue: Int32, onFalse: Int32) -> Int32 {
        switch formula {
        case .constant(let value):
            return value ? onTrue : onFalse
        case .atom(let atom):
            instructions.append(Instruction(holds: atom.makePredicate(), onTrue: onTrue, onFalse: onFalse))
            return Int32(instructions.count - 1)
        case .all(let parts):
            var next = onTrue
            for part in parts.reversed() { next = emit(part, onTrue: next, onFalse: onFalse) }
            return next
        case .any(let parts):
            var next = onFalse
            for part in parts.reversed() { next = emit(part, onTrue: onTrue, onFalse: next) }
            return next
        }
    }
}
