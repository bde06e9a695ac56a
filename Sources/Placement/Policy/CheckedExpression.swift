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
