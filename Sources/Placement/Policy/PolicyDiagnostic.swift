/// One problem found while loading a policy set: where it is and what to do about it.
///
/// Lines and columns are 1-based and point at the offending token; a column counts Unicode
/// scalar values from the start of the line.
public struct PolicyDiagnostic: Sendable, Hashable, CustomStringConvertible {
  /// The file the problem is in, as the source was named.
  public var file: String
  /// The line of the offending token (1-based).
  public var line: Int
  /// The column of the offending token (1-based).
  public var column: Int
  /// What is wrong, what was expected, and the fix where there is one.
  public var message: String

  /// `file:line:column: message`.
  public var description: String { "\(file):\(line):\(column): \(message)" }

  /// Creates a diagnostic at `location` in `file`.
  init(file: String, location: SourceLocation, message: String) {
    self.file = file
    self.line = location.line
    self.column = location.column
    self.message = message
  }
}
