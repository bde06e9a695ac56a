/// The text of one policy file and the name its diagnostics print as the file.
public struct PolicySource: Sendable, Hashable {
  /// What diagnostics and rules name as the file, for example `policies/default.policy`.
  public var name: String
  /// The policy text (DESIGN.md section 5).
  public var text: String

  /// Creates a source named `name` holding `text`.
  public init(name: String, text: String) {
    self.name = name
    self.text = text
  }
}
