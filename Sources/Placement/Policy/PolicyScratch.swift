/// The per-request memo of a ``CompiledPolicy``: the verdicts of sub-conditions that read only
/// the request, computed once per request and reused for every candidate and rule.
///
/// It holds 128 two-bit slots inline, so creating and resetting it allocates nothing. A policy
/// with more request-only sub-conditions than that evaluates the rest every time. A scratch
/// belongs to one compiled policy and one request: call ``reset()`` before each request.
struct PolicyScratch {
  /// How many sub-conditions can be memoised.
  static let capacity = 128

  /// Two bits per slot: 0 not yet known, 1 does not hold, 2 holds, 3 failed.
  private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

  /// An empty memo.
  init() {}

  /// Forgets every memoised verdict; call it before evaluating a new request.
  mutating func reset() {
    words = (0, 0, 0, 0)
  }

  /// The memoised verdict of `slot`, if it is known.
  func verdict(slot: Int) -> RuleVerdict? {
    guard slot < Self.capacity else {
      return nil
    }
    let word: UInt64
    switch slot >> 5 {
    case 0: word = words.0
    case 1: word = words.1
    case 2: word = words.2
    default: word = words.3
    }
    switch (word >> UInt64((slot & 31) * 2)) & 3 {
    case 1: return .doesNotHold
    case 2: return .holds
    case 3: return .failed
    default: return nil
    }
  }

  /// Memoises `verdict` for `slot` (ignored beyond ``capacity``).
  mutating func record(_ verdict: RuleVerdict, slot: Int) {
    guard slot < Self.capacity else {
      return
    }
    let code: UInt64 =
      switch verdict {
      case .doesNotHold: 1
      case .holds: 2
      case .failed: 3
      }
    let bits = code << UInt64((slot & 31) * 2)
    switch slot >> 5 {
    case 0: words.0 |= bits
    case 1: words.1 |= bits
    case 2: words.2 |= bits
    default: words.3 |= bits
    }
  }
}
