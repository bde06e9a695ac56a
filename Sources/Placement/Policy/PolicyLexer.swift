/// Turns the text of one policy file into tokens (DESIGN.md section 5, the lexical grammar).
///
/// A lexical error (a stray character, an unterminated string, a malformed number) becomes a
/// diagnostic and an `invalid` token; the parser treats that token as a syntax error that has
/// already been reported. A bad escape is reported but still yields a string token, so the rest
/// of the rule is checked too.
struct PolicyLexer {
  private let scalars: [Unicode.Scalar]
  private let file: String
  private var index = 0
  private var line = 1
  private var column = 1
  private var tokens: [PolicyToken] = []
  private var diagnostics: [PolicyDiagnostic] = []

  /// The tokens of `text` (ending with an `end` token) and the lexical errors found in it.
  static func tokenize(
    _ text: String, file: String
  ) -> (tokens: [PolicyToken], diagnostics: [PolicyDiagnostic]) {
    var lexer = PolicyLexer(text: text, file: file)
    lexer.run()
    return (lexer.tokens, lexer.diagnostics)
  }

  private init(text: String, file: String) {
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" {
      scalars.removeFirst()  // a byte order mark is not part of the text
    }
    self.scalars = scalars
    self.file = file
  }

  private var location: SourceLocation { SourceLocation(line: line, column: column) }

  private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
    let position = index + offset
    return position < scalars.count ? scalars[position] : nil
  }

  private mutating func advance() {
    if scalars[index] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    index += 1
  }

  private func text(from start: Int) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[start..<index])
    return String(view)
  }

  private mutating func report(_ message: String, at location: SourceLocation) {
    diagnostics.append(PolicyDiagnostic(file: file, location: location, message: message))
  }

  /// Reports `message` and emits an `invalid` token for the text from `start`.
  private mutating func reject(_ message: String, from start: Int, at location: SourceLocation) {
    report(message, at: location)
    tokens.append(PolicyToken(kind: .invalid, text: text(from: start), location: location))
  }

  private mutating func run() {
    while true {
      skipSpaceAndComments()
      guard let scalar = peek() else {
        tokens.append(PolicyToken(kind: .end, text: "", location: location))
        return
      }
      if Self.isIdentifierStart(scalar) {
        lexIdentifier()
      } else if Self.isDigit(scalar) {
        lexNumber()
      } else if scalar == "\"" {
        lexString()
      } else {
        lexSymbol()
      }
    }
  }

  private mutating func skipSpaceAndComments() {
    while let scalar = peek() {
      if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
        advance()
      } else if scalar == "#" {
        while let next = peek(), next != "\n" {
          advance()
        }
      } else {
        return
      }
    }
  }

  private mutating func lexIdentifier() {
    let start = index
    let startLocation = location
    while let scalar = peek(), Self.isIdentifierPart(scalar) {
      advance()
    }
    tokens.append(PolicyToken(kind: .identifier, text: text(from: start), location: startLocation))
  }

  /// `DIGIT+ ['.' DIGIT+]`, with no sign, exponent or unit.
  private mutating func lexNumber() {
    let start = index
    let startLocation = location
    while let scalar = peek(), Self.isDigit(scalar) {
      advance()
    }
    if peek() == "." {
      if let next = peek(1), Self.isDigit(next) {
        advance()
        while let scalar = peek(), Self.isDigit(scalar) {
          advance()
        }
      } else {
        advance()
        let written = text(from: start)
        reject(
          "invalid number '\(written)': write digits after the '.', as in '\(written)0'",
          from: start, at: startLocation)
        return
      }
    }
    if let next = peek(), Self.isIdentifierPart(next) {
      while let scalar = peek(), Self.isIdentifierPart(scalar) {
        advance()
      }
      reject(
        "invalid number '\(text(from: start))': a number is digits with an optional fraction, "
          + "without sign, exponent or unit",
        from: start, at: startLocation)
      return
    }
    let written = text(from: start)
    guard let value = Double(written), value.isFinite else {
      reject("number '\(written)' is too large", from: start, at: startLocation)
      return
    }
    tokens.append(
      PolicyToken(kind: .number, text: written, location: startLocation, number: value))
  }

  /// A double-quoted string on one line; escapes `\"`, `\\`, `\n` and `\t`.
  private mutating func lexString() {
    let start = index
    let startLocation = location
    var value = String.UnicodeScalarView()
    advance()  // the opening quote
    while true {
      guard let scalar = peek(), scalar != "\n", scalar != "\r" else {
        reject(
          "unterminated string; add the closing '\"' on the same line",
          from: start, at: startLocation)
        return
      }
      let scalarLocation = location
      advance()
      if scalar == "\"" {
        break
      }
      guard scalar == "\\" else {
        value.append(scalar)
        continue
      }
      guard let escaped = peek(), escaped != "\n", escaped != "\r" else {
        continue  // the string is unterminated; the next turn reports it
      }
      advance()
      switch escaped {
      case "\"": value.append("\"")
      case "\\": value.append("\\")
      case "n": value.append("\n")
      case "t": value.append("\t")
      default:
        report(
          "invalid escape '\\\(Self.printable(escaped))' in a string; "
            + "the escapes are \\\", \\\\, \\n and \\t (write \\\\ for a backslash)",
          at: scalarLocation)
        value.append(escaped)
      }
    }
    tokens.append(
      PolicyToken(
        kind: .string, text: text(from: start), location: startLocation, value: String(value)))
  }

  private mutating func lexSymbol() {
    let start = index
    let startLocation = location
    let scalar = peek()!
    advance()
    let kind: PolicyToken.Kind
    switch scalar {
    case "=":
      guard peek() == "=" else {
        reject(
          "unexpected '='; to compare two values write '=='", from: start, at: startLocation)
        return
      }
      advance()
      kind = .equal
    case "!":
      guard peek() == "=" else {
        reject(
          "unexpected '!'; write 'not' to negate a condition, or '!=' to compare",
          from: start, at: startLocation)
        return
      }
      advance()
      kind = .notEqual
    case "<":
      kind = peek() == "=" ? .lessEqual : .less
      if kind == .lessEqual { advance() }
    case ">":
      kind = peek() == "=" ? .greaterEqual : .greater
      if kind == .greaterEqual { advance() }
    case "&", "|":
      if peek() == scalar { advance() }
      let word = scalar == "&" ? "and" : "or"
      reject(
        "unexpected '\(text(from: start))'; write '\(word)'", from: start, at: startLocation)
      return
    case "'":
      // A single-quoted string: reported once, as a whole, with its double-quoted spelling.
      var end = index
      while end < scalars.count, scalars[end] != "'", scalars[end] != "\n" {
        end += 1
      }
      guard end < scalars.count, scalars[end] == "'" else {
        reject(
          "unexpected \"'\"; strings are written in double quotes, as in \"pii\"",
          from: start, at: startLocation)
        return
      }
      var inner = String.UnicodeScalarView()
      inner.append(contentsOf: scalars[index..<end])
      while index <= end {
        advance()
      }
      reject(
        "unexpected '\(String(inner))' in single quotes; strings are written in double quotes, "
          + "as in \(PolicyExpression.quote(String(inner)))",
        from: start, at: startLocation)
      return
    case "+": kind = .plus
    case "-": kind = .minus
    case "*": kind = .star
    case "/": kind = .slash
    case ".": kind = .dot
    case ",": kind = .comma
    case ";": kind = .semicolon
    case "(": kind = .leftParenthesis
    case ")": kind = .rightParenthesis
    case "[": kind = .leftBracket
    case "]": kind = .rightBracket
    default:
      while let next = peek(), Self.isStray(next) {
        advance()
      }
      let stray = scalars[start..<index]
      let shown = stray.map(Self.printable).joined()
      let noun = stray.count == 1 ? "character" : "characters"
      reject(
        "unexpected \(noun) '\(shown)'; a policy is written with ASCII letters, digits, "
          + "operators and double-quoted strings",
        from: start, at: startLocation)
      return
    }
    tokens.append(PolicyToken(kind: kind, text: text(from: start), location: startLocation))
  }

  private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    ("0"..."9").contains(scalar)
  }

  private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
  }

  private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
    isIdentifierStart(scalar) || isDigit(scalar)
  }

  /// Whether `scalar` starts no token (so a run of them is reported once).
  private static func isStray(_ scalar: Unicode.Scalar) -> Bool {
    !(isIdentifierPart(scalar) || " \t\r\n#\"=!<>+-*/.,;()[]&|'".unicodeScalars.contains(scalar))
  }

  /// `scalar` as a message shows it: itself, or `U+XXXX` when it is invisible.
  private static func printable(_ scalar: Unicode.Scalar) -> String {
    if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
      || scalar.properties.generalCategory == .format
    {
      let hex = String(scalar.value, radix: 16, uppercase: true)
      return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
    return String(scalar)
  }
}
