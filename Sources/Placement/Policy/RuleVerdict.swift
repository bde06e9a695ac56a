/// Whether a rule's condition held for one request and one candidate.
enum RuleVerdict: Sendable {
  /// The condition is true.
  case holds
  /// The condition is false.
  case doesNotHold
  /// Evaluating the condition failed (division by zero). The engine fails closed: a failed
  /// `forbid` or `encrypt` holds, a failed `prefer` does not.
  case failed
}
