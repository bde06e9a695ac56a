/// A condition after type checking: every attribute is resolved and every operator knows the
/// types it works on. ``PolicyCompiler`` turns it into a ``PolicyProgram``.
indirect enum CheckedExpression: Sendable, Hashable {
  case number(Double)
  case string(String)
  case boolean(Bool)
  /// A list literal and its element type (`nil` for `[]`).
  case list([CheckedExpression], element: PolicyType?)
  case attribute(PolicyAttribute)
  case not(CheckedExpression)
  case and(CheckedExpression, CheckedExpression)
  case or(CheckedExpression, CheckedExpression)
  /// `+ - * /` on two numbers.
  case arithmetic(Arithmetic, CheckedExpression, CheckedExpression)
  /// `< <= > >=` on two numbers.
  case order(Ordering, CheckedExpression, CheckedExpression)
  /// `==` (or `!=` when `negated`) on two values of `type`.
  case equal(CheckedExpression, CheckedExpression, type: PolicyType, negated: Bool)
  /// `starts_with` on two strings.
  case startsWith(CheckedExpression, CheckedExpression)
  /// A string `in` a set of strings.
  case inSet(CheckedExpression, CheckedExpression)
  /// A value `in` a list of values of its type.
  case inList(CheckedExpression, CheckedExpression)

  /// An arithmetic operator.
  enum Arithmetic: Sendable, Hashable {
    case add
    case subtract
    case multiply
    /// Division; by zero (including `0 / 0`) it fails.
    case divide
  }

  /// An ordering comparison of two numbers.
  enum Ordering: Sendable, Hashable {
    case less
    case lessEqual
    case greater
    case greaterEqual
  }
}

extension CheckedExpression {
  /// Whether the expression can divide by zero: it divides by something other than a nonzero
  /// number written in the rule. Only such an expression can fail.
  var canDivideByZero: Bool {
    switch self {
    case .number, .string, .boolean, .attribute:
      return false
    case .list(let elements, _):
      return elements.contains { $0.canDivideByZero }
    case .not(let operand):
      return operand.canDivideByZero
    case .arithmetic(let arithmetic, let lhs, let rhs):
      if lhs.canDivideByZero || rhs.canDivideByZero { return true }
      guard arithmetic == .divide else { return false }
      if case .number(let divisor) = rhs, divisor != 0 { return false }
      return true
    case .and(let lhs, let rhs), .or(let lhs, let rhs), .order(_, let lhs, let rhs),
      .equal(let lhs, let rhs, _, _), .startsWith(let lhs, let rhs), .inSet(let lhs, let rhs),
      .inList(let lhs, let rhs):
      return lhs.canDivideByZero || rhs.canDivideByZero
    }
  }

  /// Whether evaluating every part of the expression, whatever `and` and `or` would skip,
  /// divides by zero somewhere. DESIGN.md section 5: "Division by zero makes the condition an
  /// evaluation error", so such a condition fails as a whole.
  func divisionFails(request: PlacementRequest, target: TargetFacts) -> Bool {
    switch self {
    case .number, .string, .boolean, .attribute:
      return false
    case .arithmetic:
      return numericValue(request: request, target: target) == nil
    case .list(let elements, _):
      return elements.contains { $0.divisionFails(request: request, target: target) }
    case .not(let operand):
      return operand.divisionFails(request: request, target: target)
    case .and(let lhs, let rhs), .or(let lhs, let rhs), .order(_, let lhs, let rhs),
      .equal(let lhs, let rhs, _, _), .startsWith(let lhs, let rhs), .inSet(let lhs, let rhs),
      .inList(let lhs, let rhs):
      return lhs.divisionFails(request: request, target: target)
        || rhs.divisionFails(request: request, target: target)
    }
  }

  /// The value of a number expression; nil when a division in it is by zero.
  private func numericValue(request: PlacementRequest, target: TargetFacts) -> Double? {
    switch self {
    case .number(let value):
      return value
    case .attribute(.number(let attribute)):
      return attribute.value(request: request, target: target)
    case .arithmetic(let arithmetic, let lhs, let rhs):
      guard let x = lhs.numericValue(request: request, target: target),
        let y = rhs.numericValue(request: request, target: target)
      else { return nil }
      switch arithmetic {
      case .add: return x + y
      case .subtract: return x - y
      case .multiply: return x * y
      case .divide: return y == 0 ? nil : x / y
      }
    default:
      // The type checker lets only numbers into arithmetic.
      return 0
    }
  }
}
