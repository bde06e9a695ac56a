/// What a rule does to a candidate endpoint when its condition holds (DESIGN.md section 5).
public enum PolicyEffect: String, Sendable, Hashable, CaseIterable {
  /// The endpoint is not eligible. Forbid always wins.
  case forbid
  /// A request placed on the endpoint must be sealed to its pool's key.
  case encrypt
  /// The rule's weight is added to the endpoint's score.
  case prefer
}
