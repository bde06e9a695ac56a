/// Parses one policy file (DESIGN.md section 5, the grammar) into rules.
///
/// Precedence, loosest first: `or`, `and`, `not`, one comparison (`== != < <= > >= in
/// starts_with`, which does not chain), `+ -`, `* /`. Binary operators group to the left. On a
/// syntax error the parser reports it, drops the rule, and resumes after the next `;`.
struct PolicyParser {
  /// A rule as written, before its condition is checked.
  struct Rule: Sendable {
    /// What the rule does.
    var effect: PolicyEffect
    /// The rule's name.
    var name: String
    /// Where the rule starts (its effect keyword).
    var location: SourceLocation
    /// The score of a `prefer` rule (1 unless given); 0 for the other effects.
    var weight: Double
    /// The `when` condition, if any.
    var condition: PolicyExpression?
  }

  /// A rule name as declared, kept even when the rest of its rule fails to parse, so duplicate
  /// names are found in one pass.
  struct Declaration: Sendable {
    /// The name.
    var name: String
    /// Where the name's string starts.
    var location: SourceLocation
  }

  /// What parsing one file found.
  struct Result: Sendable {
    /// The rules that parsed, in file order.
    var rules: [Rule]
    /// Every rule name that was declared, in file order.
    var declarations: [Declaration]
    /// Lexical and syntax errors, in the order found.
    var diagnostics: [PolicyDiagnostic]
  }

  /// A syntax error; `diagnostic` is nil when the lexer already reported the offending token.
  private struct SyntaxError: Error {
    var diagnostic: PolicyDiagnostic?
  }

  private let file: String
  private let tokens: [PolicyToken]
  private var position = 0
  private var rules: [Rule] = []
  private var declarations: [Declaration] = []
  private var diagnostics: [PolicyDiagnostic]

  /// Parses `source` and reports every lexical and syntax error in it.
  static func parse(_ source: PolicySource) -> Result {
    let (tokens, lexical) = PolicyLexer.tokenize(source.text, file: source.name)
    var parser = PolicyParser(file: source.name, tokens: tokens, diagnostics: lexical)
    parser.parseFile()
    return Result(
      rules: parser.rules, declarations: parser.declarations, diagnostics: parser.diagnostics)
  }

  private init(file: String, tokens: [PolicyToken], diagnostics: [PolicyDiagnostic]) {
    self.file = file
    self.tokens = tokens
    self.diagnostics = diagnostics
  }

  // MARK: Tokens

  private var current: PolicyToken { tokens[position] }

  /// The deepest a condition may nest: `not`, parentheses, lists and chains of `and`, `or`,
  /// `+ - * /` all count. Far beyond any rule a person writes; it keeps a hostile or generated
  /// file from exhausting the stack.
  static let maximumDepth = 200

  /// How many `not`, `(` and `[` the parser is inside of now.
  private var nesting = 0

  /// Enters one level of `not`, `(` or `[`; an error past ``maximumDepth``.
  private mutating func enter(at token: PolicyToken) throws(SyntaxError) {
    nesting += 1
    if nesting > Self.maximumDepth {
      throw error(Self.tooDeep, at: token)
    }
  }

  /// `node`, unless it nests deeper than ``maximumDepth``.
  private func bounded(_ node: PolicyExpression, at token: PolicyToken) throws(SyntaxError)
    -> PolicyExpression
  {
    guard node.depth <= Self.maximumDepth else { throw error(Self.tooDeep, at: token) }
    return node
  }

  private static let tooDeep =
    "the condition nests deeper than \(maximumDepth) levels; split it into several rules"

  private mutating func advance() {
    if position < tokens.count - 1 {
      position += 1
    }
  }

  private func error(_ message: String, at token: PolicyToken) -> SyntaxError {
    guard token.kind != .invalid else {
      return SyntaxError(diagnostic: nil)
    }
    return SyntaxError(
      diagnostic: PolicyDiagnostic(file: file, location: token.location, message: message))
  }

  /// Records a problem that does not stop the rule from parsing.
  private mutating func report(_ message: String, at location: SourceLocation) {
    diagnostics.append(PolicyDiagnostic(file: file, location: location, message: message))
  }

  /// Skips to just after the next `;` (or to the end of the file).
  private mutating func recover() {
    while current.kind != .semicolon && current.kind != .end {
      advance()
    }
    advance()
  }

  // MARK: Rules

  private mutating func parseFile() {
    while current.kind != .end {
      do {
        rules.append(try parseRule())
      } catch {
        if let diagnostic = error.diagnostic {
          diagnostics.append(diagnostic)
        }
        recover()
      }
    }
  }

  /// `rule := effect STRING ['weight' ['-'] NUMBER] ['when' expr] ';'`
  private mutating func parseRule() throws(SyntaxError) -> Rule {
    let effectToken = current
    guard effectToken.kind == .identifier, let effect = PolicyEffect(rawValue: effectToken.text)
    else {
      throw error(
        "expected a rule starting with 'forbid', 'encrypt' or 'prefer', found \(current.display)",
        at: current)
    }
    advance()
    let nameToken = current
    guard nameToken.kind == .string else {
      throw error(
        "expected the rule's name in double quotes after '\(effect.rawValue)', "
          + "found \(current.display)",
        at: current)
    }
    advance()
    if nameToken.value.isEmpty {
      report(
        "a rule name must not be empty; name the rule after what it does", at: nameToken.location)
    }
    declarations.append(Declaration(name: nameToken.value, location: nameToken.location))

    var weight: Double = effect == .prefer ? 1 : 0
    var expected =
      effect == .prefer
      ? "'weight', 'when' or ';' after the rule name" : "'when' or ';' after the rule name"
    if current.isWord("weight") {
      let weightToken = current
      advance()
      var sign: Double = 1
      if current.kind == .minus {
        sign = -1
        advance()
      }
      guard current.kind == .number else {
        throw error(
          "expected a number after 'weight' (for example 'weight 10' or 'weight -5'), "
            + "found \(current.display)",
          at: current)
      }
      if effect == .prefer {
        weight = sign * current.number
      } else {
        report(
          "'weight' is allowed only on 'prefer' rules; remove it from this '\(effect.rawValue)' rule",
          at: weightToken.location)
      }
      advance()
      expected = "'when' or ';' after the weight"
    }

    var condition: PolicyExpression?
    if current.isWord("when") {
      advance()
      if current.kind == .semicolon || current.kind == .end {
        throw error("expected a condition after 'when', found \(current.display)", at: current)
      }
      condition = try parseExpression()
      expected = "';' at the end of rule \(PolicyExpression.quote(nameToken.value))"
    }
    guard current.kind == .semicolon else {
      throw error("expected \(expected), found \(current.display)", at: current)
    }
    advance()
    return Rule(
      effect: effect, name: nameToken.value, location: effectToken.location, weight: weight,
      condition: condition)
  }

  // MARK: Expressions

  /// `expr := and ('or' and)*`
  private mutating func parseExpression() throws(SyntaxError) -> PolicyExpression {
    var lhs = try parseAnd()
    while current.isWord("or") {
      let token = current
      let location = current.location
      advance()
      let rhs = try parseAnd()
      lhs = try bounded(
        PolicyExpression(kind: .binary(.or, lhs, rhs), location: location), at: token)
    }
    return lhs
  }

  /// `and := not ('and' not)*`
  private mutating func parseAnd() throws(SyntaxError) -> PolicyExpression {
    var lhs = try parseNot()
    while current.isWord("and") {
      let token = current
      let location = current.location
      advance()
      let rhs = try parseNot()
      lhs = try bounded(
        PolicyExpression(kind: .binary(.and, lhs, rhs), location: location), at: token)
    }
    return lhs
  }

  /// `not := 'not' not | cmp`
  private mutating func parseNot() throws(SyntaxError) -> PolicyExpression {
    guard current.isWord("not") else {
      return try parseComparison()
    }
    let token = current
    try enter(at: token)
    defer { nesting -= 1 }
    advance()
    let operand = try parseNot()
    return try bounded(PolicyExpression(kind: .not(operand), location: token.location), at: token)
  }

  /// The comparison operator `current` is, if it is one.
  private var comparisonOperator: PolicyExpression.Operator? {
    switch current.kind {
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessEqual: .lessEqual
    case .greater: .greater
    case .greaterEqual: .greaterEqual
    case .identifier where current.text == "in": .in
    case .identifier where current.text == "starts_with": .startsWith
    default: nil
    }
  }

  /// `cmp := sum [op sum]`; a second comparison operator is an error, not a chain.
  private mutating func parseComparison() throws(SyntaxError) -> PolicyExpression {
    let lhs = try parseSum()
    guard let op = comparisonOperator else {
      return lhs
    }
    let location = current.location
    advance()
    let rhs = try parseSum()
    if comparisonOperator != nil {
      throw error(
        "comparisons do not chain; join two comparisons with 'and' "
          + "(for example 'a < b and b < c') or add parentheses",
        at: current)
    }
    return try bounded(
      PolicyExpression(kind: .binary(op, lhs, rhs), location: location), at: current)
  }

  /// `sum := term (('+'|'-') term)*`
  private mutating func parseSum() throws(SyntaxError) -> PolicyExpression {
    var lhs = try parseTerm()
    while current.kind == .plus || current.kind == .minus {
      let op: PolicyExpression.Operator = current.kind == .plus ? .add : .subtract
      let token = current
      let location = current.location
      advance()
      let rhs = try parseTerm()
      lhs = try bounded(
        PolicyExpression(kind: .binary(op, lhs, rhs), location: location), at: token)
    }
    return lhs
  }

  /// `term := atom (('*'|'/') atom)*`
  private mutating func parseTerm() throws(SyntaxError) -> PolicyExpression {
    var lhs = try parseAtom()
    while current.kind == .star || current.kind == .slash {
      let op: PolicyExpression.Operator = current.kind == .star ? .multiply : .divide
      let token = current
      let location = current.location
      advance()
      let rhs = try parseAtom()
      lhs = try bounded(
        PolicyExpression(kind: .binary(op, lhs, rhs), location: location), at: token)
    }
    return lhs
  }

  /// `atom := NUMBER | STRING | 'true' | 'false' | list | attribute | '(' expr ')'`
  private mutating func parseAtom() throws(SyntaxError) -> PolicyExpression {
    let token = current
    switch token.kind {
    case .number:
      advance()
      return PolicyExpression(kind: .number(token.number), location: token.location)
    case .string:
      advance()
      return PolicyExpression(kind: .string(token.value), location: token.location)
    case .leftBracket:
      return try parseList()
    case .leftParenthesis:
      try enter(at: token)
      defer { nesting -= 1 }
      advance()
      let inner = try parseExpression()
      guard current.kind == .rightParenthesis else {
        throw error(
          "expected ')' to close the '(' at \(token.location), found \(current.display)",
          at: current)
      }
      advance()
      return inner
    case .identifier:
      return try parseWord()
    case .minus:
      throw error(
        "expected a value, found '-'; numbers have no sign: write '0 - 5' for minus five",
        at: token)
    default:
      throw error("expected a value (\(Self.values)), found \(token.display)", at: token)
    }
  }

  /// What may stand where a value is expected, for error messages.
  private static let values =
    "a number, a string, true, false, a list, an attribute or a parenthesised condition"

  /// An atom that is a word: `true`, `false` or an attribute.
  private mutating func parseWord() throws(SyntaxError) -> PolicyExpression {
    let token = current
    switch token.text {
    case "true", "false":
      advance()
      return PolicyExpression(kind: .boolean(token.text == "true"), location: token.location)
    case "request", "target":
      advance()
      guard current.kind == .dot else {
        throw error(
          "expected '.' and an attribute name after '\(token.text)', as in "
            + "'\(token.text).\(token.text == "request" ? "model" : "tier")', "
            + "found \(current.display)",
          at: current)
      }
      advance()
      guard current.kind == .identifier else {
        throw error(
          "expected an attribute name after '\(token.text).', found \(current.display)",
          at: current)
      }
      let name = current.text
      advance()
      return PolicyExpression(
        kind: .attribute(object: token.text, name: name), location: token.location)
    case "not":
      throw error(
        "expected a value, found 'not'; put a negation inside parentheses: '(not ...)'",
        at: token)
    case "or", "and", "in", "starts_with", "when", "weight", "forbid", "encrypt", "prefer":
      throw error("expected a value (\(Self.values)), found \(token.display)", at: token)
    default:
      var message =
        "unknown name '\(token.text)'; attributes start with 'request.' or 'target.', "
        + "and strings are written in double quotes"
      if let suggestion = AttributeCatalog.suggestion(forBareName: token.text) {
        message += "; did you mean \(suggestion)?"
      }
      throw error(message, at: token)
    }
  }

  /// `list := '[' [atom (',' atom)*] ']'`
  private mutating func parseList() throws(SyntaxError) -> PolicyExpression {
    let open = current
    try enter(at: open)
    defer { nesting -= 1 }
    advance()
    var elements: [PolicyExpression] = []
    if current.kind != .rightBracket {
      elements.append(try parseAtom())
      while current.kind == .comma {
        advance()
        elements.append(try parseAtom())
      }
    }
    guard current.kind == .rightBracket else {
      var message =
        "expected ',' or ']' in the list opened at \(open.location), found \(current.display)"
      if comparisonOperator != nil || [.plus, .minus, .star, .slash].contains(current.kind)
        || current.isWord("and") || current.isWord("or")
      {
        message += "; a list element is a single value: put an expression in parentheses"
      }
      throw error(message, at: current)
    }
    advance()
    return try bounded(PolicyExpression(kind: .list(elements), location: open.location), at: open)
  }
}
