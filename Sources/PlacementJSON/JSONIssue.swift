/// One thing wrong with a JSON document: where (a JSON path such as
/// `pools[2].endpoints[0].capacity`) and what (`expected an integer >= 1, found 0`).
package struct JSONIssue: Sendable, Hashable, CustomStringConvertible {
  /// The JSON path of the offending value; `""` for the document itself.
  package var path: String
  /// What was expected and what was found.
  package var message: String

  package init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  /// `path: message`, or the message alone at the root.
  package var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
