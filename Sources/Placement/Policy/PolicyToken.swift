/// One token of a policy file.
struct PolicyToken: Sendable {
  /// What sort of token it is.
  enum Kind: Sendable, Hashable {
    /// A word: a keyword (`forbid`, `when`, `and`, `request`, ...) or any other identifier.
    case identifier
    /// `DIGIT+ ['.' DIGIT+]`; the value is in ``PolicyToken/number``.
    case number
    /// A double-quoted string; the decoded value is in ``PolicyToken/value``.
    case string
    case equal
    case notEqual
    case less
    case lessEqual
    case greater
    case greaterEqual
    case plus
    case minus
    case star
    case slash
    case dot
    case comma
    case semicolon
    case leftParenthesis
    case rightParenthesis
    case leftBracket
    case rightBracket
    /// Text the lexer rejected (and already reported).
    case invalid
    /// The end of the file.
    case end
  }

  /// What sort of token it is.
  var kind: Kind
  /// The token as written in the source.
  var text: String
  /// Where the token starts.
  var location: SourceLocation
  /// A string token's decoded value.
  var value: String = ""
  /// A number token's value.
  var number: Double = 0

  /// Whether the token is the identifier `word`.
  func isWord(_ word: String) -> Bool {
    kind == .identifier && text == word
  }

  /// The token as an error message names it: `'when'`, `the string "x"`, `the end of the file`.
  var display: String {
    switch kind {
    case .end: "the end of the file"
    case .string: "the string \(text)"
    default: "'\(text)'"
    }
  }
}
