/// A workload file (or the trace it names) that cannot be used, with every problem found in it.
///
/// Its description is one problem per line, `FILE: PATH: expected ..., found ...`, or
/// `FILE:LINE: PATH: ...` for a line of a trace file, or `FILE:LINE:COLUMN: ...` when the text is
/// not JSON at all.
public struct WorkloadError: Error, Sendable, Hashable, CustomStringConvertible {
  /// One problem: where, and what was expected and found.
  public struct Issue: Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in (the workload, or its trace file).
    public var file: String
    /// The JSON path (`classes[1].latency_budget_ms`), `LINE: PATH` in a trace, or
    /// `LINE:COLUMN` for a syntax error.
    public var location: String
    /// What was expected and what was found.
    public var message: String

    /// Creates an issue.
    public init(file: String, location: String, message: String) {
      self.file = file
      self.location = location
      self.message = message
    }

    /// `FILE: PATH: message` (`FILE:LINE...` when the location starts with a line number).
    public var description: String {
      let separator = location.first?.isNumber == true ? ":" : ": "
      return location.isEmpty
        ? "\(file): \(message)" : "\(file)\(separator)\(location): \(message)"
    }
  }

  /// Every problem, in document order.
  public var issues: [Issue]

  /// Creates an error from its issues.
  public init(issues: [Issue]) { self.issues = issues }

  /// One problem per line.
  public var description: String { issues.map(\.description).joined(separator: "\n") }
}
