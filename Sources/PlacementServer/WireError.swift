/// An error response of the wire protocol (DESIGN.md section 7): a contract `code` and a
/// `message` for people that names the field and says why.
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The error codes of DESIGN.md section 7.
  public enum Code: String, Sendable, Hashable, CaseIterable {
    /// Invalid JSON, or missing, mistyped or unknown fields.
    case badRequest = "bad_request"
    /// An `op` the server does not know.
    case unknownOp = "unknown_op"
    /// `complete` named a lease that is not held.
    case unknownLease = "unknown_lease"
    /// `health` named an endpoint that does not exist.
    case unknownEndpoint = "unknown_endpoint"
    /// A line longer than the configured limit.
    case tooLarge = "too_large"
    /// A peer whose credentials are not allowed.
    case forbiddenPeer = "forbidden_peer"
    /// The audit log cannot be written and decisions are refused.
    case auditUnavailable = "audit_unavailable"
    /// Something failed inside the server.
    case `internal`
  }

  /// The machine-readable code.
  public var code: Code
  /// What was wrong, for people.
  public var message: String

  /// Creates an error response.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// `code: message`.
  public var description: String { "\(code.rawValue): \(message)" }
}
