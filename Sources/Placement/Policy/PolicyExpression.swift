/// A condition as written, before type checking: what ``PolicyParser`` produces.
///
/// Its ``description`` is fully parenthesised, which shows how the grammar grouped it.
struct PolicyExpression: Sendable, Hashable, CustomStringConvertible {
  /// The node's shape.
  indirect enum Kind: Sendable, Hashable {
    case number(Double)
    case string(String)
    case boolean(Bool)
    case list([PolicyExpression])
    /// `request.NAME` or `target.NAME`, not yet looked up.
    case attribute(object: String, name: String)
    case not(PolicyExpression)
    case binary(Operator, PolicyExpression, PolicyExpression)
  }

  /// A binary operator, spelt as in the source.
  enum Operator: String, Sendable, Hashable {
    case or
    case and
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case `in`
    case startsWith = "starts_with"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
  }

  /// The node's shape.
  let kind: Kind
  /// Where errors about the node point: a binary operator's token, or the node's first token.
  let location: SourceLocation
  /// How deeply the node nests (a leaf is 1). The parser refuses conditions deeper than
  /// ``PolicyParser/maximumDepth``, so the checker and compiler, which recurse, stay within
  /// the stack.
  let depth: Int

  init(kind: Kind, location: SourceLocation) {
    self.kind = kind
    self.location = location
    switch kind {
    case .number, .string, .boolean, .attribute: depth = 1
    case .list(let elements): depth = 1 + (elements.map(\.depth).max() ?? 0)
    case .not(let operand): depth = 1 + operand.depth
    case .binary(_, let lhs, let rhs): depth = 1 + max(lhs.depth, rhs.depth)
    }
  }

  /// The node's first token.
  var start: SourceLocation {
    if case .binary(_, let lhs, _) = kind {
      return lhs.start
    }
    return location
  }

  var description: String {
    switch kind {
    case .number(let value): Self.format(value)
    case .string(let value): Self.quote(value)
    case .boolean(let value): value ? "true" : "false"
    case .list(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
    case .attribute(let object, let name): "\(object).\(name)"
    case .not(let operand): "(not \(operand))"
    case .binary(let op, let lhs, let rhs): "(\(lhs) \(op.rawValue) \(rhs))"
    }
  }

  /// A number as the policy language writes it: `3`, `2.5`.
  static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
      return String(Int64(value))
    }
    return String(value)
  }

  /// A string as the policy language writes it, quoted and escaped.
  static func quote(_ value: String) -> String {
    var quoted = "\""
    for character in value.unicodeScalars {
      switch character {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      default: quoted.unicodeScalars.append(character)
      }
    }
    return quoted + "\""
  }
}
