/// A position in a policy file: 1-based line and column (in Unicode scalar values).
struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The line, from 1.
  var line: Int
  /// The column, from 1.
  var column: Int

  /// `line:column`.
  var description: String { "\(line):\(column)" }

  static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }
}
