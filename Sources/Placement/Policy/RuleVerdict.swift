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

extension RuleVerdict {
  /// The verdict of a test that either holds or does not.
  init(_ holds: Bool) {
    self = holds ? .holds : .doesNotHold
  }

  /// The verdict of `not`: holds and does not hold swap; failed stays failed.
  var negated: RuleVerdict {
    switch self {
    case .holds: .doesNotHold
    case .doesNotHold: .holds
    case .failed: .failed
    }
  }
}
