/// Why the audit log could not open, take or write a record. Each description says what to do.
public enum AuditError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The log cannot write (disk full, permissions...) and refuses records until it can.
  case unavailable(String)
  /// The log was closed; no record can be added.
  case closed
  /// The configuration cannot work; the string says why and what to change.
  case invalidConfiguration(String)
  /// The directory or a segment could not be read or created when opening.
  case io(path: String, operation: String, reason: String)
  /// The existing log's last record does not verify: wrong key, or tampering.
  case corrupt(path: String, line: Int, reason: String)

  /// A sentence saying what went wrong and what to do.
  public var description: String {
    switch self {
    case .unavailable(let reason):
      return "the audit log cannot be written (\(reason)); decisions are refused until it can:"
        + " free space or fix permissions in the audit directory"
    case .closed: return "the audit log is closed"
    case .invalidConfiguration(let reason): return "invalid audit configuration: \(reason)"
    case .io(let path, let operation, let reason):
      return "\(operation) '\(path)' failed: \(reason); check the audit directory's permissions"
        + " and free space"
    case .corrupt(let path, let line, let reason):
      return "\(path):\(line): \(reason); run 'placement audit verify' on the directory"
    }
  }
}
