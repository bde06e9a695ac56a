/// When the value of a sub-condition is known, from what it reads. The compiler precomputes
/// what it can: `constant` parts once, `endpoint` parts once per endpoint of the topology,
/// `request` parts once per request.
enum PolicyStage: Sendable, Hashable {
  /// Reads nothing: folded when the policy is compiled.
  case constant
  /// Reads only `request.*`: computed once per request.
  case request
  /// Reads only the static `target.*` attributes (not `in_flight` or the estimate): computed
  /// per endpoint when the policy is compiled.
  case endpoint
  /// Reads the live candidate (`in_flight`, the estimate) or both request and target:
  /// computed for every candidate.
  case candidate

  /// The stage of a node that reads what both `self` and `other` read.
  func joined(with other: PolicyStage) -> PolicyStage {
    if self == other || other == .constant {
      return self
    }
    return self == .constant ? other : .candidate
  }
}
