/// One checked rule of a policy set.
public struct PolicyRule: Sendable, Hashable {
  /// The rule's name, unique across the policy set.
  public let name: String
  /// What the rule does when its condition holds.
  public let effect: PolicyEffect
  /// The score a `prefer` rule adds when it holds (1 unless given, may be negative); 0 for
  /// `forbid` and `encrypt`.
  public let weight: Double
  /// The file the rule is written in, as its source was named.
  public let file: String
  /// The line of the rule's first token (its effect keyword).
  public let line: Int
  /// The rule's checked condition; `true` for a rule without `when`.
  let condition: CheckedExpression
}
