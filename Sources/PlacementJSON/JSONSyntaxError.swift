/// Text that is not JSON, with the place it stopped being JSON.
package struct JSONSyntaxError: Error, Hashable, CustomStringConvertible {
  /// 1-based line of the offending byte.
  package var line: Int
  /// 1-based column (in bytes) of the offending byte.
  package var column: Int
  /// What was expected and what was found.
  package var message: String

  package init(line: Int, column: Int, message: String) {
    self.line = line
    self.column = column
    self.message = message
  }

  /// `line:column: message`
  package var description: String { "\(line):\(column): \(message)" }
}
