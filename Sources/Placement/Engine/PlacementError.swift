/// Why the engine could not do what it was asked.
public enum PlacementError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The request breaks a rule of DESIGN.md section 7 (the field and why).
  case invalidRequest(String)
  /// `complete` named a lease that is not held: unknown, already completed, or expired.
  case unknownLease(String)
  /// No endpoint has this id.
  case unknownEndpoint(String)
  /// The payload had to be sealed and could not be (no sealer configured, or it failed); the
  /// request was not placed.
  case sealingFailed(String)
  /// The audit log could not take the record, and the log is configured to refuse rather than
  /// leave a gap: the decision or completion was undone.
  case auditUnavailable(String)

  /// The problem in words.
  public var description: String {
    switch self {
    case .invalidRequest(let why): return why
    case .unknownLease(let lease):
      return "unknown lease '\(lease)': never issued, already completed, or expired"
    case .unknownEndpoint(let id): return "unknown endpoint '\(id)'"
    case .sealingFailed(let why): return "the payload could not be sealed: \(why)"
    case .auditUnavailable(let why): return "the audit log cannot be written: \(why)"
    }
  }
}
