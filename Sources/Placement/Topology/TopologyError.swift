/// A topology file that cannot be used, with every problem found in it.
///
/// Its description is one problem per line, `FILE: PATH: expected ..., found ...` (DESIGN.md
/// section 3), or `FILE:LINE:COLUMN: ...` when the text is not JSON at all.
public struct TopologyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// One problem: where, and what was expected and found.
  public struct Issue: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path (`pools[2].endpoints[0].capacity`), or `LINE:COLUMN` for a syntax error.
    public var location: String
    /// What was expected and what was found.
    public var message: String

    /// Creates a problem.
    public init(location: String, message: String) {
      self.location = location
      self.message = message
    }

    /// `location: message`.
    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
  }

  /// The file the topology came from, as given.
  public var file: String
  /// Every problem, in document order.
  public var issues: [Issue]
  /// True when the file could not be read at all (an I/O error, not a wrong topology).
  public var isUnreadable = false

  /// Creates an error for `file` with its problems.
  public init(file: String, issues: [Issue]) {
    self.file = file
    self.issues = issues
  }

  /// One problem per line, each prefixed with the file.
  public var description: String {
    issues.map { issue in
      issue.location.first?.isNumber == true
        ? "\(file):\(issue)" : "\(file): \(issue)"
    }.joined(separator: "\n")
  }
}
