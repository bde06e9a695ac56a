#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A checked set of policy rules (DESIGN.md section 5).
///
/// Every way to make one checks everything first (syntax, attributes, types, duplicate names)
/// and reports every error found, so a `PolicySet` always holds valid rules. Rules are
/// order-independent; ``rules`` is sorted by name.
public struct PolicySet: Sendable, Hashable {
  /// The rules, sorted by name.
  public private(set) var rules: [PolicyRule]

  /// A policy set with no rules.
  public static let empty = PolicySet(checkedRules: [])

  private init(checkedRules: [PolicyRule]) {
    self.rules = checkedRules.sorted { $0.name < $1.name }
  }

  /// Checks `sources` together, as one policy set.
  ///
  /// - Throws: every error found, in the order of `sources`, then by position.
  public init(sources: [PolicySource]) throws(PolicyLoadError) {
    try self.init(inputs: sources.map { .source($0) })
  }

  /// Reads and checks the `*.policy` files directly in `directory` (not in subdirectories), in
  /// name order. As with a shell's `*.policy`, names starting with `.` are left out. A
  /// directory without policy files is an empty policy set.
  ///
  /// - Throws: every error found, including a directory or file that cannot be read.
  public static func load(directory: String) throws(PolicyLoadError) -> PolicySet {
    let manager = FileManager.default
    let names: [String]
    do {
      names = try manager.contentsOfDirectory(atPath: directory)
    } catch {
      let type = (try? manager.attributesOfItem(atPath: directory))?[.type] as? FileAttributeType
      let reason =
        type == nil
        ? "it does not exist"
        : type != .typeDirectory ? "it is not a directory" : "it is not readable"
      let location = SourceLocation(line: 1, column: 1)
      throw PolicyLoadError(diagnostics: [
        PolicyDiagnostic(
          file: directory, location: location,
          message: "cannot read the policy directory: \(reason); give a readable directory "
            + "of *.policy files")
      ])
    }
    var inputs: [Input] = []
    for name in names.sorted() where name.hasSuffix(".policy") && !name.hasPrefix(".") {
      let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
      if (try? manager.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        == .typeDirectory
      {
        continue
      }
      guard let data = manager.contents(atPath: path) else {
        inputs.append(
          .unreadable(
            name: path, reason: "cannot read the policy file; check that it exists and is readable"
          ))
        continue
      }
      guard let text = String(data: data, encoding: .utf8) else {
        inputs.append(
          .unreadable(
            name: path, reason: "the policy file is not UTF-8 text; save it as UTF-8"))
        continue
      }
      inputs.append(.source(PolicySource(name: path, text: text)))
    }
    return try PolicySet(inputs: inputs)
  }

  /// One file to check: its text, or why it could not be read.
  private enum Input {
    case source(PolicySource)
    case unreadable(name: String, reason: String)
  }

  /// Where a rule name was first declared.
  private struct FirstDeclaration {
    var file: String
    var location: SourceLocation
  }

  private init(inputs: [Input]) throws(PolicyLoadError) {
    // Each diagnostic with its file's position in `inputs`, so they sort by file, then position.
    var found: [(file: Int, diagnostic: PolicyDiagnostic)] = []
    var rules: [PolicyRule] = []
    var firstDeclarations: [String: FirstDeclaration] = [:]
    for (fileIndex, input) in inputs.enumerated() {
      let source: PolicySource
      switch input {
      case .source(let text):
        source = text
      case .unreadable(let name, let reason):
        let location = SourceLocation(line: 1, column: 1)
        found.append((fileIndex, PolicyDiagnostic(file: name, location: location, message: reason)))
        continue
      }
      let parsed = PolicyParser.parse(source)
      found += parsed.diagnostics.map { (fileIndex, $0) }
      for declaration in parsed.declarations {
        if let first = firstDeclarations[declaration.name] {
          let message =
            "duplicate rule name \(PolicyExpression.quote(declaration.name)); it is already used "
            + "at \(first.file):\(first.location); rule names must be unique across all files"
          found.append(
            (
              fileIndex,
              PolicyDiagnostic(file: source.name, location: declaration.location, message: message)
            ))
        } else {
          firstDeclarations[declaration.name] = FirstDeclaration(
            file: source.name, location: declaration.location)
        }
      }
      var checker = PolicyTypeChecker(file: source.name)
      for rule in parsed.rules {
        var condition = CheckedExpression.boolean(true)
        if let written = rule.condition {
          guard let checked = checker.checkCondition(written) else {
            continue
          }
          condition = checked
        }
        rules.append(
          PolicyRule(
            name: rule.name, effect: rule.effect, weight: rule.weight, file: source.name,
            line: rule.location.line, condition: condition))
      }
      found += checker.diagnostics.map { (fileIndex, $0) }
    }
    guard found.isEmpty else {
      let ordered = found.enumerated().sorted { a, b in
        let (x, y) = (a.element, b.element)
        if x.file != y.file {
          return x.file < y.file
        }
        if (x.diagnostic.line, x.diagnostic.column) != (y.diagnostic.line, y.diagnostic.column) {
          return (x.diagnostic.line, x.diagnostic.column) < (y.diagnostic.line, y.diagnostic.column)
        }
        return a.offset < b.offset
      }
      throw PolicyLoadError(diagnostics: ordered.map(\.element.diagnostic))
    }
    self.init(checkedRules: rules)
  }
}
