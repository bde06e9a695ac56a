/// The type of a value in a condition (DESIGN.md section 5, types).
enum PolicyType: Sendable, Hashable, CustomStringConvertible {
  case number
  case string
  case boolean
  /// A set of strings: `request.tags`, `target.tags`.
  case stringSet
  /// A list literal of one element type; `nil` for `[]`, whose element type is not known.
  indirect case list(PolicyType?)

  /// The type two values of types `a` and `b` share, if any: the same type, or lists whose
  /// element types unify (the empty list unifies with every list).
  static func unified(_ a: PolicyType, _ b: PolicyType) -> PolicyType? {
    switch (a, b) {
    case (.list(nil), .list), (.list, .list(nil)):
      return a == .list(nil) ? b : a
    case (.list(let x?), .list(let y?)):
      return unified(x, y).map { .list($0) }
    default:
      return a == b ? a : nil
    }
  }

  /// `number`, `set of strings`, `list of strings`, `empty list`.
  var description: String {
    switch self {
    case .number: "number"
    case .string: "string"
    case .boolean: "boolean"
    case .stringSet: "set of strings"
    case .list(nil): "empty list"
    case .list(let element?): "list of \(element.plural)"
    }
  }

  /// `numbers`, `sets of strings`, `lists of strings`.
  var plural: String {
    switch self {
    case .stringSet: "sets of strings"
    case .list(nil): "empty lists"
    case .list(let element?): "lists of \(element.plural)"
    default: "\(description)s"
    }
  }

  /// `a number`, `a set of strings`, `an empty list`.
  var withArticle: String {
    self == .list(nil) ? "an empty list" : "a \(description)"
  }
}
