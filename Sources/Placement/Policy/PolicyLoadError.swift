/// Why a policy set could not be loaded: every problem found, across all files.
public struct PolicyLoadError: Error, CustomStringConvertible {
  /// Every problem, in file order (the order the files were read), then by position.
  public var diagnostics: [PolicyDiagnostic]

  /// One diagnostic per line, each `file:line:column: message`.
  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
